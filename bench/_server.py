"""Shared by the benchmarks: a fresh migrated SQLite instance folder and gunicorn servers on 127.0.0.1.

Moved here from bench/http.py so bench/listings.py starts and stops gunicorn the same way. The scripts in this
folder are run by path (``.venv/bin/python bench/x.py``); because one of them is named http.py, each drops
this folder from ``sys.path`` before importing anything and appends it again afterwards, so ``import http``
always finds the standard library.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


class BenchError(RuntimeError):
    """The run cannot measure; the message says why."""


# --- servers -------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    port: int
    log: Path
    proc: subprocess.Popen | None = None

    def stop(self) -> None:
        """SIGTERM the gunicorn master's process group (it and its workers), SIGKILL if it lingers."""
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def gunicorn_args(opts: argparse.Namespace, config_file: Path, port: int) -> list[str]:
    """The settings shared by both servers, all explicit (the empty config file keeps gunicorn from
    picking up a ./gunicorn.conf.py)."""
    return [
        "--config", str(config_file),
        "--bind", f"{HOST}:{port}",
        "--workers", str(opts.workers),
        "--worker-class", opts.worker_class,
        "--threads", str(opts.threads),
        "--preload",
        "--keep-alive", "5",
        "--timeout", "60",
        "--backlog", "2048",
        "--log-level", "warning",
        *(["--no-control-socket"] if opts.gunicorn_has_control_socket else []),
    ]


def start_server(
    name: str, app_spec: str, cwd: Path, env: dict[str, str], opts: argparse.Namespace, tmp: Path,
    pythonpath: Path | None = None,
) -> Server:
    port = free_port()
    server = Server(name=name, port=port, log=tmp / f"{name}.log")
    cmd = [str(opts.bin / "gunicorn"), *gunicorn_args(opts, tmp / "gunicorn.empty.py", port)]
    if pythonpath is not None:
        cmd += ["--pythonpath", str(pythonpath)]
    cmd.append(app_spec)
    with server.log.open("wb") as log:
        server.proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return server


def get(port: int, path: str = "/", timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def wait_ready(server: Server, deadline_s: float = 90.0) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        assert server.proc is not None
        if server.proc.poll() is not None:
            code = server.proc.returncode
            raise BenchError(f"gunicorn for {server.name} exited with status {code}:\n{server.log_tail()}")
        try:
            get(server.port, timeout=5)
            return
        except OSError:
            time.sleep(0.2)
    raise BenchError(
        f"gunicorn for {server.name} did not answer within {deadline_s:.0f} s:\n{server.log_tail()}"
    )


def bench_env(tmp: Path) -> dict[str, str]:
    """The caller's environment without any TECHMARKET_* or GUNICORN_CMD_ARGS, plus the bench's own."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("TECHMARKET_") and k != "GUNICORN_CMD_ARGS"
    }
    env.update(
        TECHMARKET_DATABASE_URL=f"sqlite:///{tmp / 'bench.db'}",
        TECHMARKET_INSTANCE_PATH=str(tmp),
        TECHMARKET_SECRET_KEY="bench-" + os.urandom(24).hex(),
        TECHMARKET_ENV="development",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def migrate(opts: argparse.Namespace, env: dict[str, str]) -> None:
    cmd = [str(opts.bin / "techmarket"), "db", "upgrade"]
    out = subprocess.run(cmd, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300, check=False)
    if out.returncode != 0:
        raise BenchError(f"`techmarket db upgrade` failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")


def gunicorn_version(opts: argparse.Namespace) -> str:
    cmd = [str(opts.bin / "gunicorn"), "--version"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).strip()


def venv_bin() -> Path:
    """The virtualenv's bin folder: this interpreter's if it has gunicorn and techmarket, else .venv/bin."""
    here = Path(sys.executable).parent
    if (here / "gunicorn").exists() and (here / "techmarket").exists():
        return here
    return PROJECT / ".venv" / "bin"


def has_control_socket_option(bin_dir: Path) -> bool:
    """gunicorn >= 25.1 opens a control socket at one fixed path per user; two servers must not share it."""
    help_text = subprocess.run([str(bin_dir / "gunicorn"), "--help"], capture_output=True, text=True,
                               check=False).stdout
    return "--no-control-socket" in help_text


def run_main(name: str, opts: argparse.Namespace, run: Callable[[argparse.Namespace], dict[str, Any]]) -> int:
    """The benches' entry point: SIGTERM still stops the servers (via the finally blocks), a BenchError is a
    one-line message and exit 1, the figures are printed as JSON."""

    def _terminate(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _terminate)
    try:
        result = run(opts)
    except BenchError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0
