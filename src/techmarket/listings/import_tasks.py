"""Imports as background jobs: accept an upload (real type check), record a JobRun, and run it batch by batch.

The uploaded file and the finished report are kept under ``instance/imports/``: ``<run id>-<token>.<csv|xlsx>``
and ``<run id>.report.json``. The JobRun holds the counts; pages poll it for the progress bar.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import asdict
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
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.core.jobs import queue
from techmarket.core.progress import JobRun
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings.importing import (
    MAX_IMPORT_BYTES,
    ImportFileError,
    ImportReport,
    ReportLine,
    check_xlsx,
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
    """Check an upload and record its JobRun (flushed; the caller commits, then calls :func:`enqueue`)."""
    if not actor.has(Role.OPERATOR):
        raise PermissionDenied(_l("Only the market operator imports listings."))
    if len(content) > MAX_IMPORT_BYTES:
        message = _l("The file is larger than %(n)d MB; split it.", n=MAX_IMPORT_BYTES // (1024 * 1024))
        raise ValidationFailed(message, field_errors={"file": message})
    try:
        fmt = file_format(filename, content)
        if fmt == "csv":
            decode_csv(content)
        else:
            check_xlsx(content)
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
                  "format": fmt, "resumable": True}
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


def job_timeout(n_bytes: int) -> int:
    """Seconds an import job may take, sized to its file: 10 minutes plus a second per kilobyte (a 12,000-row
    CSV of ~6 MB gets ~1.9 hours). A worker that dies is found by the run's heartbeat, not by this."""
    return 600 + n_bytes // 1000


def enqueue(run: JobRun, n_bytes: int) -> None:
    """Hand the committed run to the job queue (the web request never runs it)."""
    queue().enqueue(JOB, job_timeout=job_timeout(n_bytes), run_id=run.id)


def resume(session: Session, actor: Actor, run: JobRun, instance_path: str) -> None:
    """Queue a failed run again; it goes on after the last batch it saved. Flushes; the caller commits and
    then calls :func:`enqueue`."""
    if not actor.has(Role.OPERATOR):
        raise PermissionDenied(_l("Only the market operator imports listings."))
    if not run.resumable:
        raise Conflict(_l("Only an import that stopped can be resumed."))
    if not (folder(instance_path) / run.params["file"]).exists():
        raise Conflict(_l("The uploaded file is missing; upload it again."))
    progress.update(session, run, status="queued", message="")


def run_import(run_id: int) -> None:
    """The job: read the stored file, import its rows committing batch by batch, keep the report."""
    try:
        _run(run_id)
    finally:
        if not has_request_context():  # a worker: start the next job with a clean session
            db.release()


def _partial(run: JobRun) -> Path:
    return folder(current_app.instance_path) / f"{run.id}.partial.jsonl"


def _resume_report(run: JobRun, sheet_fmt: str, headers: list[str]) -> ImportReport | None:
    """The report of the batches an interrupted run committed (lines written after ``run.done`` are from a
    batch that was rolled back, and dropped)."""
    if run.done <= 0 or not _partial(run).exists():
        return None
    report = ImportReport(sheet_fmt, headers)
    for line in _partial(run).read_text("utf-8").splitlines():
        part = json.loads(line)
        if part["upto"] > run.done:
            break
        report.lines += [ReportLine(**x) for x in part["lines"]]
        report.bad_rows += [(int(r), list(c), str(p)) for r, c, p in part["bad_rows"]]
        report.created_ids += part["created_ids"]
    report.created = len(report.created_ids)
    report.failed = len(report.bad_rows)
    report.unchanged = sum(1 for x in report.lines if x.outcome == "unchanged")
    return report


class _Batches:
    """The progress callback: appends the batch's report lines to the partial file, then commits the batch
    with the run's done count, live counts and heartbeat (so a dead run resumes after its last batch)."""

    def __init__(self, session: Session, run: JobRun, report: ImportReport, path: Path) -> None:
        self.session, self.run, self.report, self.path = session, run, report, path
        self.marks = (len(report.lines), len(report.bad_rows), len(report.created_ids))

    def __call__(self, done: int, total: int) -> None:
        lines, bad, created = self.marks
        part = {"upto": done, "lines": [asdict(x) for x in self.report.lines[lines:]],
                "bad_rows": self.report.bad_rows[bad:], "created_ids": self.report.created_ids[created:]}
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(part, ensure_ascii=False) + "\n")
        self.marks = (len(self.report.lines), len(self.report.bad_rows), len(self.report.created_ids))
        progress.update(self.session, self.run, done=done, total=total, result=self.report.counts())
        self.session.commit()


def _run(run_id: int) -> None:
    session = db.current()
    run = session.get(JobRun, run_id)
    if run is None or run.kind != KIND or run.status != "queued":
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
            progress.update(session, run, status="failed", message=str(message), result={"final": True})
            session.commit()
            return
        report = _resume_report(run, sheet.fmt, sheet.headers)
        start = run.done if report is not None else 0
        if report is None:
            report = ImportReport(sheet.fmt, list(sheet.headers))
            _partial(run).unlink(missing_ok=True)
        progress.update(session, run, total=len(sheet.rows), done=start, result=report.counts())
        session.commit()
        try:
            import_rows(session, _actor(session, run.created_by_id), sheet, params.get("org_code", ""),
                        progress=_Batches(session, run, report, _partial(run)), start=start, report=report)
        except Exception:
            session.rollback()
            log.exception("import run %s stopped", run_id)
            progress.update(session, run, status="failed", message=str(_l(
                "The import stopped on an unexpected error. The rows saved so far are kept; resume it to import "
                "the rest.")))
            session.commit()
            return
        name = f"{run.id}.report.json"
        (folder(current_app.instance_path) / name).write_text(json.dumps(report.to_json(), ensure_ascii=False),
                                                              "utf-8")
        _partial(run).unlink(missing_ok=True)
        progress.update(session, run, status="done", done=report.total, result=report.counts() | {"report": name},
                        message="")
        session.commit()
