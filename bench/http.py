#!/usr/bin/env python3
"""Requests per second of the home page against a bare Flask "hello world", same gunicorn settings.

Both applications are served by gunicorn with identical, explicit settings (workers, worker class,
threads, preload), started in the same run, each warmed up and then loaded for the same time by the
same client. The home page runs the real application on a fresh, migrated SQLite database in a
temporary folder. Prints one JSON document; the figure that matters is ``ratio`` = home_rps / hello_rps
(goal: 0.5 or better). Only 127.0.0.1 is ever contacted.

    .venv/bin/python bench/http.py                      # 10 s per target, 2 sync workers, 16 connections
    .venv/bin/python bench/http.py --seconds 5 --workers 4 --concurrency 32
    .venv/bin/python bench/http.py --client python      # skip wrk even if it is installed

The load generator is ``wrk`` when installed (``apt-get install -y wrk``), else a Python client with
persistent (keep-alive) connections spread over several processes. wrk is bounded by ``--seconds``; the
Python client by ``--seconds`` and ``--max-requests`` (per round). Exit status 0 when measured (whether
or not the goal is met), 1 when the run could not measure (the home page did not answer 200 with
Chinese content, a server did not start, the migration failed).
"""

from __future__ import annotations

import os
import sys

# This file is named http.py: with its folder first on sys.path, ``import http.client`` (also done by
# urllib) would import this script. Drop the folder before importing anything that needs the stdlib's.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import textwrap  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.append(_HERE)  # after the standard library, so ``import http`` above keeps meaning the stdlib's
from _server import (  # noqa: E402 - shared with bench/listings.py
    HOST,
    PROJECT,
    BenchError,
    Server,
    bench_env,
    get,
    gunicorn_args,
    gunicorn_version,
    has_control_socket_option,
    migrate,
    run_main,
    start_server,
    venv_bin,
    wait_ready,
)

CJK = re.compile(r"[\u4e00-\u9fff]")

HELLO_MODULE = textwrap.dedent(
    '''
    """Bare Flask hello world: the baseline of bench/http.py."""
    from flask import Flask

    app = Flask(__name__)


    @app.route("/")
    def hello():
        return "Hello, World!"
    '''
)

# wrk prints its standard report, then this JSON line (percentiles in microseconds). Only done() is
# scripted: a per-response Lua callback (the way to stop wrk after N requests) costs wrk a quarter of its
# throughput on this kind of machine and would flatter the ratio, so wrk is bounded by time alone.
WRK_SCRIPT = textwrap.dedent(
    """
    done = function(summary, latency, requests)
      local e = summary.errors
      io.write(string.format(
        'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
        '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\\n',
        summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
        latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
    end
    """
)


def check_home(port: int) -> dict:
    status, headers, body = get(port)
    text = body.decode("utf-8", errors="replace")
    cjk = len(CJK.findall(text))
    if status != 200:
        raise BenchError(f"home page answered {status}, not 200; first bytes:\n{text[:600]}")
    if "html" not in headers.get("content-type", ""):
        raise BenchError(f"home page is not HTML (Content-Type: {headers.get('content-type')!r})")
    if cjk < 10:
        raise BenchError(
            f"home page has no Chinese content ({cjk} CJK characters). An English page in the Chinese locale "
            "usually means the catalogues are not compiled: .venv/bin/pybabel compile -d "
            f"src/techmarket/translations (or `make install`). First bytes:\n{text[:600]}"
        )
    title = re.search(r"<title>(.*?)</title>", text, re.S)
    return {"status": status, "bytes": len(body), "cjk_chars": cjk,
            "title": title.group(1).strip() if title else None}


def check_hello(port: int) -> dict:
    status, _, body = get(port)
    if status != 200 or b"Hello, World!" not in body:
        raise BenchError(f"hello world answered {status}: {body[:200]!r}")
    return {"status": status, "bytes": len(body)}


# --- load generators -------------------------------------------------------------------------------------


def wrk_version(wrk: str) -> str:
    out = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    first = (out.stdout + out.stderr).strip().splitlines()
    return first[0] if first else "wrk"


def load_wrk(opts: argparse.Namespace, port: int, seconds: float, tmp: Path) -> dict:
    threads = max(1, min(opts.client_threads, opts.concurrency))
    cmd = [
        opts.wrk, "-t", str(threads), "-c", str(opts.concurrency), "-d", f"{max(1, int(seconds))}s",
        "--timeout", "10s", "-s", str(tmp / "bench.lua"), f"http://{HOST}:{port}/",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    if out.returncode != 0:
        raise BenchError(f"wrk failed ({out.returncode}): {out.stderr.strip() or out.stdout.strip()}")
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise BenchError(f"wrk printed no summary:\n{out.stdout}")
    data = json.loads(line[len("BENCH_JSON "):])
    duration = data["duration_us"] / 1e6
    return {
        "requests": data["requests"],
        "seconds": round(duration, 3),
        "rps": round(data["requests"] / duration, 1) if duration else 0.0,
        "p50_ms": round(data["p50_us"] / 1000, 2),
        "p95_ms": round(data["p95_us"] / 1000, 2),
        "p99_ms": round(data["p99_us"] / 1000, 2),
        "errors": data["errors"],
    }


def _py_connection_loop(port: int, deadline: float, max_requests: int) -> tuple[list[float], dict[str, int]]:
    """One keep-alive connection, requests back to back (reconnects when the server closes it)."""
    lat: list[float] = []
    errors = {"connect": 0, "read": 0, "status": 0}
    conn: http.client.HTTPConnection | None = None
    while time.perf_counter() < deadline and len(lat) < max_requests:
        if conn is None:
            conn = http.client.HTTPConnection(HOST, port, timeout=10)
            try:
                conn.connect()
            except OSError:
                errors["connect"] += 1
                conn = None
                time.sleep(0.01)
                continue
        t0 = time.perf_counter()
        try:
            conn.request("GET", "/")
            resp = conn.getresponse()
            resp.read()
        except (OSError, http.client.HTTPException):
            errors["read"] += 1
            conn.close()
            conn = None
            continue
        lat.append(time.perf_counter() - t0)
        if not 200 <= resp.status < 400:
            errors["status"] += 1
        if resp.will_close:
            conn.close()
            conn = None
    if conn is not None:
        conn.close()
    return lat, errors


def split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` near-equal whole shares that add up to it exactly."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _py_process(port: int, connections: int, deadline: float, max_requests: int) -> tuple[list[float], dict]:
    from concurrent.futures import ThreadPoolExecutor

    caps = split(max_requests, connections)
    with ThreadPoolExecutor(max_workers=connections) as pool:
        results = list(pool.map(lambda cap: _py_connection_loop(port, deadline, cap), caps))
    lat = [x for r in results for x in r[0]]
    errors: dict[str, int] = {}
    for _, e in results:
        for k, v in e.items():
            errors[k] = errors.get(k, 0) + v
    return lat, errors


def load_python(opts: argparse.Namespace, port: int, seconds: float) -> dict:
    """Keep-alive connections spread over processes (so the client is not held back by one GIL)."""
    procs = max(1, min(opts.client_processes, opts.concurrency))
    shares = split(opts.concurrency, procs)
    caps = split(opts.max_requests, procs)
    ctx = multiprocessing.get_context("fork")
    start = time.perf_counter()
    deadline = start + seconds
    with ctx.Pool(procs) as pool:
        parts = pool.starmap(
            _py_process,
            [(port, n, deadline, cap) for n, cap in zip(shares, caps, strict=True)],
        )
    elapsed = time.perf_counter() - start
    lat = sorted(x for p in parts for x in p[0])
    errors: dict[str, int] = {}
    for _, e in parts:
        for k, v in e.items():
            errors[k] = errors.get(k, 0) + v

    def pct(q: float) -> float:
        return round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 2) if lat else 0.0

    return {
        "requests": len(lat),
        "seconds": round(elapsed, 3),
        "rps": round(len(lat) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "errors": errors,
    }


def run_load(opts: argparse.Namespace, port: int, seconds: float, tmp: Path) -> dict:
    if opts.wrk:
        return load_wrk(opts, port, seconds, tmp)
    return load_python(opts, port, seconds)


def load_once(opts: argparse.Namespace, server: Server, seconds: float, tmp: Path) -> dict:
    result = run_load(opts, server.port, seconds, tmp)
    bad = sum(result["errors"].values())
    if result["requests"] == 0 or bad > 0.01 * max(1, result["requests"]):
        raise BenchError(f"{server.name}: too many errors under load: {result}\n{server.log_tail()}")
    return result


def combine(rounds: list[dict]) -> dict:
    """Rate over all rounds (requests / time); latencies as the request-weighted mean of the rounds'."""
    requests = sum(r["requests"] for r in rounds)
    seconds = sum(r["seconds"] for r in rounds)
    errors: dict[str, int] = {}
    for r in rounds:
        for k, v in r["errors"].items():
            errors[k] = errors.get(k, 0) + v

    def lat(key: str) -> float:
        return round(sum(r[key] * r["requests"] for r in rounds) / requests, 2) if requests else 0.0

    return {
        "requests": requests,
        "seconds": round(seconds, 3),
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": lat("p50_ms"),
        "p95_ms": lat("p95_ms"),
        "p99_ms": lat("p99_ms"),
        "errors": errors,
        "rounds_rps": [r["rps"] for r in rounds],
    }


def measure_pair(opts: argparse.Namespace, home: Server, hello: Server, tmp: Path) -> tuple[dict, dict]:
    """Warm both up, then alternate in rounds A B B A ... so a drift in the machine's load (other
    processes) weighs on both targets alike."""
    for server in (home, hello):
        if opts.warmup > 0:
            run_load(opts, server.port, opts.warmup, tmp)
    per_round = opts.seconds / opts.rounds
    results: dict[str, list[dict]] = {"home": [], "hello": []}
    for i in range(opts.rounds):
        for server in (home, hello) if i % 2 == 0 else (hello, home):
            results[server.name].append(load_once(opts, server, per_round, tmp))
    return combine(results["home"]), combine(results["hello"])


# --- the run ---------------------------------------------------------------------------------------------


def run(opts: argparse.Namespace) -> dict:
    load_start = round(os.getloadavg()[0], 2)  # other work on the machine skews both targets
    tmp = Path(tempfile.mkdtemp(prefix="techmarket-bench-"))
    servers: list[Server] = []
    try:
        (tmp / "gunicorn.empty.py").write_text("# settings are passed on the command line\n")
        (tmp / "bench_hello.py").write_text(HELLO_MODULE)
        (tmp / "bench.lua").write_text(WRK_SCRIPT)
        env = bench_env(tmp)
        migrate(opts, env)

        home = start_server("home", "wsgi:app", PROJECT, env, opts, tmp)
        servers.append(home)
        hello = start_server("hello", "bench_hello:app", tmp, env, opts, tmp, pythonpath=tmp)
        servers.append(hello)
        wait_ready(home)
        wait_ready(hello)
        home_check = check_home(home.port)
        hello_check = check_hello(hello.port)

        home_result, hello_result = measure_pair(opts, home, hello, tmp)
        ratio = home_result["rps"] / hello_result["rps"] if hello_result["rps"] else 0.0
        return {
            "home_rps": home_result["rps"],
            "hello_rps": hello_result["rps"],
            "ratio": round(ratio, 3),
            "goal": 0.5,
            "meets_goal": ratio >= 0.5,
            "home": {"path": "/", **home_check, **home_result},
            "hello": {"path": "/", **hello_check, **hello_result},
            "gunicorn": {
                "version": gunicorn_version(opts),
                "workers": opts.workers,
                "worker_class": opts.worker_class,
                "threads": opts.threads,
                "preload": True,
                "keep_alive_s": 5,
                "log_level": "warning (no access log)",
                "command": " ".join(gunicorn_args(opts, Path("<empty>"), 0)).replace(
                    f"{HOST}:0", f"{HOST}:<port>"
                ),
            },
            "load": {
                "client": wrk_version(opts.wrk) if opts.wrk else "python http.client keep-alive",
                "connections": opts.concurrency,
                "client_threads" if opts.wrk else "client_processes": (
                    max(1, min(opts.client_threads, opts.concurrency)) if opts.wrk
                    else max(1, min(opts.client_processes, opts.concurrency))
                ),
                "seconds_per_target": opts.seconds,
                "rounds": opts.rounds,
                "warmup_seconds_per_target": opts.warmup,
                "bounded_by": "time" if opts.wrk else f"time and {opts.max_requests} requests",
                "order": "warm-up of each, then rounds alternating home/hello (ABBA...)",
                "latency": "per round from the client; across rounds the request-weighted mean",
            },
            "app": {
                "env": "development",
                "database": "SQLite, fresh, migrated with `techmarket db upgrade` (no demo data)",
            },
            "machine": {
                "cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform(),
                "load_average_1m": {"start": load_start, "end": round(os.getloadavg()[0], 2)},
            },
        }
    finally:
        for server in servers:
            server.stop()
        if opts.keep_tmp:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=10.0, help="measured seconds per target (default 10)")
    p.add_argument("--rounds", type=int, default=2,
                   help="alternating rounds the seconds are split into (default 2: home, hello, hello, home)")
    p.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per target (default 2)")
    p.add_argument("--max-requests", type=int, default=1_000_000,
                   help="request cap per measured round, Python client (default 1e6)")
    p.add_argument("--concurrency", "-c", type=int, default=16, help="open connections (default 16)")
    p.add_argument("--workers", "-w", type=int, default=2, help="gunicorn workers, both servers (default 2)")
    p.add_argument("--worker-class", "-k", default="sync", help="gunicorn worker class (default sync)")
    p.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (default 1)")
    p.add_argument("--client", choices=["auto", "wrk", "python"], default="auto",
                   help="load generator: wrk when installed (auto), or force one")
    p.add_argument("--client-threads", type=int, default=1, help="wrk threads (default 1)")
    p.add_argument("--client-processes", type=int, default=max(1, min(4, os.cpu_count() or 1)),
                   help="processes of the Python client (default min(4, CPUs))")
    p.add_argument("--keep-tmp", action="store_true", help="keep the temporary folder (database, logs)")
    opts = p.parse_args(argv)
    if opts.seconds <= 0 or opts.seconds > 600:
        p.error("--seconds must be in (0, 600]")
    if opts.warmup < 0 or opts.warmup > 60:
        p.error("--warmup must be in [0, 60]")
    if opts.rounds < 1 or opts.seconds / opts.rounds < 1:
        p.error("--rounds must be at least 1 and leave at least 1 second per round")
    if min(opts.concurrency, opts.workers, opts.threads, opts.max_requests, opts.client_threads,
           opts.client_processes) < 1:
        p.error("counts must be at least 1")
    opts.bin = venv_bin()
    opts.gunicorn_has_control_socket = has_control_socket_option(opts.bin)
    wrk = shutil.which("wrk")
    if opts.client == "wrk" and not wrk:
        p.error("wrk is not installed (apt-get install -y wrk), use --client python")
    opts.wrk = wrk if opts.client in {"auto", "wrk"} else None
    return opts


def main(argv: list[str] | None = None) -> int:
    return run_main("bench/http.py", parse_args(argv), run)


if __name__ == "__main__":
    sys.exit(main())
