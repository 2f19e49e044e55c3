"""Progress of long jobs (imports, reindexing, reports), so pages can show a progress bar.

A job records its progress in the same transaction as each batch of its work, so a page polling the run
sees it move, and the counts saved are exactly the rows saved. Each such update is also the run's heartbeat:
a ``running`` run without one for ``JOBS_STALE_SECONDS`` lost its worker, and :func:`reap` marks it failed
with that reason (a resumable run can then be resumed from where it stopped).

A ``queued`` run that no worker took up within :data:`NOT_STARTED_SECONDS` is ``not_started`` (see
:meth:`JobRun.phase`): its page says the background worker may not be running instead of showing 0 %.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy import update as sa_update
from sqlalchemy.orm import Mapped, Session, mapped_column

from techmarket.core.clock import utcnow
from techmarket.core.db import Base

NOT_STARTED_SECONDS = 15  # a queued run no worker took up within this long: say the worker may be down


class JobRun(Base):
    __tablename__ = "job_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(48), index=True)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued | running | done | failed
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    heartbeat_at: Mapped[dt.datetime | None]

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return min(int(self.done * 100 / self.total), 100) if self.total else 0

    @property
    def queued_since(self) -> dt.datetime:
        """When the run was queued: created, or queued again on resuming (which beats its heart)."""
        return self.heartbeat_at or self.created_at

    def phase(self, now: dt.datetime | None = None) -> str:
        """``status``, except that a run queued for :data:`NOT_STARTED_SECONDS` without a worker taking it up
        is ``not_started`` (a page shows why instead of a bar standing at 0 %)."""
        if self.status == "queued" and self.queued_since is not None and \
                (now or utcnow()) - self.queued_since >= dt.timedelta(seconds=NOT_STARTED_SECONDS):
            return "not_started"
        return self.status

    @property
    def finished(self) -> bool:
        return self.status in {"done", "failed"}

    @property
    def resumable(self) -> bool:
        """Failed, of a kind that can go on from where it stopped, and not for a reason that would recur."""
        return (self.status == "failed" and bool((self.params or {}).get("resumable"))
                and not (self.result or {}).get("final"))


def create(session: Session, kind: str, params: dict[str, Any], user_id: int | None) -> JobRun:
    run = JobRun(kind=kind, params=params, created_by_id=user_id)
    session.add(run)
    session.flush()
    return run


def update(session: Session, run: JobRun, *, status: str | None = None, total: int | None = None,
               done: int | None = None, message: str | None = None, result: dict[str, Any] | None = None) -> None:
    """Set fields, beat the heart and flush; the caller commits (a job commits with each batch)."""
    if status is not None:
        run.status = status
        run.finished_at = utcnow() if status in {"done", "failed"} else None
    if total is not None:
        run.total = total
    if done is not None:
        run.done = done
    if message is not None:
        run.message = message[:5000]
    if result is not None:
        run.result = result
    run.heartbeat_at = utcnow()
    session.flush()


def reap(session: Session, stale_seconds: int, run_id: int | None = None) -> int:
    """Mark running runs without a heartbeat for ``stale_seconds`` as failed, with
    the reason, and resumable. Flushes; the caller commits. Returns how many."""
    now = utcnow()
    stmt = (sa_update(JobRun).where(JobRun.status == "running",
                                    JobRun.heartbeat_at < now - dt.timedelta(seconds=stale_seconds))
            .values(status="failed", finished_at=now, message=str(_l(
                "The worker running this job stopped (it gave no sign of life for %(n)d seconds): it was killed, "
                "restarted or timed out. The rows saved so far are kept; resume to do the rest.",
                n=stale_seconds))))
    if run_id is not None:
        stmt = stmt.where(JobRun.id == run_id)
    result = session.execute(stmt.execution_options(synchronize_session="fetch"))
    n = int(getattr(result, "rowcount", 0) or 0)
    if n:
        for run in [o for o in session.identity_map.values() if isinstance(o, JobRun)]:
            session.expire(run)
    return n

