"""Payments tests: an application whose Stripe gateway points at a real Stripe API (the ``localstripe`` server
of tests/stripe_support.py, shared with the browser tests); bank transfer is always there too."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from techmarket.app import create_app
from techmarket.extensions import db
from tests.accounts.support import isolate_requests
from tests.conftest import _clean, _overrides
from tests.stripe_support import API_KEY, PUBLISHABLE_KEY, WEBHOOK_SECRET, localstripe, stripe_overrides

__all__ = ["API_KEY", "PUBLISHABLE_KEY", "WEBHOOK_SECRET", "event", "localstripe", "sign", "stripe_overrides"]


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
