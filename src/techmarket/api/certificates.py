"""``/api/v1/certificates/verify``: the public certificate check of ``/contracts/check`` for other systems.

The same facts (state, type, dates, technical amount, the parties' names), the same rate limit per address
(``CERTIFICATE_CHECK_RATE_LIMIT``) and the same 404 for an unknown number and for a wrong code, so the API is
no oracle for valid registration numbers.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from marshmallow import Schema, fields, validate

from techmarket.api.conventions import json_response
from techmarket.api.openapi import ApiBlueprint
from techmarket.contracts import verification
from techmarket.core.errors import NotFound
from techmarket.extensions import csrf, db, limiter

bp = ApiBlueprint("api_certificates", __name__, title="Certificates",
                  description="Certificate verification (认定登记证明 check).")
csrf.exempt(bp)


class VerifyArgs(Schema):
    number = fields.String(required=True, validate=validate.Length(1, verification.MAX_NUMBER),
                           metadata={"description": "the registration number printed on the certificate"})
    code = fields.String(required=True, validate=validate.Length(1, 32),
                         metadata={"description": "the verification code printed beside it"})


class CertificatePartySchema(Schema):
    role = fields.String(required=True)
    name = fields.String(required=True)


class VerifiedSchema(Schema):
    number = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "registered, amended or rescinded"})
    type_code = fields.String(required=True)
    subtype_code = fields.String(required=True)
    registered_on = fields.String(allow_none=True)
    rescinded_on = fields.String(allow_none=True)
    technical_amount = fields.String(required=True)
    parties = fields.List(fields.Nested(CertificatePartySchema), required=True)


def _limit() -> str:
    return str(current_app.config["CERTIFICATE_CHECK_RATE_LIMIT"])


def present(found: verification.Verified) -> dict[str, Any]:
    return {"number": found.number, "state": found.state, "type_code": found.type_code,
            "subtype_code": found.subtype_code,
            "registered_on": found.registered_on.isoformat() if found.registered_on else None,
            "rescinded_on": found.rescinded_on.isoformat() if found.rescinded_on else None,
            "technical_amount": str(found.technical_amount),
            "parties": [{"role": role, "name": name} for role, name in found.parties]}


@bp.route("/certificates/verify", methods=["GET"])
@limiter.limit(_limit, key_func=get_remote_address)
@bp.arguments(VerifyArgs, location="query")
@bp.response(200, VerifiedSchema)
def verify(args: dict[str, Any]) -> Response:
    """The public facts of a registered contract; 404 for an unknown number or a wrong code alike."""
    found = verification.check(db.session, args["number"], args["code"])
    if found is None:
        raise NotFound(_l("No registration matches this number and code."))
    return json_response(present(found))

