"""``/api/v1/contracts``: the parties' own contracts, and the registrars' review queue (scope ``contracts:read``)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from techmarket.api.auth import needs, require
from techmarket.api.conventions import cursor_page, json_response
from techmarket.api.openapi import ApiBlueprint
from techmarket.api.schemas import CursorArgs, CursorPageSchema
from techmarket.api.tokens import actor_of
from techmarket.contracts import constants as cat
from techmarket.contracts.models import Contract, ContractParty
from techmarket.contracts.services import STAFF, require_view
from techmarket.core.db import get_or_not_found
from techmarket.core.errors import PermissionDenied
from techmarket.extensions import csrf, db
from techmarket.orgs.models import Membership

bp = ApiBlueprint("api_contracts", __name__, title="Contracts",
                  description="Technology contracts and their registration (认定登记).")
csrf.exempt(bp)
READ: list[dict[str, list[str]]] = [{"token": []}]


class ContractArgs(CursorArgs):
    status = fields.String(validate=validate.Length(max=16))


class PartySchema(Schema):
    role = fields.String(required=True)
    name = fields.String(required=True)
    organisation_id = fields.Integer(allow_none=True)


class ContractSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    title = fields.String(required=True)
    type_code = fields.String(required=True)
    signed_on = fields.String(required=True)
    total_amount = fields.String(required=True)
    technical_amount = fields.String(required=True)
    registration_number = fields.String(allow_none=True)
    review_due_on = fields.String(allow_none=True)
    listing_id = fields.Integer(allow_none=True)
    parties = fields.List(fields.Nested(PartySchema), required=True)


class ContractPageSchema(CursorPageSchema):
    items = fields.List(fields.Nested(ContractSchema), required=True)


def present(c: Contract) -> dict[str, Any]:
    return {"id": c.id, "status": c.status, "title": c.title, "type_code": c.type_code,
            "signed_on": c.signed_on.isoformat(), "total_amount": str(c.total_amount),
            "technical_amount": str(c.technical_amount), "registration_number": c.registration_number,
            "review_due_on": c.review_due_on.isoformat() if c.review_due_on else None, "listing_id": c.listing_id,
            "parties": [{"role": p.role, "name": p.name, "organisation_id": p.organisation_id} for p in c.parties]}


@bp.route("/contracts", methods=["GET"])
@needs("contracts:read")
@bp.arguments(ContractArgs, location="query")
@bp.response(200, ContractPageSchema)
@bp.doc(security=READ, description="Scope `contracts:read`. Contracts an organisation of the token is a party "
                                   "to (an organisation token: its organisation's), newest first.")
def index(args: dict[str, Any]) -> Response:
    token = require("contracts:read")
    if token.organisation_id is not None:
        orgs: Any = [token.organisation_id]
    else:
        orgs = select(Membership.organisation_id).where(Membership.user_id == token.user_id)
    ids = select(ContractParty.contract_id).where(ContractParty.organisation_id.in_(orgs))
    stmt = select(Contract).where(Contract.id.in_(ids))
    if args.get("status"):
        stmt = stmt.where(Contract.status == args["status"])
    rows, nxt = cursor_page(db.session, stmt, Contract.id, args["cursor"], args["limit"])
    return json_response({"items": [present(c) for c in rows], "next_cursor": nxt})


@bp.route("/contracts/queue", methods=["GET"])
@needs("contracts:read")
@bp.arguments(ContractArgs, location="query")
@bp.response(200, ContractPageSchema)
@bp.doc(security=READ, description="Scope `contracts:read`, a registrar's or the operator's personal token: the "
                                   "contracts waiting for review.")
def queue(args: dict[str, Any]) -> Response:
    token = require("contracts:read")
    if token.organisation_id is not None or not actor_of(token).has(*STAFF):
        raise PermissionDenied(_l("Only registrars and the market operator see the review queue."))
    states = [args["status"]] if args.get("status") in cat.IN_REVIEW else [s.value for s in cat.IN_REVIEW]
    stmt = select(Contract).where(Contract.status.in_(states))
    rows, nxt = cursor_page(db.session, stmt, Contract.id, args["cursor"], args["limit"])
    return json_response({"items": [present(c) for c in rows], "next_cursor": nxt})


@bp.route("/contracts/<int:contract_id>", methods=["GET"])
@needs("contracts:read")
@bp.response(200, ContractSchema)
@bp.doc(security=READ, description="Scope `contracts:read`: a party's, a registrar's or the operator's.")
def detail(contract_id: int) -> Response:
    token = require("contracts:read")
    contract = get_or_not_found(db.session, Contract, contract_id, _l("There is no such contract."))
    require_view(db.session, actor_of(token), contract)
    if token.organisation_id is not None and token.organisation_id not in {p.organisation_id
                                                                           for p in contract.parties}:
        raise PermissionDenied(_l("Only the parties, the registrars and the market operator see this contract."))
    return json_response(present(contract))
