"""JSON API v1: the policy calculators.

``POST /api/v1/policy/NAME`` takes the calculator's input as a JSON object and answers the breakdown the
command line prints (``techmarket policy calc NAME``), computed over the stored rule sets. Bad input is 400
in the site's one error shape, ``{"error": {"status", "code", "message", "fields": {path: {code, message, en,
zh}}}}`` (``web/errors.py``). CSRF-exempt (no cookies are needed), lightly rate-limited.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, request
from flask_babel import lazy_gettext as _l

from techmarket.core.errors import DomainError, NotFound
from techmarket.core.inputs import InvalidJson, load_json
from techmarket.extensions import csrf, db, limiter
from techmarket.policy import CALCULATORS
from techmarket.rulesets import services

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
limiter.limit("120 per minute")(bp)


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json")


def _body() -> Any:
    """The JSON body: none at all is 400, another media type 415, malformed, too large or too deep JSON 400."""
    if not request.content_length and not request.get_data(cache=True):
        raise InvalidJson(_l("Send the input as a JSON object (Content-Type: application/json)."))
    if not request.is_json:
        raise UnsupportedMediaType(_l("Send the input as JSON (Content-Type: application/json)."))
    return load_json(request.get_data(cache=False))


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
