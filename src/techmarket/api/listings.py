"""``/api/v1/listings``: read with the listing visibility policy; create, edit and submit for the token's
organisation through the same services and moderation as the web pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Response, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from techmarket.api import tokens
from techmarket.api.auth import current_actor, current_token, needs, require
from techmarket.api.conventions import cursor_page, json_response
from techmarket.api.openapi import ApiBlueprint
from techmarket.api.schemas import CursorArgs, CursorPageSchema
from techmarket.core.db import get_or_not_found
from techmarket.core.errors import NotFound, ValidationFailed
from techmarket.extensions import csrf, db
from techmarket.listings import services
from techmarket.listings.constants import MAX_AMOUNT, Kind, Status
from techmarket.listings.data import IPItemData, ListingData, parse_amount
from techmarket.listings.models import Listing
from techmarket.listings.visibility import Viewer, viewer_for

bp = ApiBlueprint("api_listings", __name__, title="Listings",
                  description="Achievements (科技成果) and demands (技术需求).")
csrf.exempt(bp)
WRITE: list[dict[str, list[str]]] = [{"token": []}]

_TEXT = ("title", "summary", "description", "division_code", "contact_name", "contact_phone", "contact_email",
         "team", "maturity", "advantages", "expected_benefit", "approval_document", "application_industries",
         "technical_targets", "confidentiality")


class ListingArgs(CursorArgs):
    kind = fields.String(validate=validate.OneOf([k.value for k in Kind]))
    mine = fields.Boolean(load_default=False, metadata={"description": "listings of the token's organisations, "
                                                                         "in any state"})


class IPItemSchema(Schema):
    ip_type = fields.String(required=True, validate=validate.Length(max=24))
    number = fields.String(load_default="", validate=validate.Length(max=40))
    status = fields.String(load_default="granted", validate=validate.Length(max=16))
    title = fields.String(load_default="", validate=validate.Length(max=200))


class ListingInSchema(Schema):
    """What a listing holds; checked by the listing rules (the same as the web form's)."""

    title = fields.String(required=True, validate=validate.Length(max=200))
    summary = fields.String(load_default="", validate=validate.Length(max=500))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    fields_ = fields.List(fields.String(validate=validate.Length(max=32)), data_key="fields", load_default=list,
                          validate=validate.Length(max=20))
    keywords = fields.List(fields.String(validate=validate.Length(max=50)), load_default=list,
                           validate=validate.Length(max=10))
    modes = fields.List(fields.String(validate=validate.Length(max=32)), load_default=list,
                        validate=validate.Length(max=10))
    division_code = fields.String(load_default="", validate=validate.Length(max=6))
    contact_name = fields.String(load_default="", validate=validate.Length(max=100))
    contact_phone = fields.String(load_default="", validate=validate.Length(max=32))
    contact_email = fields.String(load_default="", validate=validate.Length(max=254))
    valid_until = fields.Date(load_default=None, allow_none=True)
    negotiable = fields.Boolean(load_default=True)
    amount_min = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32),
                               metadata={"description": "yuan as a decimal string (\"500000\", \"50万\")"})
    amount_max = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    team = fields.String(load_default="", validate=validate.Length(max=2000))
    maturity = fields.String(load_default="", validate=validate.Length(max=24))
    trl = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 9))
    advantages = fields.String(load_default="", validate=validate.Length(max=5000))
    expected_benefit = fields.String(load_default="", validate=validate.Length(max=5000))
    fiscal_funded = fields.Boolean(load_default=False)
    approval_document = fields.String(load_default="", validate=validate.Length(max=200))
    application_industries = fields.String(load_default="", validate=validate.Length(max=500))
    ip_items = fields.List(fields.Nested(IPItemSchema), load_default=list, validate=validate.Length(max=20))
    technical_targets = fields.String(load_default="", validate=validate.Length(max=5000))
    deadline = fields.Date(load_default=None, allow_none=True)
    confidentiality = fields.String(load_default="public", validate=validate.OneOf(["public", "verified_only"]))


class ListingCreateSchema(ListingInSchema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in Kind]))
    organisation_id = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 2**31 - 1))
    submit = fields.Boolean(load_default=False, metadata={"description": "send it to moderation at once"})


class ListingUpdateSchema(ListingInSchema):
    submit = fields.Boolean(load_default=False)


class OrgRefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class ListingSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    status = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    description = fields.String(allow_none=True, metadata={"description": "null when the viewer may not see it"})
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields", required=True)
    modes = fields.List(fields.String(), required=True)
    keywords = fields.List(fields.String(), required=True)
    organisation = fields.Nested(OrgRefSchema, allow_none=True, required=True)
    division_code = fields.String(allow_none=True)
    negotiable = fields.Boolean(required=True)
    amount_min = fields.String(allow_none=True)
    amount_max = fields.String(allow_none=True)
    maturity = fields.String(allow_none=True)
    trl = fields.Integer(allow_none=True)
    valid_until = fields.String(allow_none=True)
    deadline = fields.String(allow_none=True)
    confidentiality = fields.String(required=True)
    contact = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True)
    return_reason = fields.String(allow_none=True)
    published_at = fields.String(allow_none=True)
    version = fields.Integer(required=True)
    url = fields.String(required=True)


class ListingPageSchema(CursorPageSchema):
    items = fields.List(fields.Nested(ListingSchema), required=True)


def present(listing: Listing, viewer: Viewer) -> dict[str, Any]:
    details = viewer.sees_details(listing)
    member = viewer.is_member(listing) or viewer.operator
    return {
        "id": listing.id, "kind": listing.kind, "status": listing.status, "title": listing.title,
        "summary": listing.summary, "description": listing.description if details else None,
        "fields": sorted(t.value for t in listing.tags if t.facet == "field"),
        "modes": sorted(t.value for t in listing.tags if t.facet == "mode"),
        "keywords": list(listing.keywords or []),
        "organisation": {"id": listing.organisation_id, "name": listing.organisation.name} if details else None,
        "division_code": listing.division_code, "negotiable": listing.negotiable,
        "amount_min": str(listing.amount_min) if listing.amount_min is not None else None,
        "amount_max": str(listing.amount_max) if listing.amount_max is not None else None,
        "maturity": listing.maturity, "trl": listing.trl,
        "valid_until": listing.valid_until.isoformat() if listing.valid_until else None,
        "deadline": listing.deadline.isoformat() if listing.deadline else None,
        "confidentiality": listing.confidentiality,
        "contact": ({"name": listing.contact_name, "phone": listing.contact_phone, "email": listing.contact_email}
                    if viewer.sees_contact(listing) and details else None),
        "return_reason": listing.return_reason if member else None,
        "published_at": listing.published_at.isoformat() if listing.published_at else None,
        "version": listing.version,
        "url": url_for("listings.detail", listing_id=listing.id, _external=True),
    }


def _amount(body: dict[str, Any], name: str) -> Decimal | None:
    try:
        value = parse_amount(body[name])
    except ValueError:
        value = Decimal(-1)
    if value is not None and not Decimal(0) <= value <= MAX_AMOUNT:
        raise ValidationFailed(_l("Please correct the marked fields."),
                               field_errors={name: {"code": "invalid",
                                                    "message": str(_l("An amount in yuan, such as 500000 or 50万."))}})
    return value


def _data(body: dict[str, Any]) -> ListingData:
    values = {k: body[k] for k in _TEXT}
    return ListingData(**values, fields=list(body["fields_"]), keywords=list(body["keywords"]),
                       modes=list(body["modes"]), valid_until=body["valid_until"], negotiable=body["negotiable"],
                       amount_min=_amount(body, "amount_min"), amount_max=_amount(body, "amount_max"), trl=body["trl"],
                       fiscal_funded=body["fiscal_funded"], deadline=body["deadline"],
                       ip_items=[IPItemData(**i) for i in body["ip_items"]])


def _viewer() -> Viewer:
    return viewer_for(db.session, current_actor())


def _visible(listing_id: int, viewer: Viewer) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None or not viewer.may_open(listing):
        raise NotFound(_l("There is no such listing."))
    return listing


@bp.route("/listings", methods=["GET"])
@bp.arguments(ListingArgs, location="query")
@bp.response(200, ListingPageSchema)
def index(args: dict[str, Any]) -> Response:
    """Published listings, newest first; `mine=true` (with a token): the token's organisations' in any state."""
    viewer = _viewer()
    stmt = select(Listing)
    if args["mine"]:
        token = current_token()
        orgs: set[int] = set()
        if token is not None:
            orgs = {token.organisation_id} if token.organisation_id else set(viewer.member_of)
        stmt = stmt.where(Listing.organisation_id.in_(orgs))
    else:
        stmt = stmt.where(Listing.status == Status.PUBLISHED.value)
    if args.get("kind"):
        stmt = stmt.where(Listing.kind == args["kind"])
    rows, nxt = cursor_page(db.session, stmt, Listing.id, args["cursor"], args["limit"])
    return json_response({"items": [present(r, viewer) for r in rows], "next_cursor": nxt})


@bp.route("/listings/<int:listing_id>", methods=["GET"])
@bp.response(200, ListingSchema)
def detail(listing_id: int) -> Response:
    """One listing as the caller may see it (unpublished ones only for their organisation)."""
    viewer = _viewer()
    return json_response(present(_visible(listing_id, viewer), viewer))


@bp.route("/listings", methods=["POST"])
@needs("listings:write")
@bp.arguments(ListingCreateSchema)
@bp.response(201, ListingSchema)
@bp.doc(security=WRITE, description="Scope `listings:write`. A draft, or submitted to moderation with "
                                    "`submit: true`; the webhooks tell when it is published or returned.")
def create(body: dict[str, Any]) -> Response:
    token = require("listings:write")
    actor = tokens.actor_of(token)
    org = tokens.organisation_of(db.session, token, body["organisation_id"])
    listing = services.create(db.session, actor, org, Kind(body["kind"]), _data(body))
    if body["submit"]:
        services.transition(db.session, actor, listing, "submit")
    db.session.commit()
    return json_response(present(listing, viewer_for(db.session, actor)), 201)


@bp.route("/listings/<int:listing_id>", methods=["PUT"])
@needs("listings:write")
@bp.arguments(ListingUpdateSchema)
@bp.response(200, ListingSchema)
@bp.doc(security=WRITE, description="Scope `listings:write`. Edits a draft or returned listing in place; for a "
                                    "published one, proposes a revision to the operator.")
def replace(body: dict[str, Any], listing_id: int) -> Response:
    token = require("listings:write")
    actor = tokens.actor_of(token)
    listing = get_or_not_found(db.session, Listing, listing_id, _l("There is no such listing."))
    if token.organisation_id not in (None, listing.organisation_id):
        raise NotFound(_l("There is no such listing."))
    services.update(db.session, actor, listing, _data(body))
    if body["submit"]:
        services.transition(db.session, actor, listing, "submit")
    db.session.commit()
    return json_response(present(listing, viewer_for(db.session, actor)))
