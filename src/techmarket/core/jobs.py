"""Background jobs behind one small protocol: ``inline`` (embedded default) and ``rq`` (Redis).

A job is a dotted path to a module-level function plus JSON-able keyword arguments. Jobs open their
own application context and commit their own unit of work.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Protocol

from flask import Flask, current_app
from redis import Redis
from rq import Queue, SimpleWorker


class JobQueue(Protocol):
    name: str

    def enqueue(self, func_path: str, **kwargs: Any) -> str: ...


def resolve(func_path: str) -> Callable[..., Any]:
    module_name, _, attr = func_path.rpartition(".")
    if not module_name.startswith("techmarket."):
        raise ValueError(f"jobs must live in the techmarket package: {func_path}")
    return getattr(importlib.import_module(module_name), attr)  # type: ignore[no-any-return]


class InlineQueue:
    """Runs the job at once, in the caller's process (no server needed)."""

    name = "inline"

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._count = 0

    def enqueue(self, func_path: str, **kwargs: Any) -> str:
        self._count += 1
        resolve(func_path)(**kwargs)
        return f"inline-{self._count}"


def run_job(func_path: str, kwargs: dict[str, Any]) -> Any:
    """What an RQ worker executes. ``techmarket jobs worker`` runs it inside the application context."""
    return resolve(func_path)(**kwargs)


class RQQueue:
    name = "rq"

    def __init__(self, redis_url: str, queue_name: str = "techmarket") -> None:
        self.queue = Queue(queue_name, connection=Redis.from_url(redis_url))

    def enqueue(self, func_path: str, **kwargs: Any) -> str:
        resolve(func_path)  # fail now, in the caller, for a wrong path
        job = self.queue.enqueue("techmarket.core.jobs.run_job", func_path, kwargs)
        return str(job.id)


def make_queue(app: Flask) -> JobQueue:
    if app.config["JOBS_BACKEND"] == "rq":
        return RQQueue(app.config["REDIS_URL"])
    return InlineQueue(app)


def queue() -> JobQueue:
    return current_app.extensions["techmarket.jobs"]  # type: ignore[no-any-return]


def work(app: Flask, burst: bool = False) -> None:
    """Run an RQ worker in this process, inside the application context (``techmarket jobs worker``)."""
    connection = Redis.from_url(app.config["REDIS_URL"])
    with app.app_context():
        SimpleWorker([Queue("techmarket", connection=connection)], connection=connection).work(burst=burst)
