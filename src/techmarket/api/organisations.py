"""``/api/v1/organisations`` (public facts of verified organisations) and ``/api/v1/inquiries`` (the inquiry
threads about the token's organisations' listings, scope ``inquiries:read``)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields
from sqlalchemy import select

from techmarket.api.auth import needs, require
from techmarket.api.conventions import cursor_page, json_response
from techmarket.api.openapi import ApiBlueprint
from techmarket.api.schemas import CursorArgs, CursorPageSchema
from techmarket.core.errors import NotFound
from techmarket.extensions import csrf, db
from techmarket.listings.models import InquiryThread, Listing
from techmarket.orgs.models import Membership, Organisation

bp = ApiBlueprint("api_orgs", __name__, title="Organisations",
                  description="Organisations (public facts) and inquiries.")
csrf.exempt(bp)
PUBLIC_STATUS = "verified"


class OrganisationSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    org_type = fields.String(required=True)
    credit_code = fields.String(allow_none=True)
    division_code = fields.String(allow_none=True)
    region_kind = fields.String(required=True)
    is_high_tech = fields.Boolean(required=True)
    is_tech_sme = fields.Boolean(required=True)


class OrganisationPageSchema(CursorPageSchema):
    items = fields.List(fields.Nested(OrganisationSchema), required=True)


class MessageSchema(Schema):
    from_owner = fields.Boolean(required=True)
    body = fields.String(required=True)
    created_at = fields.String(required=True)


class InquirySchema(Schema):
    id = fields.Integer(required=True)
    listing_id = fields.Integer(required=True)
    listing_title = fields.String(required=True)
    from_organisation = fields.Nested(Schema.from_dict({"id": fields.Integer(), "name": fields.String()}),
                                      required=True)
    last_message_at = fields.String(required=True)
    messages = fields.List(fields.Nested(MessageSchema), required=True)


class InquiryPageSchema(CursorPageSchema):
    items = fields.List(fields.Nested(InquirySchema), required=True)


def present(org: Organisation) -> dict[str, Any]:
    return {"id": org.id, "name": org.name, "org_type": org.org_type, "credit_code": org.credit_code,
            "division_code": org.division_code, "region_kind": org.region_kind, "is_high_tech": org.is_high_tech,
            "is_tech_sme": org.is_tech_sme}


@bp.route("/organisations", methods=["GET"])
@bp.arguments(CursorArgs, location="query")
@bp.response(200, OrganisationPageSchema)
def index(args: dict[str, Any]) -> Response:
    """Verified organisations, newest first."""
    stmt = select(Organisation).where(Organisation.status == PUBLIC_STATUS)
    rows, nxt = cursor_page(db.session, stmt, Organisation.id, args["cursor"], args["limit"])
    return json_response({"items": [present(o) for o in rows], "next_cursor": nxt})


@bp.route("/organisations/<int:org_id>", methods=["GET"])
@bp.response(200, OrganisationSchema)
def detail(org_id: int) -> Response:
    """A verified organisation's public facts."""
    org = db.session.get(Organisation, org_id)
    if org is None or org.status != PUBLIC_STATUS:
        raise NotFound(_l("There is no such organisation."))
    return json_response(present(org))


@bp.route("/inquiries", methods=["GET"])
@needs("inquiries:read")
@bp.arguments(CursorArgs, location="query")
@bp.response(200, InquiryPageSchema)
@bp.doc(security=[{"token": []}], description="Scope `inquiries:read`: inquiries received about the listings of "
                                              "the token's organisations, newest first.")
def inquiries(args: dict[str, Any]) -> Response:
    token = require("inquiries:read")
    if token.organisation_id is not None:
        orgs: Any = [token.organisation_id]
    else:
        orgs = select(Membership.organisation_id).where(Membership.user_id == token.user_id)
    stmt = select(InquiryThread).join(Listing, Listing.id == InquiryThread.listing_id) \
        .where(Listing.organisation_id.in_(orgs))
    rows, nxt = cursor_page(db.session, stmt, InquiryThread.id, args["cursor"], args["limit"])
    return json_response({"items": [{"id": t.id, "listing_id": t.listing_id, "listing_title": t.listing.title,
                       "from_organisation": {"id": t.organisation_id, "name": t.organisation.name},
                       "last_message_at": t.last_message_at.isoformat(),
                       "messages": [{"from_owner": m.from_owner, "body": m.body,
                                     "created_at": m.created_at.isoformat()} for m in t.messages]}
                      for t in rows], "next_cursor": nxt})
