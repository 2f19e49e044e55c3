"""Progress of long jobs (imports, reindexing, reports), so pages can show a progress bar.

A job records its progress in its own short transactions, so a page polling the run sees it move while
the job's work commits batch by batch.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from techmarket.core.clock import utcnow
from techmarket.core.db import Base


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

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in {"done", "failed"}


def create(session: Session, kind: str, params: dict[str, Any], user_id: int | None) -> JobRun:
    run = JobRun(kind=kind, params=params, created_by_id=user_id)
    session.add(run)
    session.flush()
    return run


def update(session: Session, run: JobRun, *, status: str | None = None, total: int | None = None,
           done: int | None = None, message: str | None = None, result: dict[str, Any] | None = None) -> None:
    """Set fields and flush; the caller commits (a job commits after each batch)."""
    if status is not None:
        run.status = status
        if status in {"done", "failed"}:
            run.finished_at = utcnow()
    if total is not None:
        run.total = total
    if done is not None:
        run.done = done
    if message is not None:
        run.message = message[:5000]
    if result is not None:
        run.result = result
    session.flush()
