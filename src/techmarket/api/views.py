"""JSON API v1: the policy calculators.

``POST /api/v1/policy/NAME`` takes the calculator's input as a JSON object and answers the breakdown the
command line prints (``techmarket policy calc NAME``), computed over the stored rule sets. Bad input is 400
in the site's one error shape, ``{"error": {"status", "code", "message", "fields": {path: {code, message, en,
zh}}}}`` (``web/errors.py``). CSRF-exempt (no cookies are needed), lightly rate-limited.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields

from techmarket.api.openapi import ApiBlueprint
from techmarket.core.errors import DomainError, NotFound
from techmarket.core.inputs import InvalidJson, load_json
from techmarket.extensions import csrf, db
from techmarket.policy import CALCULATORS
from techmarket.rulesets import services

bp = ApiBlueprint("api", __name__, title="Policy calculators",
                  description="Policy calculators: tax exemption and rewards over the stored rules.")
csrf.exempt(bp)


class CalculatorsSchema(Schema):
    calculators = fields.List(fields.Dict(), required=True)


_BODY = {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}


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


@bp.route("/policy", methods=["GET"])
@bp.response(200, CalculatorsSchema)
def policy_index() -> Response:
    """Every calculator with its input fields."""
    return _json({"calculators": [calc.to_json() for calc in CALCULATORS.values()]})


@bp.route("/policy/<name>", methods=["GET"])
@bp.response(200, {"type": "object"})
def policy_describe(name: str) -> Response:
    """One calculator with its input fields."""
    return _json(_known(name))


@bp.route("/policy/<name>", methods=["POST"])
@bp.doc(requestBody=_BODY)
@bp.response(200, {"type": "object"})
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
