"""Background jobs behind one small protocol, with two real implementations:

- ``local`` (the embedded default): a durable job table in the application's database
  (:mod:`techmarket.core.local_jobs`), worked by ``techmarket jobs worker``; ``make run`` starts one.
- ``rq``: Redis, worked by ``techmarket jobs worker`` running an RQ worker.

A job is a dotted path to a module-level function plus JSON-able keyword arguments. Jobs open their own
application context and commit their own unit of work. A web request only ever enqueues.

``inline`` runs the job at once in the caller; it exists for the test suite only (TECHMARKET_ENV=testing).
Tests of the real runners use :func:`drain` to work the local queue to its end in the test's process.
"""

from __future__ import annotations

import importlib
import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from flask import Flask, current_app, has_app_context
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy.orm import Session

from techmarket.core import local_jobs, progress, schedule
from techmarket.core.db import is_locked
from techmarket.extensions import db

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 600  # seconds; RQ's own default (180 s) is too short for reports and imports


class JobQueue(Protocol):
    name: str

    def enqueue(self, func_path: str, *, job_timeout: int | None = None, **kwargs: Any) -> str: ...


def resolve(func_path: str) -> Callable[..., Any]:
    module_name, _, attr = func_path.rpartition(".")
    if not module_name.startswith("techmarket."):
        raise ValueError(f"jobs must live in the techmarket package: {func_path}")
    return getattr(importlib.import_module(module_name), attr)  # type: ignore[no-any-return]


class InlineQueue:
    """Runs the job at once, in the caller's process. For the test suite only (never in a web request)."""

    name = "inline"

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._count = 0

    def enqueue(self, func_path: str, *, job_timeout: int | None = None, **kwargs: Any) -> str:
        self._count += 1
        resolve(func_path)(**kwargs)
        return f"inline-{self._count}"


class LocalQueue:
    """A durable job table in the application's database; ``techmarket jobs worker`` runs the jobs.

    The row is written in its own short transaction, except on SQLite when the caller's session already
    holds the database's write lock: then it joins that transaction (a second connection would wait for
    the lock the caller holds) and is committed, or rolled back, with the caller's unit of work.
    """

    name = "local"

    def __init__(self, app: Flask) -> None:
        self.app = app

    def enqueue(self, func_path: str, *, job_timeout: int | None = None, **kwargs: Any) -> str:
        resolve(func_path)  # fail now, in the caller, for a wrong path
        caller = db.current() if has_app_context() else None
        if caller is not None and _holds_sqlite_write_lock(caller):
            return str(local_jobs.add(caller, func_path, kwargs, job_timeout).id)
        with Session(db.engine) as session:
            job = local_jobs.add(session, func_path, kwargs, job_timeout)
            session.commit()
            return str(job.id)


def _holds_sqlite_write_lock(session: Session) -> bool:
    if not session.in_transaction() or session.get_bind().dialect.name != "sqlite":
        return False
    try:
        dbapi = session.connection().connection.dbapi_connection
    except Exception:  # the session is committing (an after_commit hook): it holds nothing any more
        return False
    return bool(getattr(dbapi, "in_transaction", False))


def run_job(func_path: str, kwargs: dict[str, Any]) -> Any:
    """What an RQ worker executes. ``techmarket jobs worker`` runs it inside the application context."""
    return resolve(func_path)(**kwargs)


class RQQueue:
    name = "rq"

    def __init__(self, redis_url: str, queue_name: str = "techmarket") -> None:
        self.queue = Queue(queue_name, connection=Redis.from_url(redis_url))

    def enqueue(self, func_path: str, *, job_timeout: int | None = None, **kwargs: Any) -> str:
        resolve(func_path)  # fail now, in the caller, for a wrong path
        job = self.queue.enqueue("techmarket.core.jobs.run_job", func_path, kwargs,
                                 job_timeout=job_timeout or DEFAULT_TIMEOUT)
        return str(job.id)


def make_queue(app: Flask) -> JobQueue:
    backend = app.config["JOBS_BACKEND"]
    if backend == "rq":
        return RQQueue(app.config["REDIS_URL"])
    if backend == "inline":
        return InlineQueue(app)
    return LocalQueue(app)


def queue() -> JobQueue:
    return current_app.extensions["techmarket.jobs"]  # type: ignore[no-any-return]


# --- working the queue ------------------------------------------------------------------------------------


LOCKED_RETRIES = 3


def _run_local(app: Flask) -> Callable[[local_jobs.QueuedJob], None]:
    def run(job: local_jobs.QueuedJob) -> None:
        for attempt in range(1, LOCKED_RETRIES + 1):
            with app.app_context():
                try:
                    resolve(job.func_path)(**(job.kwargs or {}))
                    return
                except Exception as exc:
                    # SQLite busy past its timeout: the unit of work rolled back whole; run it again.
                    if not is_locked(exc) or attempt == LOCKED_RETRIES:
                        raise
                    log.warning("job %s: database is locked, attempt %d of %d", job.id, attempt, LOCKED_RETRIES)
                finally:
                    db.release()
            time.sleep(attempt)

    return run


def drain(app: Flask, max_jobs: int | None = None) -> int:
    """Run the local queue's due jobs in this process until it is empty; returns how many ran."""
    worker = local_jobs.worker_name()
    lease = int(app.config["JOBS_LEASE_SECONDS"])
    with app.app_context():
        engine = db.engine
    ran = 0
    while (max_jobs is None or ran < max_jobs) and local_jobs.run_one(
            lambda: Session(engine), _run_local(app), worker, lease):
        ran += 1
    return ran


def work(app: Flask, burst: bool = False, stop: threading.Event | None = None) -> None:
    """``techmarket jobs worker``: work the configured queue (local table or RQ) until stopped."""
    with app.app_context():
        stalled = _reap_runs()
    if stalled:
        log.warning("jobs: %d run(s) whose worker had stopped marked failed (resumable)", stalled)
    if app.config["JOBS_BACKEND"] == "rq":
        connection = Redis.from_url(app.config["REDIS_URL"])
        with app.app_context():
            SimpleWorker([Queue("techmarket", connection=connection)], connection=connection).work(burst=burst)
        return
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):  # finish the running job, then exit
            signal.signal(sig, lambda *_: stop.set())
    worker = local_jobs.worker_name()
    lease = int(app.config["JOBS_LEASE_SECONDS"])
    poll = float(app.config["JOBS_POLL_SECONDS"])
    with app.app_context():
        engine = db.engine
    log.info("jobs: local worker %s polling every %.1fs", worker, poll)
    recurring = schedule.Schedule() if schedule.enabled(app.config) else None
    idle = 0.0
    while not stop.is_set():
        if recurring is not None:  # the embedded default's timers (production: systemd timers)
            with app.app_context():
                recurring.enqueue_due(app.extensions["techmarket.jobs"], time.monotonic())
        try:
            busy = local_jobs.run_one(lambda: Session(engine), _run_local(app), worker, lease)
        except Exception:  # the database is away or busy: wait and try again
            log.exception("jobs: could not claim a job")
            busy = False
        if busy:
            idle = 0.0
            continue
        if burst:
            return
        idle += poll
        if idle >= 60:  # now and then: mark runs whose worker died as failed
            idle = 0.0
            with app.app_context():
                _reap_runs()
        stop.wait(poll)


def _reap_runs() -> int:
    try:
        n = progress.reap(db.current(), int(current_app.config["JOBS_STALE_SECONDS"]))
        db.session.commit()
        return n
    except Exception:
        log.exception("jobs: could not check for stalled runs")
        return 0
    finally:
        db.release()
