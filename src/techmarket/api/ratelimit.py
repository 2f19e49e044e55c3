"""Rate limits of ``/api/v1``: per token when the request carries one, per address when anonymous.

The key is a digest of the presented token (no database read before the limit is checked): every token has
its own budget, ``API_TOKEN_RATE_LIMIT``; anonymous callers share their address's, ``API_ANONYMOUS_RATE_LIMIT``.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, request
from flask_limiter.util import get_remote_address

from techmarket.extensions import limiter


def presented_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def rate_key() -> str:
    token = presented_token()
    if token:
        return "api-token:" + hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()[:32]
    return "api-anon:" + (get_remote_address() or "unknown")


def rate_value() -> str:
    if presented_token():
        return str(current_app.config.get("API_TOKEN_RATE_LIMIT", "600 per minute"))
    return str(current_app.config.get("API_ANONYMOUS_RATE_LIMIT", "120 per minute"))


def rate_limit(bp: Blueprint) -> None:
    limiter.limit(rate_value, key_func=rate_key)(bp)
