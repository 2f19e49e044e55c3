"""JSON API v1: the policy calculators.

``POST /api/v1/policy/NAME`` takes the calculator's input as a JSON object and answers the breakdown the
command line prints (``techmarket policy calc NAME``), computed over the stored rule sets. Bad input is 400
with ``fields``: ``{path: {code, en, zh}}``. CSRF-exempt (no cookies are needed), lightly rate-limited.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, request
from flask_babel import lazy_gettext as _l

from techmarket.core.errors import DomainError, NotFound, ValidationFailed
from techmarket.extensions import csrf, db, limiter
from techmarket.policy import CALCULATORS
from techmarket.rulesets import services

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
limiter.limit("120 per minute")(bp)

MAX_BODY = 1024 * 1024


class UnsupportedMediaType(DomainError):
    status = 415


class InvalidJson(ValidationFailed):
    code = "invalid_json"


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json")


_CODES = {400: "invalid_input", 403: "forbidden", 404: "not_found", 409: "conflict", 415: "unsupported_media_type"}


@bp.errorhandler(DomainError)
def domain_error(exc: DomainError) -> Response:
    db.session.rollback()
    body: dict[str, Any] = {"error": {"status": exc.status, "code": getattr(exc, "code", None) or
                                      _CODES.get(exc.status, "error"), "message": str(exc.message)}}
    if isinstance(exc, ValidationFailed) and exc.field_errors:
        body["fields"] = {path: dict(err) if isinstance(err, dict) else {"code": "invalid", "en": str(err),
                                                                        "zh": str(err)}
                          for path, err in exc.field_errors.items()}
    return _json(body, exc.status)


def _body() -> Any:
    """The JSON body: none at all is 400, another media type 415, malformed JSON 400."""
    if not request.content_length and not request.get_data(cache=True):
        raise InvalidJson(_l("Send the input as a JSON object (Content-Type: application/json)."))
    if not request.is_json:
        raise UnsupportedMediaType(_l("Send the input as JSON (Content-Type: application/json)."))
    if (request.content_length or 0) > MAX_BODY:
        raise ValidationFailed(_l("The input is too large."))
    raw = request.get_data(cache=False)
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidJson(_l("The body is not valid JSON: %(detail)s", detail=str(exc))) from exc



@bp.get("/policy")
def policy_index() -> Response:
    """Every calculator with its input fields."""
    return _json({"calculators": [calc.to_json() for calc in CALCULATORS.values()]})


@bp.get("/policy/<name>")
def policy_describe(name: str) -> Response:
    """One calculator with its input fields."""
    return _json(_known(name))


@bp.post("/policy/<name>")
def policy_calc(name: str) -> Response:
    """Run calculator ``name`` on the JSON body."""
    _known(name)
    return _json(services.calculate(db.session, name, _body()))


def _known(name: str) -> dict[str, Any]:
    calc = CALCULATORS.get(name)
    if calc is None:
        raise NotFound(_l("There is no calculator called “%(name)s”; known: %(known)s.", name=name,
                          known=", ".join(CALCULATORS)))
    return calc.to_json()
