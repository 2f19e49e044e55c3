"""Payments tests: a real Stripe API (the ``localstripe`` server from PyPI) started once per session on a free
port, and an application whose Stripe gateway points at it (bank transfer is always there too).

In CI (``TECHMARKET_TEST_REQUIRE_SERVICES=1``) a localstripe that is missing or does not start is a failure.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from techmarket.app import create_app
from techmarket.extensions import db
from tests.accounts.support import isolate_requests
from tests.conftest import REQUIRE, _clean, _overrides

API_KEY = "sk_test_techmarket"
WEBHOOK_SECRET = "whsec_techmarket_test_secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unavailable(why: str) -> None:
    if REQUIRE:
        pytest.fail(f"localstripe is required (TECHMARKET_TEST_REQUIRE_SERVICES=1) but {why}")
    pytest.skip(f"localstripe {why} (pip install -e '.[test]')")


def _answers(base: str) -> bool:
    request = urllib.request.Request(f"{base}/v1/customers",  # noqa: S310 - the loopback test server
                                     headers={"Authorization": f"Bearer {API_KEY}"})
    try:
        with urllib.request.urlopen(request, timeout=1) as resp:  # noqa: S310 - the loopback test server
            return resp.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base address of a localstripe server of this session's own."""
    try:
        import localstripe as _package  # noqa: F401 - only to know it is installed
    except ImportError:
        _unavailable("is not installed")
    port = _free_port()
    log = tmp_path_factory.mktemp("localstripe") / "server.log"
    with log.open("wb") as out:
        launcher = Path(__file__).with_name("localstripe_server.py")
        proc = subprocess.Popen([sys.executable, str(launcher), "--port", str(port)], stdout=out,
                                stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # a loaded CI machine starts Python and aiohttp slowly
    while not _answers(base):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            _unavailable(f"did not start: {Path(log).read_text(errors='replace')[-800:]}")
        time.sleep(0.1)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


def stripe_overrides(base: str) -> dict[str, Any]:
    return {"PAYMENTS_BACKEND": "stripe", "STRIPE_API_KEY": API_KEY, "STRIPE_API_BASE": base,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET}


@pytest.fixture()
def app(database: tuple[str, str], tmp_path: Path, localstripe: str) -> Iterator[Flask]:
    """The suite's app (fresh tables, real commits) with Stripe configured against localstripe."""
    _kind, url = database
    application = create_app({**_overrides(url, tmp_path), **stripe_overrides(localstripe)})
    isolate_requests(application)
    _clean(application)
    ctx = application.app_context()
    ctx.push()
    yield application
    db.session.remove()
    ctx.pop()
    with application.app_context():
        db.engine.dispose()


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """A ``Stripe-Signature`` header as Stripe computes it (``t=…,v1=HMAC-SHA256(secret, "t.payload")``)."""
    stamp = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


def event(event_id: str, kind: str, obj: dict[str, Any]) -> bytes:
    return json.dumps({"id": event_id, "object": "event", "type": kind, "api_version": "2020-08-27",
                       "created": int(time.time()), "livemode": False, "data": {"object": obj}}).encode()
