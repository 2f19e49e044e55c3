"""Helpers shared by the account and organisation tests: the outbox, reading forms back."""

from __future__ import annotations

import contextvars
import html
import re
from collections.abc import Callable, Iterable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from flask import Flask

from techmarket.extensions import db
from tests.factories import Factories


class IsolatedRequests:
    """WSGI middleware: every request runs in an empty ``contextvars`` context.

    The ``app`` fixture keeps an application context pushed for the whole test, and Flask reuses a pushed
    context for requests, so without this ``g`` (Flask-Login's cached ``current_user``) and the database
    session would leak from one request, and one client, to the next. Here each request gets its own
    application context, ``g`` and session, as in production.
    """

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable[..., object]) -> list[bytes]:
        def run() -> list[bytes]:
            body = self.wsgi_app(environ, start_response)
            try:
                return list(body)
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()

        return contextvars.Context().run(run)


def isolate_requests(app: Flask) -> None:
    if not isinstance(app.wsgi_app, IsolatedRequests):
        app.wsgi_app = IsolatedRequests(app.wsgi_app)  # type: ignore[method-assign]


def reread() -> None:
    """Forget what the test's own session holds, so it reads what the requests committed."""
    db.session.rollback()


def mails(make: Factories) -> list[EmailMessage]:
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(p.read_bytes()) for p in make.outbox()]  # type: ignore[misc]


def link_in(message: EmailMessage, prefix: str) -> str:
    """The site-relative path of the first link in ``message`` starting with ``prefix``."""
    body = message.get_content()
    match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"\S+)", body)
    assert match, f"no {prefix} link in: {body}"
    return match.group(1)


def field_error(page: str, field_id: str) -> str | None:
    """The error text shown beside a form field, or None."""
    found = re.findall(rf'<div class="invalid-feedback d-block" id="{re.escape(field_id)}-error">(.*?)</div>',
                       page, re.S)
    return html.unescape(" ".join(found)) if found else None


def field_value(page: str, name: str) -> str | None:
    """The ``value`` attribute of the input named ``name`` as re-rendered in the page."""
    tag = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    if tag is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else None


def form_errors(page: str) -> str | None:
    """The messages at the top of a form (not tied to a field), or None."""
    found = re.search(r'data-testid="form-errors">\s*((?:<div>.*?</div>\s*)+)</div>', page, re.S)
    if not found:
        return None
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).strip()
