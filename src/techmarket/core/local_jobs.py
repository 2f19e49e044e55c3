"""The ``local`` job runner: a durable job table in the application's own database, worked by
``techmarket jobs worker`` (which ``make run`` starts next to gunicorn). No server beyond the database.

A web request only inserts a row. A worker claims the oldest due row with a conditional UPDATE (so several
workers never take the same job), holds a lease on it that a heartbeat thread renews while the job runs,
and deletes the row when the job returns. A job that raises is kept as ``failed`` with the error. A row
whose lease ran out (its worker was killed) is marked ``failed`` with that reason by the next worker that
looks; the job's own records (an import's JobRun) say how to resume it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from techmarket.core.clock import utcnow
from techmarket.core.db import Base

log = logging.getLogger(__name__)

QUEUED, RUNNING, FAILED = "queued", "running", "failed"
WORKER_DIED = "the worker running this job stopped (no heartbeat before its lease ran out)"


class QueuedJob(Base):
    __tablename__ = "queued_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    func_path: Mapped[str] = mapped_column(String(200))
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED, index=True)  # queued | running | failed
    timeout_seconds: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_by: Mapped[str | None] = mapped_column(String(80))
    locked_until: Mapped[dt.datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]


def add(session: Session, func_path: str, kwargs: dict[str, Any], timeout: int | None) -> QueuedJob:
    """Insert a job in ``session``'s transaction (flushed; the caller commits)."""
    job = QueuedJob(func_path=func_path, kwargs=kwargs, timeout_seconds=timeout, status=QUEUED)
    session.add(job)
    session.flush()
    return job


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def expire_leases(session: Session, now: dt.datetime | None = None) -> int:
    """Mark running jobs whose lease ran out as failed (their worker died); commits; returns how many."""
    now = now or utcnow()
    expired = select(QueuedJob.id).where(QueuedJob.status == RUNNING, QueuedJob.locked_until < now).limit(1)
    if session.scalar(expired) is None:  # the usual case: read only, no write lock taken every poll
        session.commit()
        return 0
    result = session.execute(update(QueuedJob).where(QueuedJob.status == RUNNING, QueuedJob.locked_until < now)
                             .values(status=FAILED, error=WORKER_DIED, locked_by=None)
                             .execution_options(synchronize_session=False))
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def claim(session: Session, worker: str, lease: int) -> QueuedJob | None:
    """Take the oldest queued job for ``worker`` (one conditional UPDATE, safe with concurrent workers)."""
    ids = list(session.scalars(select(QueuedJob.id).where(QueuedJob.status == QUEUED)
                               .order_by(QueuedJob.id).limit(8)))
    session.commit()
    for job_id in ids:
        now = utcnow()
        result = session.execute(
            update(QueuedJob).where(QueuedJob.id == job_id, QueuedJob.status == QUEUED)
            .values(status=RUNNING, locked_by=worker, locked_until=now + dt.timedelta(seconds=lease),
                    started_at=now, attempts=QueuedJob.attempts + 1)
            .execution_options(synchronize_session=False))
        session.commit()
        if getattr(result, "rowcount", 0) == 1:
            return session.get(QueuedJob, job_id)
    return None


class Heartbeat(threading.Thread):
    """Renews a running job's lease every ``lease / 3`` seconds, in its own connection."""

    def __init__(self, make_session: Callable[[], Session], job_id: int, worker: str, lease: int) -> None:
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.make_session, self.job_id, self.worker, self.lease = make_session, job_id, worker, lease
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(max(self.lease / 3, 0.2)):
            try:
                with self.make_session() as session:
                    session.execute(update(QueuedJob).where(QueuedJob.id == self.job_id,
                                                            QueuedJob.locked_by == self.worker)
                                    .values(locked_until=utcnow() + dt.timedelta(seconds=self.lease))
                                    .execution_options(synchronize_session=False))
                    session.commit()
            except Exception:  # a busy database: the next beat tries again, well within the lease
                log.warning("job %s: heartbeat not written", self.job_id, exc_info=True)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


def finish(session: Session, job_id: int, worker: str, error: str | None) -> None:
    """Delete a job that succeeded; keep a failed one with its error."""
    job = session.get(QueuedJob, job_id)
    if job is not None and job.locked_by == worker:
        if error is None:
            session.delete(job)
        else:
            job.status, job.error, job.locked_by = FAILED, error[:5000], None
    session.commit()


def run_one(make_session: Callable[[], Session], run: Callable[[QueuedJob], None], worker: str,
            lease: int) -> bool:
    """Expire dead leases, claim one job and run it through ``run``; False when there was nothing to do."""
    with make_session() as session:
        expire_leases(session)
        job = claim(session, worker, lease)
        if job is None:
            return False
        session.expunge(job)
    beat = Heartbeat(make_session, job.id, worker, lease)
    beat.start()
    error: str | None = None
    started = time.monotonic()
    try:
        run(job)
    except Exception as exc:
        log.exception("job %s (%s) failed", job.id, job.func_path)
        error = f"{type(exc).__name__}: {exc}"
    finally:
        beat.stop()
    with make_session() as session:
        finish(session, job.id, worker, error)
    log.info("job %s (%s) %s in %.1fs", job.id, job.func_path, "failed" if error else "done",
             time.monotonic() - started)
    return True


def pending(session: Session) -> list[QueuedJob]:
    return list(session.scalars(select(QueuedJob).order_by(QueuedJob.id)))
