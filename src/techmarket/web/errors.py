"""One error handler for domain errors and friendly pages for HTTP errors, in the user's language."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from techmarket.core.errors import DomainError
from techmarket.extensions import db

log = logging.getLogger(__name__)

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


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(status: int, message: str | None = None) -> tuple[str | Response, int]:
    title = TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400])
    if _wants_json():
        return jsonify(error={"status": status, "title": str(title), "message": message or str(title)}), status
    return render_template("errors/error.html", status=status, title=title, message=message,
                           hint=HINTS.get(status, HINTS[400])), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> tuple[str | Response, int]:
        db.session.rollback()
        return render_error(exc.status, str(exc.message))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> tuple[str | Response, int]:
        db.session.rollback()
        return render_error(400, str(_l("The form expired or was not sent from this site. "
                                        "Please reload the page and try again.")))

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

    @app.errorhandler(OperationalError)
    def operational_error(exc: OperationalError) -> tuple[str | Response, int]:
        db.session.rollback()
        log.exception("database error")
        return render_error(503 if "locked" in str(exc.orig) else 500)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str | Response, int] | HTTPException:
        if exc.code is None or exc.code < 400:
            return exc
        return render_error(exc.code, None)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[str | Response, int]:
        db.session.rollback()
        if app.config.get("PROPAGATE_EXCEPTIONS"):
            raise exc
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)
