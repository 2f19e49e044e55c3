"""The signature of a delivery, Stripe-style: ``Techmarket-Signature: t=<unix seconds>,v1=<hex>``, where the
hex is HMAC-SHA256 under the subscription's secret of ``"<t>.<raw body>"``. A receiver recomputes it, compares
in constant time and refuses a timestamp older than a few minutes (replays)."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "Techmarket-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS) -> bool:
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).partition(",v1=")[2]
    return hmac.compare_digest(expected, parts.get("v1", ""))
