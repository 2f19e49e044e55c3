"""``/api/v1/claims``: the subsidy claims (补贴申报) of the token's organisations (scope ``claims:read``).

What a token sees is what the claims domain lets its user see (``access.visible``), narrowed to the token's
organisation (an organisation token) or the user's organisations (a personal token): a bureau's or the
operator's review queue is not on the API.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from techmarket.accounts.api_tokens import ApiToken
from techmarket.api import tokens
from techmarket.api.auth import needs, require
from techmarket.api.conventions import cursor_page, json_response
from techmarket.api.openapi import ApiBlueprint
from techmarket.api.schemas import CursorArgs, CursorPageSchema
from techmarket.core.errors import NotFound
from techmarket.extensions import csrf, db
from techmarket.incentives.claims import access
from techmarket.incentives.claims.models import SubsidyClaim
from techmarket.orgs.models import Membership

bp = ApiBlueprint("api_claims", __name__, title="Subsidy claims",
                  description="Subsidy claims of the token's organisations.")
csrf.exempt(bp)
READ: list[dict[str, list[str]]] = [{"token": []}]


class ClaimArgs(CursorArgs):
    status = fields.String(validate=validate.Length(max=16))
    claim_year = fields.Integer(validate=validate.Range(2000, 2100))


class ClaimContractSchema(Schema):
    contract_id = fields.Integer(required=True)
    registration_number = fields.String(allow_none=True)
    amount = fields.String(required=True)
    subsidy = fields.String(required=True)


class ClaimSchema(Schema):
    id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    role = fields.String(required=True, metadata={"description": "buyer, seller or agency"})
    claim_year = fields.Integer(required=True)
    status = fields.String(required=True)
    requested_amount = fields.String(required=True)
    computed_amount = fields.String(required=True)
    granted_amount = fields.String(allow_none=True)
    last_reason = fields.String(required=True)
    submitted_at = fields.String(allow_none=True)
    decided_at = fields.String(allow_none=True)
    publicity_until = fields.String(allow_none=True)
    contracts = fields.List(fields.Nested(ClaimContractSchema), required=True)


class ClaimPageSchema(CursorPageSchema):
    items = fields.List(fields.Nested(ClaimSchema), required=True)


def present(claim: SubsidyClaim) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None
    return {"id": claim.id, "organisation_id": claim.organisation_id, "role": claim.role,
            "claim_year": claim.claim_year, "status": claim.status,
            "requested_amount": str(claim.requested_amount), "computed_amount": str(claim.computed_amount),
            "granted_amount": str(claim.granted_amount) if claim.granted_amount is not None else None,
            "last_reason": claim.last_reason, "submitted_at": iso(claim.submitted_at),
            "decided_at": iso(claim.decided_at), "publicity_until": iso(claim.publicity_until),
            "contracts": [{"contract_id": c.contract_id, "registration_number": c.contract.registration_number,
                           "amount": str(c.amount), "subsidy": str(c.subsidy)} for c in claim.contracts]}


def _own(token: ApiToken) -> Any:
    """Claims the token may read: visible to its user, and of its organisation(s)."""
    if token.organisation_id is not None:
        orgs: Any = [token.organisation_id]
    else:
        orgs = select(Membership.organisation_id).where(Membership.user_id == token.user_id)
    visible = access.visible(db.session, tokens.actor_of(token))
    return visible & SubsidyClaim.organisation_id.in_(orgs)


@bp.route("/claims", methods=["GET"])
@needs("claims:read")
@bp.arguments(ClaimArgs, location="query")
@bp.response(200, ClaimPageSchema)
@bp.doc(security=READ, description="Scope `claims:read`. The subsidy claims of the token's organisation(s), "
                                   "newest first.")
def index(args: dict[str, Any]) -> Response:
    token = require("claims:read")
    stmt = select(SubsidyClaim).where(_own(token))
    if args.get("status"):
        stmt = stmt.where(SubsidyClaim.status == args["status"])
    if args.get("claim_year"):
        stmt = stmt.where(SubsidyClaim.claim_year == args["claim_year"])
    rows, nxt = cursor_page(db.session, stmt, SubsidyClaim.id, args["cursor"], args["limit"])
    return json_response({"items": [present(c) for c in rows], "next_cursor": nxt})


@bp.route("/claims/<int:claim_id>", methods=["GET"])
@needs("claims:read")
@bp.response(200, ClaimSchema)
@bp.doc(security=READ, description="Scope `claims:read`. One claim of the token's organisation(s).")
def detail(claim_id: int) -> Response:
    token = require("claims:read")
    claim = db.session.scalar(select(SubsidyClaim).where(SubsidyClaim.id == claim_id, _own(token)))
    if claim is None:
        raise NotFound(_l("No such claim."))
    return json_response(present(claim))
