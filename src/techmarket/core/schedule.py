"""Recurring jobs of the embedded default: the local worker (``techmarket jobs worker``, started by
``make run``) enqueues each registered job every ``seconds``.

Production runs the same commands from systemd timers (``deploy/systemd``), so the worker's own schedule is
off there: ``JOBS_SCHEDULE`` is ``auto`` (on with the local backend in development, the embedded default; off in
production and in the test suite, whose runner tests set ``1``), ``1`` or ``0``. Domains
register their recurring work at start-up (:func:`every`); core knows none of them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger(__name__)

RECURRING: dict[str, float] = {}
"""Job path → interval in seconds."""


class Queue(Protocol):
    def enqueue(self, func_path: str, *, job_timeout: int | None = None, **kwargs: Any) -> str: ...


def every(seconds: float, func_path: str) -> None:
    """Run the job ``func_path`` (no arguments) every ``seconds`` from the embedded worker."""
    RECURRING[func_path] = float(seconds)


def enabled(config: Mapping[str, Any]) -> bool:
    value = str(config.get("JOBS_SCHEDULE", "auto")).lower()
    if value == "auto":
        return config.get("ENV") == "development" and config.get("JOBS_BACKEND") == "local"
    return value in {"1", "true", "yes", "on"}


@dataclass
class Schedule:
    """When each recurring job was last enqueued (by this worker; a job is due at the worker's start)."""

    last: dict[str, float] = field(default_factory=dict)

    def enqueue_due(self, queue: Queue, now: float, jobs: Mapping[str, float] | None = None) -> list[str]:
        """Enqueue the jobs whose interval has passed; returns their paths."""
        queued = []
        for path, seconds in (RECURRING if jobs is None else jobs).items():
            if path in self.last and now - self.last[path] < seconds:
                continue
            try:
                queue.enqueue(path)
            except Exception:  # the database is away: try again at the next poll
                log.exception("jobs: could not enqueue the recurring job %s", path)
                continue
            self.last[path] = now
            queued.append(path)
        return queued
