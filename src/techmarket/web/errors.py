"""One error handler for domain errors and friendly pages for HTTP errors, in the user's language."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from techmarket.core.errors import DomainError
from techmarket.core.i18n import is_chinese
from techmarket.extensions import db

log = logging.getLogger(__name__)
#: Logged when a value the boundary should have refused reached the database (the fuzz test looks for it).
UNCHECKED = "unchecked input"

TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You may not do this"),
    404: _l("Page not found"),
    405: _l("That method is not allowed here"),
    409: _l("Someone else changed this first"),
    413: _l("The upload is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}
HINTS = {
    400: _l("Please go back, check what you entered and try again."),
    403: _l("Your account does not have permission for this page or action."),
    404: _l("The address may be mistyped, or the item was removed."),
    405: _l("Please use the links and buttons on the site."),
    409: _l("Reload the page to see the current state, then try again."),
    413: _l("Please choose a smaller file."),
    429: _l("Please wait a little and try again."),
    500: _l("The error was logged. Please try again later."),
}


#: ``error.code`` of the JSON answer for each status (a domain error may name a more precise one).
CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "validation_failed",
    429: "rate_limited", 500: "server_error", 503: "unavailable",
}
_KEPT_HEADERS = ("Allow", "Retry-After")


def wants_json() -> bool:
    """JSON for the API and for clients that ask for it; an HTML page for everybody else."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_body(status: int, code: str | None = None, message: str | None = None,
               fields: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The one JSON error shape: ``{"error": {"status", "code", "message", "fields"?}}``.

    ``fields`` maps an input path to ``{"code", "message", ...}`` (the message in the user's language; the
    policy calculators add ``en`` and ``zh``)."""
    title = TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400])
    error: dict[str, Any] = {"status": status, "code": code or CODES.get(status, "error"),
                             "message": message or str(title)}
    if fields:
        error["fields"] = {str(path): _field_error(err) for path, err in fields.items()}
    return {"error": error}


def _field_error(err: Any) -> dict[str, Any]:
    if isinstance(err, Mapping):
        out = {str(k): str(v) for k, v in err.items()}
        out.setdefault("code", "invalid")
        if "message" not in out:
            out["message"] = (out.get("zh") if is_chinese() else out.get("en")) or out.get("en") or ""
        return out
    return {"code": "invalid", "message": str(err)}


def render_error(status: int, message: str | None = None, *, code: str | None = None,
                 fields: Mapping[str, Any] | None = None,
                 headers: Mapping[str, str] | None = None) -> tuple[str | Response, int]:
    title = TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400])
    if wants_json():
        resp = Response(json.dumps(error_body(status, code, message, fields), ensure_ascii=False), status=status,
                        mimetype="application/json")
    else:
        resp = Response(render_template("errors/error.html", status=status, title=title, message=message,
                                        hint=HINTS.get(status, HINTS[400])), status=status, mimetype="text/html")
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp, status


def domain_error_response(exc: DomainError) -> tuple[str | Response, int]:
    """A domain error as the user's answer (the transaction is rolled back first)."""
    db.session.rollback()
    code = exc.code if exc.code != DomainError.code else CODES.get(exc.status)
    return render_error(exc.status, str(exc.message), code=code, fields=exc.field_errors or None)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, domain_error_response)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> tuple[str | Response, int]:
        db.session.rollback()
        return render_error(400, str(_l("The form expired or was not sent from this site. "
                                        "Please reload the page and try again.")), code="csrf_failed")

    @app.errorhandler(IntegrityError)
    def integrity_error(exc: IntegrityError) -> tuple[str | Response, int]:
        db.session.rollback()
        log.warning("integrity error turned into 409: %s", exc.orig)
        return render_error(409)

    @app.errorhandler(StaleDataError)
    def stale_data(exc: StaleDataError) -> tuple[str | Response, int]:
        # A versioned row (version_id_col) changed between reading and writing: a concurrent decision.
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def unstorable(exc: Exception) -> tuple[str | Response, int]:
        # The last line of defence behind the input boundary (web/inputs.py, core/forms.py): a value the
        # database cannot hold (NUL, a number beyond its range) is the request's fault, not the server's.
        db.session.rollback()
        log.warning("%s: input reached the database unchecked on %s %s: %s", UNCHECKED, request.method,
                    request.path, exc)
        return render_error(400, str(_l("A value could not be stored: a number is out of range or the text holds "
                                        "characters that cannot be saved. Please check what you entered.")))

    @app.errorhandler(OperationalError)
    def operational_error(exc: OperationalError) -> tuple[str | Response, int]:
        db.session.rollback()
        log.exception("database error")
        return render_error(503 if "locked" in str(exc.orig) else 500)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str | Response, int] | HTTPException:
        if exc.code is None or exc.code < 400:
            return exc
        kept = {name: value for name, value in exc.get_headers() if name in _KEPT_HEADERS}
        return render_error(exc.code, _described(exc), headers=kept)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[str | Response, int]:
        db.session.rollback()
        if app.config.get("PROPAGATE_EXCEPTIONS"):
            raise exc
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)


def _described(exc: HTTPException) -> str | None:
    """The translatable message the code that raised the error gave (``abort(400, _l(...))``), else none
    (werkzeug's own descriptions are English only)."""
    description: Any = exc.description
    return str(description) if isinstance(description, LazyString) else None
