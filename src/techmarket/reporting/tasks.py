"""The yearly report job: count the figures, draw the PDF and XLSX, keep them with the report; progress on its
JobRun, which the report's page shows while it waits."""

from __future__ import annotations

import logging

from flask import current_app, has_request_context
from flask_babel import force_locale

from techmarket.core import progress
from techmarket.core.jobs import queue
from techmarket.core.progress import JobRun
from techmarket.extensions import db
from techmarket.incentives.statement_export import FontMissing
from techmarket.reporting import documents, yearly
from techmarket.reporting.models import YearlyReport
from techmarket.reporting.reports import folder

log = logging.getLogger(__name__)
JOB = "techmarket.reporting.tasks.run"


def enqueue(report: YearlyReport) -> None:
    """Hand the committed report to the job queue (the web request never generates it)."""
    queue().enqueue(JOB, report_id=report.id)


def run(report_id: int) -> None:
    """The job: count the figures, draw the PDF and XLSX, keep them with the report."""
    try:
        _run(report_id)
    finally:
        if not has_request_context():
            db.release()


def _run(report_id: int) -> None:
    session = db.current()
    report = session.get(YearlyReport, report_id)
    job = session.get(JobRun, report.job_run_id) if report is not None and report.job_run_id else None
    if report is None or job is None or report.status != "queued":
        return
    progress.update(session, job, status="running", total=1, done=0)
    session.commit()

    def step(done: int, total: int) -> None:
        progress.update(session, job, done=done, total=total + 2)
        session.commit()

    with force_locale(job.params.get("locale") or current_app.config["DEFAULT_LOCALE"]):
        try:
            content = yearly.build(session, report.prefecture_code, report.year, step)
            out = folder(current_app.instance_path)
            files = {"xlsx": f"{report.id}.xlsx"}
            (out / files["xlsx"]).write_bytes(documents.xlsx(content))
            progress.update(session, job, done=job.total - 1)
            message = ""
            try:
                (out / f"{report.id}.pdf").write_bytes(documents.pdf(content, current_app.config))
                files["pdf"] = f"{report.id}.pdf"
            except FontMissing as exc:
                message = str(exc.message)
        except Exception as exc:  # the report says it failed; the worker goes on with the next job
            log.exception("yearly report %s failed", report_id)
            session.rollback()
            report.status = "failed"
            progress.update(session, job, status="failed", message=str(exc), result={"final": True})
            session.commit()
            return
        report.content, report.files, report.status = content, files, "ready"
        progress.update(session, job, status="done", done=job.total, message=message)
        session.commit()
