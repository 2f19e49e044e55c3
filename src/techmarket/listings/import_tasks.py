"""Imports as background jobs: accept an upload (real type check), record a JobRun, and run it batch by batch.

The uploaded file and the finished report are kept under ``instance/imports/``: ``<run id>-<token>.<csv|xlsx>``
and ``<run id>.report.json``. The JobRun holds the counts; pages poll it for the progress bar.
"""

from __future__ import annotations

import json
import logging
import secrets
from pathlib import Path
from typing import Any

from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from techmarket.accounts.models import User
from techmarket.accounts.services import actor_for
from techmarket.core import progress
from techmarket.core.actor import Actor
from techmarket.core.errors import PermissionDenied, ValidationFailed
from techmarket.core.progress import JobRun
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings.importing import (
    MAX_IMPORT_BYTES,
    ImportFileError,
    ImportReport,
    decode_csv,
    file_format,
    import_rows,
    read_sheet,
)
from techmarket.orgs.creditcode import normalise
from techmarket.orgs.models import Organisation

log = logging.getLogger(__name__)
KIND = "listings_import"
JOB = "techmarket.listings.import_tasks.run_import"


def folder(instance_path: str) -> Path:
    path = Path(instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def start_import(session: Session, actor: Actor, filename: str, content: bytes, org_code: str, locale: str,
                 instance_path: str) -> JobRun:
    """Check an upload and record its JobRun (flushed; the caller commits, then enqueues ``JOB``)."""
    if not actor.has(Role.OPERATOR):
        raise PermissionDenied(_l("Only the market operator imports listings."))
    if len(content) > MAX_IMPORT_BYTES:
        message = _l("The file is larger than %(n)d MB; split it.", n=MAX_IMPORT_BYTES // (1024 * 1024))
        raise ValidationFailed(message, field_errors={"file": message})
    try:
        fmt = file_format(filename, content)
        if fmt == "csv":
            decode_csv(content)
    except ImportFileError as exc:
        raise ValidationFailed(exc.message, field_errors={"file": exc.message}) from exc
    code = normalise(org_code)
    if code and session.scalar(select(Organisation.id).where(Organisation.credit_code == code)) is None:
        message = _l("No organisation with the credit code %(code)s is registered.", code=code)
        raise ValidationFailed(message, field_errors={"org_code": message})
    run = progress.create(session, KIND, {}, actor.user_id)
    stored = f"{run.id}-{secrets.token_hex(8)}.{fmt}"
    (folder(instance_path) / stored).write_bytes(content)
    run.params = {"file": stored, "filename": Path(filename).name[:200], "org_code": code, "locale": locale,
                  "format": fmt}
    session.flush()
    return run


def runs() -> Select[Any]:
    return select(JobRun).where(JobRun.kind == KIND).order_by(JobRun.created_at.desc(), JobRun.id.desc())


def report_of(run: JobRun, instance_path: str) -> ImportReport | None:
    name = (run.result or {}).get("report")
    if not name:
        return None
    try:
        return ImportReport.from_json(json.loads((folder(instance_path) / name).read_text("utf-8")))
    except (OSError, ValueError):
        return None


def _actor(session: Session, user_id: int | None) -> Actor:
    user = session.get(User, user_id) if user_id is not None else None
    if user is None:
        return Actor(user_id=None, label="import job (no user)")
    return actor_for(user)


def run_import(run_id: int) -> None:
    """The job: read the stored file, import its rows committing batch by batch, keep the report."""
    try:
        _run(run_id)
    finally:
        if not has_request_context():  # a worker: start the next job with a clean session
            db.session.remove()


def _run(run_id: int) -> None:
    session = db.session
    run = session.get(JobRun, run_id)
    if run is None or run.kind != KIND or run.finished:
        return
    params = dict(run.params)
    progress.update(session, run, status="running", message="")
    session.commit()
    with force_locale(params.get("locale") or current_app.config["DEFAULT_LOCALE"]):
        try:
            path = folder(current_app.instance_path) / params["file"]
            sheet = read_sheet(params["filename"], path.read_bytes())
        except (ImportFileError, OSError) as exc:
            message = exc.message if isinstance(exc, ImportFileError) else _l("The uploaded file is missing.")
            progress.update(session, run, status="failed", message=str(message))
            session.commit()
            return
        progress.update(session, run, total=len(sheet.rows), done=0)
        session.commit()

        def on_batch(done: int, total: int) -> None:
            progress.update(session, run, done=done, total=total)
            session.commit()

        try:
            report = import_rows(session, _actor(session, run.created_by_id), sheet, params.get("org_code", ""),
                                 progress=on_batch)
        except Exception:
            session.rollback()
            log.exception("import run %s stopped", run_id)
            progress.update(session, run, status="failed", message=str(_l(
                "The import stopped on an unexpected error. The rows saved so far are kept; import the file "
                "again to add the rest (rows already imported are skipped).")))
            session.commit()
            return
        name = f"{run.id}.report.json"
        (folder(current_app.instance_path) / name).write_text(json.dumps(report.to_json(), ensure_ascii=False),
                                                              "utf-8")
        progress.update(session, run, status="done", done=report.total, result=report.counts() | {"report": name},
                        message="")
        session.commit()
