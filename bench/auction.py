#!/usr/bin/env python3
"""Bids per second on one auction: gunicorn (sync workers, as deployed) on PostgreSQL, N concurrent bidders.

    .venv/bin/python bench/auction.py                       # 200 bidders, 30 s, 4 sync workers
    .venv/bin/python bench/auction.py --bidders 50 --seconds 10 --workers 2

In one run: a fresh PostgreSQL database (``--database-url``, dropped and created), migrated; a seller, an open
English auction without deposit and N qualified bidder organisations, each with a member, made through the
services; gunicorn on a free loopback port; N client threads over several processes, each signed in as its
bidder, that read the polled status and bid the current high plus 1 to 3 increments, as fast as they can, for
``--seconds``. Prints JSON: bids handled per second (accepted or refused with a reason), accepted per second,
p50/p95/p99 bid latency, the refusals by reason, and the consistency checks afterwards: the accepted bids are
strictly increasing in price (and not decreasing in time), the auction's high is the last accepted bid, and
every 2xx answer is a row of the bid table and an entry of the audit log (none lost, none invented).
Exit 1 when the run could not measure, 2 when a consistency check failed.
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import http.client  # noqa: E402
import itertools  # noqa: E402
import multiprocessing  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

sys.path.append(_HERE)
from _server import (  # noqa: E402
    HOST,
    PROJECT,
    BenchError,
    bench_env,
    gunicorn_version,
    has_control_socket_option,
    migrate,
    run_main,
    start_server,
    venv_bin,
    wait_ready,
)

PASSWORD = "Sekret-pass-42"  # noqa: S105 - the test factories' password (tests/factories.py)
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|id="csrf_token" name="csrf_token" '
                  r'type="hidden" value="([^"]+)"')


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


# --- the clients ----------------------------------------------------------------------------------------


class Client:
    """One bidder's keep-alive connection with its session cookie."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        hdrs = dict(headers or {})
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                resp = self.conn.getresponse()
                payload = resp.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
                if attempt == 2:
                    raise
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return resp.status, payload

    def csrf(self, path: str) -> str:
        status, page = self.request("GET", path)
        match = CSRF.search(page.decode("utf-8", "replace"))
        if status != 200 or match is None:
            raise BenchError(f"no CSRF token on {path} ({status})")
        return match.group(1) or match.group(2)


def _bidder(port: int, email: str, auction_id: int, increment: int, start_at: float, end_at: float,
            results: list[tuple[float, int, float, str]], errors: list[str]) -> None:
    import json

    try:
        client = Client(port)
        token = client.csrf("/account/login")
        status, _ = client.request("POST", "/account/login", {"csrf_token": token, "email": email,
                                                              "password": PASSWORD})
        if status != 302:
            raise BenchError(f"sign-in of {email} answered {status}")
        token = client.csrf(f"/auctions/{auction_id}")
        rng = random.Random(email)
        time.sleep(max(0.0, start_at - time.time()))
        n = 0
        while time.time() < end_at:
            status, body = client.request("GET", f"/auctions/{auction_id}/status.json")
            high = json.loads(body)["high"] if status == 200 else None
            amount = (int(float(high)) + increment * rng.choice((1, 2, 3))) if high else 100000
            n += 1
            t0 = time.perf_counter()
            status, body = client.request("POST", f"/auctions/{auction_id}/bid", {
                "csrf_token": token, "amount": str(amount), "key": f"{email}-{n}"},
                headers={"Accept": "application/json"})
            latency = time.perf_counter() - t0
            detail = body.decode("utf-8", "replace")
            results.append((time.time(), status, latency, detail))
    except Exception as exc:
        errors.append(f"{email}: {exc!r}")


def _process(port: int, emails: list[str], auction_id: int, increment: int, start_at: float, end_at: float,
             queue: Any) -> None:
    results: list[tuple[float, int, float, str]] = []
    errors: list[str] = []
    threads = [threading.Thread(target=_bidder, args=(port, e, auction_id, increment, start_at, end_at, results,
                                                      errors)) for e in emails]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((results, errors))


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


def run(opts: argparse.Namespace) -> dict[str, Any]:
    import json

    opts.bin = venv_bin()
    opts.gunicorn_has_control_socket = has_control_socket_option(opts.bin)
    tmp = Path(tempfile.mkdtemp(prefix="bench-auction-"))
    (tmp / "gunicorn.empty.py").write_text("")
    server = None
    try:
        fresh_database(opts.database_url)
        env = bench_env(tmp)
        env.update(TECHMARKET_DATABASE_URL=opts.database_url, TECHMARKET_RATELIMIT_ENABLED="false",
                   PYTHONPATH=str(PROJECT / "src"))
        migrate(opts, env)
        scene = seed(opts.database_url, tmp, opts.bidders)
        server = start_server("auction", "wsgi:app", PROJECT, env, opts, tmp)
        wait_ready(server)
        emails = scene["emails"]
        groups = [emails[i::opts.processes] for i in range(opts.processes)]
        start_at = time.time() + 3 + opts.bidders * 0.05  # time to sign everyone in
        end_at = start_at + opts.seconds
        queue: Any = multiprocessing.Queue()
        procs = [multiprocessing.Process(target=_process, args=(server.port, g, scene["auction_id"],
                                                                scene["increment"], start_at, end_at, queue))
                 for g in groups if g]
        for p in procs:
            p.start()
        results: list[tuple[float, int, float, str]] = []
        errors: list[str] = []
        for _p in procs:
            r, e = queue.get(timeout=opts.seconds + 600)
            results += r
            errors += e
        for p in procs:
            p.join(timeout=30)
        measured = [r for r in results if start_at <= r[0] <= end_at + 60]
        accepted = [json.loads(r[3])["bid"] for r in measured if 200 <= r[1] < 300]
        refused: dict[str, int] = {}
        for r in measured:
            if 400 <= r[1] < 500:
                try:
                    body = json.loads(r[3]).get("error", {})
                    fields = body.get("fields", {}) or {}
                    reason = "; ".join(m for v in fields.values() for m in v) or body.get("message") or str(r[1])
                except ValueError:
                    reason = str(r[1])
                key = f"{r[1]} {reason if isinstance(reason, str) else json.dumps(reason, ensure_ascii=False)}"
                refused[key[:120]] = refused.get(key[:120], 0) + 1
        server_errors = sum(1 for r in measured if r[1] >= 500)
        latencies = [r[2] for r in measured]
        checks = check(opts.database_url, scene["auction_id"], accepted)
        return {
            "bidders": opts.bidders, "seconds": opts.seconds, "gunicorn": gunicorn_version(opts),
            "workers": opts.workers, "worker_class": opts.worker_class, "client_processes": len(procs),
            "bids_handled": len(measured), "bids_per_s": round(len(measured) / opts.seconds, 1),
            "accepted": len(accepted), "accepted_per_s": round(len(accepted) / opts.seconds, 1),
            "refused_by_reason": dict(sorted(refused.items(), key=lambda kv: -kv[1])[:8]),
            "server_errors_5xx": server_errors, "client_errors": errors[:5], "client_error_count": len(errors),
            "latency_ms": {"p50": round(_percentile(latencies, 0.50) * 1000, 1),
                           "p95": round(_percentile(latencies, 0.95) * 1000, 1),
                           "p99": round(_percentile(latencies, 0.99) * 1000, 1)},
            "checks": checks, "consistent": all(checks[k] for k in checks if k != "bids_in_table"),
        }
    finally:
        if server is not None:
            server.stop()
        if not opts.keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bidders", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--processes", type=int, default=4, help="client processes (threads are spread over them)")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/techmarket_bench_auction")
    parser.add_argument("--keep-tmp", action="store_true")
    opts = parser.parse_args()
    code = run_main("bench/auction.py", opts, run)
    return code


if __name__ == "__main__":
    sys.exit(main())
