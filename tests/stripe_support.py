"""The localstripe server for the tests that need Stripe (tests/payments, the card page in tests/browser): a real
Stripe API (the ``localstripe`` server from PyPI, with its fake Stripe.js at ``/js.stripe.com/v3/``) started once
per session on a free port, state in memory only (tests/payments/localstripe_server.py).

In CI (``TECHMARKET_TEST_REQUIRE_SERVICES=1``) a localstripe that is missing or does not start is a failure.
Use it by importing the fixture into a conftest or test module: ``from tests.stripe_support import localstripe``.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REQUIRE

API_KEY = "sk_test_techmarket"
WEBHOOK_SECRET = "whsec_techmarket_test_secret"
PUBLISHABLE_KEY = "pk_test_techmarket"


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
        launcher = Path(__file__).parent / "payments" / "localstripe_server.py"
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
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
            "STRIPE_JS_URL": f"{base}/js.stripe.com/v3/"}
