#!/usr/bin/env python3
"""Bids per second on one auction: gunicorn (sync workers, deploy/gunicorn.conf.py) on PostgreSQL, N bidders.

    .venv/bin/python bench/auction.py                       # 200 bidders, 30 s, the deployed worker count
    .venv/bin/python bench/auction.py --bidders 50 --seconds 10 --workers 2

In one run: a fresh PostgreSQL database (``--database-url``, dropped and created), migrated; a seller, an open
English auction without deposit and N qualified bidder organisations, each with a member, made through the
services; gunicorn with the deployed settings (bench/_gunicorn_counted.py reads deploy/gunicorn.conf.py and
adds counters) on a free loopback port; N bidder coroutines over ``--processes`` client processes
(bench/_bidders.py), each signed in as its bidder, that bid the best bid they know plus 1 to 3 increments as
fast as they can for ``--seconds``, learning the best bid from their bids' answers and a status poll every
``--poll-every`` seconds. Prints JSON: bids handled per second (accepted or refused with a reason), accepted per
second, p50/p95/p99 bid latency, the refusals by reason; the CPU seconds over the window of the gunicorn
workers, the PostgreSQL backends, the client and the whole machine (/proc), bids per server CPU-second, the
load average; per bid request, the SQL statements and the CPU time inside Flask (the workers' counters); and the
consistency checks afterwards: the accepted bids are strictly increasing in price (and not decreasing in time),
the auction's high is the last accepted bid, and every 2xx answer is a row of the bid table and an entry of the
audit log (none lost, none invented). Exit 1 when the run could not measure, 2 when a consistency check failed.
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

sys.path.append(_HERE)
import _bidders  # noqa: E402
import _cpu  # noqa: E402
from _server import (  # noqa: E402
    HOST,
    PROJECT,
    BenchError,
    Server,
    bench_env,
    free_port,
    gunicorn_version,
    migrate,
    run_main,
    venv_bin,
    wait_ready,
)

# --- the database and the scene -------------------------------------------------------------------------


def fresh_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url.replace("postgresql+psycopg://", "postgresql://"))
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def seed(url: str, tmp: Path, bidders: int) -> dict[str, Any]:
    """The auction and its bidders through the real services (the test suite's factories)."""
    import datetime as dt
    from decimal import Decimal

    sys.path.insert(0, str(PROJECT))
    sys.path.insert(0, str(PROJECT / "src"))
    from techmarket.accounts.services import actor_for
    from techmarket.app import create_app
    from techmarket.core.clock import utcnow
    from techmarket.extensions import db
    from techmarket.trading.auctions import services
    from tests.factories import Factories

    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp), "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                      "SECRET_KEY": "bench-seed", "ENV": "development"})
    with app.app_context():
        make = Factories(app)
        operator = actor_for(make.operator())
        seller_org = make.org(status="verified")
        listing = make.listing(seller_org)
        now = utcnow()
        auction = services.create(db.session, actor_for(seller_org.memberships[0].user), listing,
                                  services.AuctionData(mode="english", trade_mode=listing.modes[0],
                                                       start_price=Decimal(100000), increment=Decimal(100),
                                                       starts_at=now, free_ends_at=now + dt.timedelta(hours=2),
                                                       deposit_amount=Decimal(0)), now=now)
        services.approve(db.session, operator, auction)
        db.session.commit()
        emails = []
        for _n in range(bidders):
            org = make.org(status="verified")
            user = org.memberships[0].user
            bidder = services.register(db.session, actor_for(user), auction, org.id, agreement=True)
            services.qualify(db.session, operator, bidder)
            db.session.commit()
            emails.append(user.email)
        out = {"auction_id": auction.id, "emails": emails, "increment": 100, "start": 100000}
        db.session.remove()
        db.engine.dispose()
    return out


# --- the checks -----------------------------------------------------------------------------------------


def check(url: str, auction_id: int, accepted_ids: list[int]) -> dict[str, Any]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        bids = conn.execute(text("SELECT id, amount, at FROM auction_bid WHERE auction_id = :a ORDER BY id"),
                            {"a": auction_id}).all()
        high, count = conn.execute(text("SELECT high_amount, bid_count FROM auction WHERE id = :a"),
                                   {"a": auction_id}).one()
        audited = {int(r[0]) for r in conn.execute(text(
            "SELECT object_id FROM audit_entry WHERE object_type = 'bid' AND action = 'place'"))}
    engine.dispose()
    amounts = [b.amount for b in bids]
    ids = {b.id for b in bids}
    return {
        "bids_in_table": len(bids),
        "strictly_increasing_price": all(a < b for a, b in itertools.pairwise(amounts)),
        "time_not_decreasing": all(a.at <= b.at for a, b in itertools.pairwise(bids)),
        "final_high_is_last_bid": bool(bids) and high == bids[-1].amount,
        "bid_count_matches": count == len(bids),
        "every_2xx_in_table": set(accepted_ids) <= ids,
        "every_2xx_audited": set(accepted_ids) <= audited,
        "no_bid_without_2xx": ids <= set(accepted_ids),
    }


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def start_gunicorn(opts: argparse.Namespace, env: dict[str, str], tmp: Path) -> Server:
    """gunicorn with the deployed settings (through bench/_gunicorn_counted.py) on a free loopback port."""
    port = free_port()
    server = Server(name="auction", port=port, log=tmp / "auction.log")
    cmd = [str(opts.bin / "gunicorn"), "--config", str(Path(_HERE) / "_gunicorn_counted.py"),
           "--bind", f"{HOST}:{port}", "--worker-class", opts.worker_class, "--threads", str(opts.threads)]
    if opts.workers:
        cmd += ["--workers", str(opts.workers)]
    with server.log.open("wb") as log:
        server.proc = subprocess.Popen([*cmd, "wsgi:app"], cwd=PROJECT, env=env, stdout=log,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    return server


def backends(url: str) -> list[int]:
    """The pids of the PostgreSQL backends serving the bench's database (the server's pooled connections)."""
    import psycopg

    parts = urllib.parse.urlsplit(url.replace("postgresql+psycopg://", "postgresql://"))
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (parts.path.lstrip("/"),))
        return [int(r[0]) for r in rows]


def server_pids(server: Server, url: str) -> tuple[list[int], list[int]]:
    assert server.proc is not None
    return [server.proc.pid, *_cpu.children(server.proc.pid)], backends(url)


def counters(folder: Path) -> dict[str, dict[str, float]]:
    total: dict[str, dict[str, float]] = {}
    for path in folder.glob("*.json"):
        for kind, row in json.loads(path.read_text()).items():
            into = total.setdefault(kind, {"requests": 0, "statements": 0, "cpu_s": 0.0})
            for k, v in row.items():
                into[k] += v
    return total


def refusals(measured: list[_bidders.Result]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in measured:
        if 400 <= r[1] < 500:
            try:
                body = json.loads(r[3]).get("error", {})
                fields = body.get("fields", {}) or {}
                reason = "; ".join(m for v in fields.values() for m in v) or body.get("message") or str(r[1])
            except ValueError:
                reason = str(r[1])
            key = f"{r[1]} {reason if isinstance(reason, str) else json.dumps(reason, ensure_ascii=False)}"[:120]
            out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: -kv[1])[:8])


def _per(value: float, n: int, scale: float = 1.0, digits: int = 2) -> float | None:
    return round(value / n * scale, digits) if n else None


def run(opts: argparse.Namespace) -> dict[str, Any]:
    opts.bin = venv_bin()
    tmp = Path(tempfile.mkdtemp(prefix="bench-auction-"))
    (tmp / "counters").mkdir()
    server = None
    procs: list[Any] = []
    try:
        fresh_database(opts.database_url)
        env = bench_env(tmp)
        env.update(TECHMARKET_DATABASE_URL=opts.database_url, TECHMARKET_RATELIMIT_ENABLED="false",
                   PYTHONPATH=str(PROJECT / "src"), BENCH_COUNTERS_DIR=str(tmp / "counters"))
        migrate(opts, env)
        scene = seed(opts.database_url, tmp, opts.bidders)
        server = start_gunicorn(opts, env, tmp)
        wait_ready(server)
        plan = _bidders.Plan(port=server.port, auction_id=scene["auction_id"], increment=scene["increment"],
                             start=scene["start"], poll_every=opts.poll_every)
        ctx = multiprocessing.get_context("spawn")
        pipes = []
        for group in (scene["emails"][i::opts.processes] for i in range(opts.processes)):
            if group:
                parent, child = ctx.Pipe()
                procs.append(ctx.Process(target=_bidders.process, args=(plan, group, child)))
                pipes.append(parent)
        for p in procs:
            p.start()
        signed_in, errors = 0, []
        for conn in pipes:  # every bidder signed in (or failed to) before the clock starts
            if not conn.poll(600):
                raise BenchError("the bidders did not sign in within 10 minutes")
            _tag, n, errs = conn.recv()
            signed_in += n
            errors += errs
        if signed_in == 0:
            raise BenchError(f"no bidder could sign in: {errors[:3]}")
        workers, pg = server_pids(server, opts.database_url)
        before = (_cpu.snapshot(workers), _cpu.snapshot(pg), _cpu.machine_busy())
        load = _cpu.LoadSampler().start()
        start_at = time.time() + 0.5
        end_at = start_at + opts.seconds
        for conn in pipes:
            conn.send([start_at, end_at])
        _cpu.wait_until(end_at)
        workers_end, pg_end = server_pids(server, opts.database_url)
        after = (_cpu.snapshot(sorted({*workers, *workers_end})), _cpu.snapshot(sorted({*pg, *pg_end})),
                 _cpu.machine_busy())
        loadavg = load.stop()
        results: list[_bidders.Result] = []
        polls: list[tuple[float, int]] = []
        client_cpu = 0.0
        for conn in pipes:
            if not conn.poll(opts.seconds + 600):
                raise BenchError("a client process did not report")
            _tag, out = conn.recv()
            results += out["results"]
            polls += out["polls"]
            errors += out["errors"]
            client_cpu += out["cpu_s"]
        for p in procs:
            p.join(timeout=30)
        server.stop()
        server = None
        counted = counters(tmp / "counters")
        measured = [r for r in results if start_at <= r[0] <= end_at]
        accepted_all = [json.loads(r[3])["bid"] for r in results if 200 <= r[1] < 300]
        accepted = [r for r in measured if 200 <= r[1] < 300]
        latencies = [r[2] for r in measured]
        checks = check(opts.database_url, scene["auction_id"], accepted_all)
        web_cpu, pg_cpu = _cpu.spent(before[0], after[0]), _cpu.spent(before[1], after[1])
        machine = after[2][0] - before[2][0]
        n = len(measured)
        bid_counts = counted.get("bid", {"requests": 0, "statements": 0, "cpu_s": 0.0})
        status_counts = counted.get("status", {"requests": 0, "statements": 0, "cpu_s": 0.0})
        return {
            "bidders": opts.bidders, "signed_in": signed_in, "seconds": opts.seconds,
            "gunicorn": gunicorn_version(opts), "config": "deploy/gunicorn.conf.py (+ counters)",
            "workers": opts.workers or len(workers) - 1, "worker_class": opts.worker_class,
            "client_processes": len(procs), "poll_every_s": opts.poll_every,
            "bids_handled": n, "bids_per_s": round(n / opts.seconds, 1),
            "accepted": len(accepted), "accepted_per_s": round(len(accepted) / opts.seconds, 1),
            "status_polls": len([p for p in polls if start_at <= p[0] <= end_at]),
            "status_not_modified": len([p for p in polls if start_at <= p[0] <= end_at and p[1] == 304]),
            "refused_by_reason": refusals(measured),
            "server_errors_5xx": sum(1 for r in results if r[1] >= 500),
            "client_errors": errors[:5], "client_error_count": len(errors),
            "latency_ms": {"p50": round(_percentile(latencies, 0.50) * 1000, 1),
                           "p95": round(_percentile(latencies, 0.95) * 1000, 1),
                           "p99": round(_percentile(latencies, 0.99) * 1000, 1)},
            "cpu_s": {"gunicorn": round(web_cpu, 2), "postgres": round(pg_cpu, 2), "client": round(client_cpu, 2),
                      "machine": round(machine, 2),
                      "others": round(max(0.0, machine - web_cpu - pg_cpu - client_cpu), 2),
                      "machine_capacity": round((after[2][1] - before[2][1]), 2)},
            "bids_per_server_cpu_s": _per(n, 1, 1 / max(web_cpu + pg_cpu, 1e-9), 1),
            "server_cpu_ms_per_bid": _per(web_cpu + pg_cpu, n, 1000),
            "gunicorn_cpu_ms_per_bid": _per(web_cpu, n, 1000),
            "postgres_cpu_ms_per_bid": _per(pg_cpu, n, 1000),
            "client_cpu_ms_per_bid": _per(client_cpu, n, 1000),
            "load_average_1min": loadavg,
            "per_bid_request": {"statements": _per(bid_counts["statements"], int(bid_counts["requests"])),
                                "flask_cpu_ms": _per(bid_counts["cpu_s"], int(bid_counts["requests"]), 1000)},
            "per_status_request": {"statements": _per(status_counts["statements"], int(status_counts["requests"])),
                                   "flask_cpu_ms": _per(status_counts["cpu_s"], int(status_counts["requests"]),
                                                        1000)},
            "checks": checks, "consistent": all(checks[k] for k in checks if k != "bids_in_table"),
        }
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
        if server is not None:
            server.stop()
        if not opts.keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bidders", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: deploy/gunicorn.conf.py's)")
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--processes", type=int, default=1, help="client processes (the bidders are spread over them)")
    parser.add_argument("--poll-every", type=float, default=3.0, help="seconds between a bidder's status polls")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/techmarket_bench_auction")
    parser.add_argument("--keep-tmp", action="store_true")
    opts = parser.parse_args()
    outcome: dict[str, Any] = {}

    def measured(o: argparse.Namespace) -> dict[str, Any]:
        outcome.update(run(o))
        return outcome

    code = run_main("bench/auction.py", opts, measured)
    return 2 if code == 0 and not outcome.get("consistent", False) else code


if __name__ == "__main__":
    sys.exit(main())
