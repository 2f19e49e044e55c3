#!/usr/bin/env python3
"""Browse-page latency with filters over many listings, and bulk-import throughput. Prints one JSON document.

    .venv/bin/python bench/listings.py                        # 100,000 listings, 5,000-row import
    .venv/bin/python bench/listings.py --listings 20000 --requests 30 --import-rows 1000
    .venv/bin/python bench/listings.py --listings 20000 --no-browse --workers 2   # only the import figures

1. A fresh SQLite database in a temporary folder, migrated with ``techmarket db upgrade``.
2. ``--listings`` realistic listings (both kinds, every 盟市, most published, the rest in other states) with
   their field and mode tags, written with SQLAlchemy Core bulk inserts (``insert(listing)`` and
   ``insert(listing_tag)`` in chunks), NOT through the listing services: the services write the audit log and
   the search index row by row, which would take hours for 100,000 rows. The search index is therefore empty;
   the browse page does not use it.
3. The browse page's p50/p95 latency for filter sets (field + region + sort; mode + amount range; none),
   measured in-process through the Flask test client, then over HTTP against gunicorn on 127.0.0.1 (the same
   server settings and start/stop code as bench/http.py, from bench/_server.py), one request at a time.
4. ``EXPLAIN QUERY PLAN`` and the direct time of each filter set's two statements (the page and its count).
5. Import throughput: a generated ``--import-rows`` CSV through ``importing.read_sheet`` and
   ``importing.import_rows`` (the bulk path of listings.bulk, one audit entry per row appended per batch, search sync,
   a commit every 200 rows or second), into the same database; then the same file again (every row
   "unchanged").
6. An import under load: a ``--load-import-rows`` CSV queued as the web does (a JobRun and a row in the local
   job table) and run by a ``techmarket jobs worker`` process, while ``--load-clients`` threads request listing
   detail and browse pages from gunicorn on 127.0.0.1 in a bounded loop (each detail view counts a view). Prints
   the import's rows/s and failed rows (goal 0) and the pages' latency and non-200 answers.

Exit status 0 when measured, 1 when it could not measure. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import os
import sys

# bench/http.py is in this folder: drop the folder before importing anything that imports ``http``.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import http.client  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

from flask import Flask  # noqa: E402
from flask_babel import force_locale  # noqa: E402
from sqlalchemy import event, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from techmarket.accounts import services as accounts  # noqa: E402
from techmarket.accounts.services import actor_for  # noqa: E402
from techmarket.app import create_app  # noqa: E402
from techmarket.core.actor import Actor  # noqa: E402
from techmarket.core.jobs import LocalQueue  # noqa: E402
from techmarket.core.pagination import clamp  # noqa: E402
from techmarket.core.progress import JobRun  # noqa: E402
from techmarket.core.roles import Role  # noqa: E402
from techmarket.extensions import db  # noqa: E402
from techmarket.listings import import_tasks, importing  # noqa: E402
from techmarket.listings.constants import Kind, Status  # noqa: E402
from techmarket.listings.models import Listing  # noqa: E402
from techmarket.listings.queries import COUNT_CAP, BrowseFilters, browse_count, browse_ids  # noqa: E402

sys.path.append(_HERE)
from _listings_data import generate, import_csv  # noqa: E402
from _server import (  # noqa: E402
    HOST,
    PROJECT,
    BenchError,
    Server,
    bench_env,
    gunicorn_args,
    gunicorn_version,
    has_control_socket_option,
    migrate,
    run_main,
    start_server,
    venv_bin,
    wait_ready,
)

# Filter sets of the browse page: field + region + sort, mode + amount range, and no filter as the baseline.
SCENARIOS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("field+region, newest", "achievements", [("field", "rare_earth"), ("region", "150200"), ("sort", "newest")]),
    ("field+region, price high-low", "achievements",
     [("field", "new_energy"), ("region", "150600"), ("sort", "amount_desc")]),
    ("2 fields+2 regions, oldest", "demands",
     [("field", "coal"), ("field", "chemicals"), ("region", "150600"), ("region", "150900"), ("sort", "oldest")]),
    ("mode+amount range, newest", "achievements",
     [("mode", "transfer"), ("amount_min", "1000000"), ("amount_max", "5000000")]),
    ("mode+amount range, price low-high", "demands",
     [("mode", "co_development"), ("amount_min", "500000"), ("amount_max", "10000000"), ("sort", "amount_asc")]),
    ("field+region+mode+amount, page 3", "achievements",
     [("field", "energy_storage"), ("region", "150200"), ("mode", "licence_ordinary"), ("amount_min", "200000"),
      ("page", "3")]),
    ("no filter, newest", "achievements", []),
]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)] * 1000, 2) if ordered else 0.0


def summary(values: list[float]) -> dict[str, Any]:
    return {"n": len(values), "p50_ms": pct(values, 0.50), "p95_ms": pct(values, 0.95),
            "mean_ms": round(statistics.fmean(values) * 1000, 2) if values else 0.0}


def url_of(path: str, args: list[tuple[str, str]]) -> str:
    return f"/listings/{path}" + (f"?{urlencode(args)}" if args else "")


# --- browse latency ------------------------------------------------------------------------------------------


def check_page(status: int, body: bytes, url: str) -> int:
    """The page answered 200 with results; returns how many results it shows."""
    if status != 200:
        raise BenchError(f"{url} answered {status}: {body[:300]!r}")
    shown = body.count(b'data-testid="result"')
    if shown == 0 and b"page=" not in url.encode():
        raise BenchError(f"{url} shows no results; the generated data does not match the filter")
    return shown


def measure_client(app: Flask, requests: int, warmup: int) -> dict[str, Any]:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9"
    out: dict[str, Any] = {}
    everything: list[float] = []
    for name, path, args in SCENARIOS:
        url = url_of(path, args)
        shown = 0
        for _ in range(warmup):
            resp = client.get(url)
            shown = check_page(resp.status_code, resp.data, url)
        times = []
        for _ in range(requests):
            t0 = time.perf_counter()
            resp = client.get(url)
            times.append(time.perf_counter() - t0)
        everything += times
        out[name] = {"url": url, "results_on_page": shown, **summary(times)}
    out["all"] = summary(everything)
    return out


def measure_http(port: int, requests: int, warmup: int) -> dict[str, Any]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Accept-Language": "zh-CN,zh;q=0.9", "Connection": "keep-alive"}
    out: dict[str, Any] = {}
    everything: list[float] = []
    try:
        for name, path, args in SCENARIOS:
            url = url_of(path, args)
            times = []
            for i in range(warmup + requests):
                t0 = time.perf_counter()
                conn.request("GET", url, headers=headers)
                resp = conn.getresponse()
                body = resp.read()
                elapsed = time.perf_counter() - t0
                if i == 0:
                    check_page(resp.status, body, url)
                if i >= warmup:
                    times.append(elapsed)
            everything += times
            out[name] = {"url": url, **summary(times)}
    finally:
        conn.close()
    out["all"] = summary(everything)
    return out


def explain(app: Flask) -> dict[str, Any]:
    """EXPLAIN QUERY PLAN of each filter set's page and count statements, with their direct timings."""
    out: dict[str, Any] = {}
    with app.app_context(), app.test_request_context():
        session: Session = db.session
        for name, path, args in SCENARIOS:
            kind = Kind.ACHIEVEMENT if path == "achievements" else Kind.DEMAND
            margs = MultiDict(args)
            page, per_page = clamp(margs.get("page"), None, int(app.config["PER_PAGE"]))
            filters = BrowseFilters.from_args(margs, kind)  # the statements of queries.browse_page
            count_stmt = browse_count(filters, max(COUNT_CAP, (page + 1) * per_page))
            page_stmt = browse_ids(filters).limit(per_page).offset((page - 1) * per_page)
            entry: dict[str, Any] = {}
            for label, query in (("page", page_stmt), ("count", count_stmt)):
                sql = str(query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
                plan = [row[-1] for row in session.execute(text("EXPLAIN QUERY PLAN " + sql))]
                t0 = time.perf_counter()
                for _ in range(5):
                    session.execute(text(sql)).all()
                entry[label] = {"ms": round((time.perf_counter() - t0) / 5 * 1000, 2), "plan": plan}
            out[name] = entry
        db.session.remove()
    return out


# --- import throughput ----------------------------------------------------------------------------------------


def measure_import(app: Flask, rows: int, codes: list[str], prefix: str = "BENCH") -> dict[str, Any]:
    data = import_csv(rows, codes, prefix=prefix)
    out: dict[str, Any] = {"rows": rows, "file_bytes": len(data), "organisations": len(codes)}
    with app.app_context(), force_locale("zh_Hans_CN"):
        actor = Actor.system("bench import")
        for label in ("first", "again"):
            t0 = time.perf_counter()
            sheet = importing.read_sheet("bench.csv", data)
            t1 = time.perf_counter()
            report = importing.import_rows(db.session, actor, sheet, "", progress=lambda d, t: db.session.commit())
            db.session.commit()
            t2 = time.perf_counter()
            out[label] = {**report.counts(), "read_seconds": round(t1 - t0, 2), "import_seconds": round(t2 - t1, 2),
                          "rows_per_second": round(rows / (t2 - t0), 1),
                          "first_problems": [f"{x.row} {x.column}: {x.message}" for x in report.lines
                                             if x.outcome == "failed"][:3]}
        db.session.remove()
    return out


def _page_load(port: int, urls: list[str], stop: threading.Event, max_requests: int,
               times: list[float], statuses: dict[int, int]) -> None:
    """One client: keep-alive GETs over ``urls`` in turn until ``stop`` or ``max_requests``."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Accept-Language": "zh-CN,zh;q=0.9", "Connection": "keep-alive"}
    try:
        for i in range(max_requests):
            if stop.is_set():
                return
            t0 = time.perf_counter()
            try:
                conn.request("GET", urls[i % len(urls)], headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
            times.append(time.perf_counter() - t0)
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        conn.close()


def measure_import_under_load(app: Flask, opts: argparse.Namespace, env: dict[str, str], tmp: Path,
                              codes: list[str]) -> dict[str, Any]:
    """Section 6 of the module's docstring."""
    with app.app_context():
        ids = list(db.session.scalars(select(Listing.id).where(Listing.status == Status.PUBLISHED.value)
                                      .order_by(Listing.id).limit(200)))
        db.session.remove()
    urls = [f"/listings/{i}" for i in ids] + [url_of(path, args) for _, path, args in SCENARIOS]
    data = import_csv(opts.load_import_rows, codes[40:60] or codes, prefix="LOAD")
    server = start_server("import-load", "wsgi:app", PROJECT, env, opts, tmp)
    worker_log = (tmp / "worker.log").open("wb")
    worker = subprocess.Popen([str(opts.bin / "techmarket"), "jobs", "worker"], cwd=PROJECT, env=env,
                              stdout=worker_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              start_new_session=True)
    stop = threading.Event()
    times: list[float] = []
    statuses: dict[int, int] = {}
    try:
        wait_ready(server)
        clients = [threading.Thread(target=_page_load, args=(server.port, urls[k::opts.load_clients] or urls, stop,
                                                             opts.load_max_requests, times, statuses))
                   for k in range(opts.load_clients)]
        for c in clients:
            c.start()
        time.sleep(1.0)  # the pages are under load before the import starts
        with app.app_context(), app.test_request_context():
            app.extensions["techmarket.jobs"] = LocalQueue(app)
            user = accounts.register(db.session, email="bench-operator@example.cn", password=os.urandom(12).hex(),
                                     name="bench operator", language="zh_Hans_CN", role=Role.RESEARCHER)
            accounts.set_roles(db.session, Actor.system("bench"), user, {Role.OPERATOR})
            db.session.flush()
            actor = actor_for(user)
            run = import_tasks.start_import(db.session, actor, "load.csv", data, "", "zh_Hans_CN", str(tmp))
            db.session.commit()
            t0 = time.perf_counter()
            import_tasks.enqueue(run, len(data))
            run_id = run.id
            deadline = t0 + opts.load_timeout
            while True:
                db.session.rollback()
                state = db.session.get(JobRun, run_id)
                assert state is not None
                db.session.refresh(state)
                if state.finished or time.perf_counter() > deadline or worker.poll() is not None:
                    break
                time.sleep(0.25)
            elapsed = time.perf_counter() - t0
            counts = dict(state.result or {})
            result = {"status": state.status, "message": state.message, "rows": opts.load_import_rows,
                      "done": state.done, "seconds": round(elapsed, 2),
                      "rows_per_second": round(state.done / elapsed, 1) if elapsed else 0.0,
                      "created": counts.get("created", 0), "unchanged": counts.get("unchanged", 0),
                      "failed_rows": counts.get("failed", 0)}
            db.session.remove()
        stop.set()
        for c in clients:
            c.join(timeout=120)
    finally:
        stop.set()
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        worker_log.close()
        server.stop()
    return {"import": result,
            "pages": {**summary(times), "max_ms": round(max(times) * 1000, 2) if times else 0.0,
                      "statuses": {str(k): v for k, v in sorted(statuses.items())},
                      "clients": opts.load_clients, "urls": len(urls)},
            "worker_log_tail": (tmp / "worker.log").read_text(errors="replace").splitlines()[-5:]}


def sqlite_begin_recipe(app: Flask) -> None:
    """SQLAlchemy's documented pysqlite recipe: emit BEGIN ourselves, so a SAVEPOINT never opens (and its
    RELEASE never commits) a transaction of its own. Without it, on Python < 3.12, each import row's savepoint
    is a separate durable commit on SQLite."""
    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _no_implicit_transactions(dbapi_connection: Any, record: Any) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN")

        engine.dispose()


# Indexes that the plans below call for (measured with --try-indexes; the bench never writes a migration).
CANDIDATE_INDEXES = [
    "CREATE INDEX IF NOT EXISTS ix_listing_kind_status_prefecture_published "
    "ON listing (kind, status, prefecture_code, published_at)",
    "CREATE INDEX IF NOT EXISTS ix_listing_kind_status_amounts "
    "ON listing (kind, status, amount_min, amount_max, published_at)",
]


def sql_times(plans: dict[str, Any]) -> dict[str, Any]:
    return {name: {"page_ms": e["page"]["ms"], "count_ms": e["count"]["ms"]} for name, e in plans.items()}


# --- the run -----------------------------------------------------------------------------------------------------


def plan_flags(plans: dict[str, Any]) -> dict[str, list[str]]:
    """What in each plan costs time on a large table: full scans and sorts in a temporary b-tree."""
    flags: dict[str, list[str]] = {}
    for name, entry in plans.items():
        found = [f"{label}: {line}" for label, part in entry.items() for line in part["plan"]
                 if line.startswith("SCAN") or "TEMP B-TREE" in line]
        flags[name] = found
    return flags


def run(opts: argparse.Namespace) -> dict[str, Any]:
    load_start = round(os.getloadavg()[0], 2)
    tmp = Path(tempfile.mkdtemp(prefix="techmarket-bench-listings-"))
    server: Server | None = None
    try:
        (tmp / "gunicorn.empty.py").write_text("# settings are passed on the command line\n")
        env = bench_env(tmp)
        migrate(opts, env)
        app = create_app({"DATABASE_URL": env["TECHMARKET_DATABASE_URL"], "INSTANCE_PATH": str(tmp),
                          "SECRET_KEY": env["TECHMARKET_SECRET_KEY"], "ENV": "development"})
        data = generate(app, opts.listings)
        codes = data.pop("org_codes")
        if opts.analyze:
            with app.app_context():
                with db.engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE")
                db.session.remove()
        if opts.no_browse:
            imported = measure_import(app, opts.import_rows, codes[:20])
            return {"import": imported, "import_under_load": measure_import_under_load(app, opts, env, tmp, codes),
                    "data": data, "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                              "load_average_1m": {"start": load_start,
                                                                  "end": round(os.getloadavg()[0], 2)}}}
        client = measure_client(app, opts.requests, opts.warmup)
        server = start_server("browse", "wsgi:app", PROJECT, env, opts, tmp)
        wait_ready(server)
        over_http = measure_http(server.port, opts.requests, opts.warmup)
        plans = explain(app)
        with_indexes: dict[str, Any] = {}
        if opts.try_indexes:
            with app.app_context():
                with db.engine.begin() as conn:
                    for ddl in CANDIDATE_INDEXES:
                        conn.exec_driver_sql(ddl)
                db.session.remove()
            indexed_plans = explain(app)
            with_indexes = {"indexes": CANDIDATE_INDEXES,
                            "test_client": measure_client(app, opts.requests, opts.warmup),
                            "http_gunicorn": measure_http(server.port, opts.requests, opts.warmup),
                            "sql_ms": sql_times(indexed_plans), "plan_flags": plan_flags(indexed_plans)}
        server.stop()
        imported = measure_import(app, opts.import_rows, codes[:20])
        if opts.sqlite_begin:
            sqlite_begin_recipe(app)
            imported["with_sqlite_begin_recipe"] = measure_import(app, opts.import_rows, codes[20:40], "BEGIN")
        under_load = measure_import_under_load(app, opts, env, tmp, codes)
        return {
            "import_under_load": under_load,
            "browse": {
                "test_client": client,
                "http_gunicorn": over_http,
                "sql": plans,
                "plan_flags": plan_flags(plans),
                "requests_per_filter_set": opts.requests,
                "warmup_per_filter_set": opts.warmup,
                "per_page": int(app.config["PER_PAGE"]),
                "with_candidate_indexes": with_indexes,
            },
            "import": imported,
            "data": data,
            "database": "SQLite (WAL), fresh, migrated with `techmarket db upgrade`"
                        + (", ANALYZE run after loading" if opts.analyze else ", no ANALYZE"),
            "gunicorn": {"version": gunicorn_version(opts), "workers": opts.workers, "worker_class": opts.worker_class,
                         "threads": opts.threads, "client": "one keep-alive http.client connection, sequential",
                         "command": " ".join(gunicorn_args(opts, Path("<empty>"), 0))},
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform(),
                        "load_average_1m": {"start": load_start, "end": round(os.getloadavg()[0], 2)}},
        }
    finally:
        if server is not None:
            server.stop()
        if opts.keep_tmp:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--listings", type=int, default=100_000, help="listings to generate (default 100000)")
    p.add_argument("--requests", type=int, default=50, help="measured requests per filter set (default 50)")
    p.add_argument("--warmup", type=int, default=3, help="warm-up requests per filter set (default 3)")
    p.add_argument("--import-rows", type=int, default=5000, help="rows of the generated import file (default 5000)")
    p.add_argument("--workers", "-w", type=int, default=1, help="gunicorn workers (default 1: requests are sequential)")
    p.add_argument("--worker-class", "-k", default="sync", help="gunicorn worker class (default sync)")
    p.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (default 1)")
    p.add_argument("--analyze", action="store_true", help="run SQLite ANALYZE after loading (off by default)")
    p.add_argument("--try-indexes", action="store_true",
                   help="then add the candidate indexes and measure the browse page again")
    p.add_argument("--sqlite-begin", action="store_true",
                   help="then import a second file with SQLAlchemy's BEGIN recipe for pysqlite savepoints")
    p.add_argument("--keep-tmp", action="store_true", help="keep the temporary folder (database, logs)")
    p.add_argument("--load-import-rows", type=int, default=3000,
                   help="rows of the import run by the worker while pages are under load (default 3000)")
    p.add_argument("--load-clients", type=int, default=4, help="concurrent page clients during it (default 4)")
    p.add_argument("--load-max-requests", type=int, default=20000,
                   help="at most this many page requests per client (default 20000)")
    p.add_argument("--load-timeout", type=float, default=900, help="give up on the import after this (s)")
    p.add_argument("--no-browse", action="store_true",
                   help="only the import figures (sections 5 and 6), not the browse latency and plans")
    opts = p.parse_args(argv)
    if min(opts.listings, opts.requests, opts.import_rows, opts.workers, opts.threads) < 1 or opts.warmup < 0:
        p.error("counts must be at least 1")
    opts.bin = venv_bin()
    opts.gunicorn_has_control_socket = has_control_socket_option(opts.bin)
    return opts


def main(argv: list[str] | None = None) -> int:
    return run_main("bench/listings.py", parse_args(argv), run)


if __name__ == "__main__":
    sys.exit(main())
