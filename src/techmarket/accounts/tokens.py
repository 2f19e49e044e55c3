"""Signed, expiring tokens for emailed links (confirmation, password reset, invitations)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"techmarket-{purpose}")


def make_token(purpose: str, payload: Any) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age_hours: int | None = None) -> Any | None:
    """The payload, or None for a forged, malformed or expired token."""
    hours = max_age_hours or current_app.config["TOKEN_MAX_AGE_HOURS"]
    try:
        return _serializer(purpose).loads(token, max_age=hours * 3600)
    except (BadSignature, SignatureExpired):
        return None
