"""Gunicorn settings for bench/auction.py: the deployed ones (deploy/gunicorn.conf.py, read as they are), plus
per-worker counters that the bench adds up afterwards.

Each worker counts, per kind of request (``bid``, ``status``, ``other``): the requests, the SQL statements they
ran (SQLAlchemy's ``before_cursor_execute``) and the CPU time the worker spent between the start and the end of
the request in Flask (``time.process_time``; gunicorn's own parsing and writing are outside, they show in the
process's total CPU that the bench reads from /proc). The counters go to ``$BENCH_COUNTERS_DIR/<pid>.json``
at most every half second and when the worker exits. Counting costs a few microseconds per request.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

_DEPLOYED = Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"
exec(compile(_DEPLOYED.read_text(encoding="utf-8"), str(_DEPLOYED), "exec"))  # noqa: S102 - our own settings file

_deployed_post_fork = post_fork  # type: ignore[name-defined]  # noqa: F821 - defined by the exec above
_COUNTS: dict[str, dict[str, float]] = {}
_STATE: dict[str, Any] = {"kind": "other", "t0": 0.0, "written": 0.0}


def _kind(path: str) -> str:
    if path.endswith("/bid"):
        return "bid"
    if path.endswith("/status.json"):
        return "status"
    return "other"


def _write(force: bool = False) -> None:
    now = time.monotonic()
    if not force and now - _STATE["written"] < 0.5:
        return
    _STATE["written"] = now
    folder = os.environ.get("BENCH_COUNTERS_DIR")
    if folder:
        target = Path(folder) / f"{os.getpid()}.json"
        target.with_suffix(".tmp").write_text(json.dumps(_COUNTS))
        target.with_suffix(".tmp").replace(target)


def post_fork(server: Any, worker: Any) -> None:
    _deployed_post_fork(server, worker)
    from flask import request, request_finished, request_started
    from sqlalchemy import event

    app = server.app.wsgi()

    def started(sender: Any, **extra: Any) -> None:
        _STATE["kind"], _STATE["t0"] = _kind(request.path), time.process_time()

    def finished(sender: Any, **extra: Any) -> None:
        row = _COUNTS.setdefault(_STATE["kind"], {"requests": 0, "statements": 0, "cpu_s": 0.0})
        row["requests"] += 1
        row["cpu_s"] += time.process_time() - _STATE["t0"]
        _STATE["kind"] = "other"
        _write()

    def statement(*args: Any) -> None:
        row = _COUNTS.setdefault(_STATE["kind"], {"requests": 0, "statements": 0, "cpu_s": 0.0})
        row["statements"] += 1

    request_started.connect(started, app, weak=False)
    request_finished.connect(finished, app, weak=False)
    with app.app_context():
        for engine in app.extensions["sqlalchemy"].engines.values():
            event.listen(engine, "before_cursor_execute", statement)


def worker_exit(server: Any, worker: Any) -> None:
    _write(force=True)
