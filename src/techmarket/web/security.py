"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.wrappers import Response

from techmarket.core.csp import CSP

# Set on every response unless the view set the header itself. The CSP has no per-response nonce (no inline
# script or style is allowed at all), so a page's HTML does not depend on the response it is sent in.
HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CSP),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def headers(resp: Response) -> Response:
        # One pass over the headers already set, then one extend: Headers.setdefault per header scans the list
        # twice and raises and catches a KeyError for each missing one, a tenth of a cached page's cost.
        present = set(resp.headers.keys(lower=True))
        wanted = list(HEADERS)
        if request.is_secure:
            wanted.append(HSTS)
        if resp.mimetype == "text/html":
            wanted.append(("Cache-Control", "no-store" if request.cookies.get("session") else "no-cache"))
        resp.headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
        return resp
