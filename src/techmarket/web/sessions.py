"""Flask's signed-cookie sessions, opened without cryptography when the request has no session cookie."""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class CookieSessionInterface(SecureCookieSessionInterface):
    """Flask's default session interface, except that a request without a session cookie (most anonymous
    visits) gets its empty session without a signing serializer (HMAC key derivation) being built for it.
    Writing a session, and reading one that was sent, work exactly as in Flask."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)
