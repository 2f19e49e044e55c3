"""The operator's bulk import of listings: upload, progress, report and downloads."""

from __future__ import annotations

import io
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import Length, Optional

from techmarket.accounts.models import User
from techmarket.accounts.services import actor_for
from techmarket.admin.access import staff_only
from techmarket.core import progress
from techmarket.core.forms import SafeForm, strip, submit
from techmarket.core.pagination import Page, clamp, paginate
from techmarket.core.progress import JobRun
from techmarket.core.roles import Role
from techmarket.core.spreadsheets import CSV_TYPE, XLSX_TYPE
from techmarket.extensions import db
from techmarket.listings import exporting, import_tasks
from techmarket.listings.importing import MAX_IMPORT_BYTES

MIME = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}


class UploadForm(SafeForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("At most %(n)d MB, with the template's headers in Chinese or English.",
                                    n=MAX_IMPORT_BYTES // (1024 * 1024)))
    org_code = StringField(_l("Owning organisation (unified social credit code)"), filters=[strip],
                           validators=[Optional(), Length(max=18)],
                           description=_l("For rows without an organisation column; leave blank otherwise."))


def _paging() -> tuple[int, int]:
    return clamp(request.args.get("page"), request.args.get("per_page"))


def _run(run_id: int) -> JobRun:
    run = db.session.get(JobRun, run_id)
    if run is None or run.kind != import_tasks.KIND:
        abort(404)
    if run.status == "running" and progress.reap(db.current(), int(current_app.config["JOBS_STALE_SECONDS"]),
                                                 run_id=run.id):
        db.session.commit()  # its worker died: say so (and offer to resume) instead of "running" forever
    return run


def _download(data: bytes, fmt: str, name: str) -> Response:
    return send_file(io.BytesIO(data), mimetype=MIME[fmt], as_attachment=True, download_name=f"{name}.{fmt}",
                     max_age=0)


@staff_only(Role.OPERATOR)
def index() -> Response | tuple[str, int]:
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        job = submit(form, import_tasks.start_import, db.session, actor_for(current_user), upload.filename or "",
                     upload.read(MAX_IMPORT_BYTES + 1), form.org_code.data or "", str(get_locale()),
                     current_app.instance_path)
        if job is not None:
            db.session.commit()
            import_tasks.enqueue(job, upload.tell())  # the request only queues; a worker runs the import
            return redirect(url_for("admin_imports.run", run_id=job.id))
    page = paginate(db.session, import_tasks.runs(), *_paging())
    ids = {r.created_by_id for r in page.items if r.created_by_id}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return render_template("admin/imports/index.html", form=form, page=page, users=users), 400 if form.errors else 200


@staff_only(Role.OPERATOR)
def run(run_id: int) -> str:
    job = _run(run_id)
    report = import_tasks.report_of(job, current_app.instance_path) if job.status == "done" else None
    lines: Page[Any] | None = None
    if report is not None:
        number, per_page = clamp(request.args.get("page"), request.args.get("per_page"), 50)
        start = (number - 1) * per_page
        lines = Page(items=report.lines[start:start + per_page], page=number, per_page=per_page,
                     total=len(report.lines))
    return render_template("admin/imports/run.html", run=job, report=report, lines=lines,
                           outcome_label=exporting.outcome_label, resume_form=SafeForm())


@staff_only(Role.OPERATOR)
def resume(run_id: int) -> Response:
    job = _run(run_id)
    if SafeForm().validate_on_submit():
        import_tasks.resume(db.current(), actor_for(current_user), job, current_app.instance_path)
        db.session.commit()
        path = import_tasks.folder(current_app.instance_path) / job.params["file"]
        import_tasks.enqueue(job, path.stat().st_size)
        flash(_l("The import was queued again; it goes on after the rows already saved."), "success")
    return redirect(url_for("admin_imports.run", run_id=job.id))


@staff_only(Role.OPERATOR)
def run_json(run_id: int) -> Response:
    job = _run(run_id)
    result = job.result or {}
    return jsonify(status=job.status, phase=job.phase(), finished=job.finished, percent=job.percent, done=job.done,
                   total=job.total, created=result.get("created", 0), unchanged=result.get("unchanged", 0),
                   failed=result.get("failed", 0), message=job.message, resumable=job.resumable)


@staff_only(Role.OPERATOR)
def report(run_id: int, fmt: str) -> Response:
    found = import_tasks.report_of(_run(run_id), current_app.instance_path) or abort(404)
    return _download(exporting.report_file(found, fmt), fmt, f"import-{run_id}-report")


@staff_only(Role.OPERATOR)
def rejected(run_id: int, fmt: str) -> Response:
    found = import_tasks.report_of(_run(run_id), current_app.instance_path) or abort(404)
    if not found.bad_rows:
        abort(404)
    return _download(exporting.bad_rows_file(found, fmt), fmt, f"import-{run_id}-rejected-rows")


@staff_only(Role.OPERATOR)
def template(fmt: str) -> Response:
    return _download(exporting.template(fmt), fmt, "listings-import-template")
