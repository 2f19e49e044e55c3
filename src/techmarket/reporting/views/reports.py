"""The yearly 盟市 reports: ask for one (a background job generates it), watch its progress, download, issue."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from techmarket.core.clock import local_today
from techmarket.core.forms import submit
from techmarket.core.i18n import LANGUAGES
from techmarket.core.pagination import paginate
from techmarket.core.progress import JobRun
from techmarket.core.spreadsheets import XLSX_TYPE
from techmarket.extensions import db
from techmarket.reporting import queries, tasks
from techmarket.reporting import reports as service
from techmarket.reporting.documents import sections
from techmarket.reporting.forms import ReportForm
from techmarket.reporting.views.common import actor, paging, require_staff


@login_required
def index() -> str | Response:
    who = actor()
    require_staff(who)
    today = local_today()
    form = ReportForm()
    form.prefecture.choices = [SelectChoice(d.code, d.label) for d in queries.prefectures(db.session)]
    if not form.is_submitted():
        form.prefecture.data = queries.area_of(db.session, who) or ""
        form.year.data = today.year - 1 if today.month < 12 else today.year
    if form.validate_on_submit():
        report = submit(form, service.request_report, db.session, who, form.prefecture.data or "", form.year.data,
                        str(get_locale()), today.year)
        if report is not None:
            db.session.commit()
            tasks.enqueue(report)  # the request only queues; a worker generates the report
            return redirect(url_for("reporting_admin.report", report_id=report.id))
    page = paginate(db.session, service.reports(), *paging())
    return render_template("reporting/reports.html", form=form, page=page, this_year=today.year)


@login_required
def report(report_id: int) -> str:
    item = service.get(db.session, actor(), report_id)
    job = db.session.get(JobRun, item.job_run_id) if item.job_run_id else None
    # The report is a record in the language it was asked for in (its PDF and XLSX too): the page shows it
    # in that language whole, rather than the reader's headings over the record's labels.
    written_in = str((job.params or {}).get("locale") if job else "") or current_app.config["DEFAULT_LOCALE"]
    with force_locale(written_in):
        shown = sections(item.content) if item.content else []
    other = written_in != str(get_locale())
    return render_template("reporting/report.html", report=item, job=job, sections=shown,
                           report_locale=written_in,
                           written_in=LANGUAGES.get(written_in, written_in) if other else None)


@login_required
def issue(report_id: int) -> Response:
    item = service.get(db.session, actor(), report_id)
    service.issue(db.session, actor(), item)
    db.session.commit()
    flash(_("The report is issued; it is kept as it is now."), "success")
    return redirect(url_for("reporting_admin.report", report_id=item.id))


@login_required
def download(report_id: int, fmt: str) -> Response:
    item = service.get(db.session, actor(), report_id)
    path = service.file_path(item, fmt, current_app.instance_path)
    if path is None:
        abort(404)
    name = f"report-{item.prefecture_code}-{item.year}-{item.id}.{fmt}"
    return send_file(path, mimetype="application/pdf" if fmt == "pdf" else XLSX_TYPE, as_attachment=True,
                     download_name=name)
