"""``/api/v1/auctions``: public auctions (list, detail, the polled status) and bidding (scope ``auctions:bid``).

Bidders appear by their pseudonym only (竞买人 A7), never by name; a sealed auction's bids stay hidden until the
close, as on the web. A bid goes through the bidding service with the request's ``Idempotency-Key`` as the
bid's key: a retried request lands once and answers the first bid again.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask import Response, request
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from techmarket.api import tokens
from techmarket.api.auth import needs, require
from techmarket.api.conventions import cursor_page, json_response
from techmarket.api.openapi import ApiBlueprint
from techmarket.api.schemas import CursorArgs, CursorPageSchema
from techmarket.core.clock import utcnow
from techmarket.core.errors import NotFound, PermissionDenied, ValidationFailed
from techmarket.extensions import csrf, db
from techmarket.trading.auctions import bidding, closing, queries
from techmarket.trading.auctions.models import Auction, Bid

bp = ApiBlueprint("api_auctions", __name__, title="Auctions",
                  description="Online auctions (拍卖): public facts and bidding.")
csrf.exempt(bp)
BID: list[dict[str, list[str]]] = [{"token": []}]
SHOWN_BIDS = 50
CENT = Decimal("0.01")


class AuctionArgs(CursorArgs):
    status = fields.String(validate=validate.OneOf([str(s) for s in queries.PUBLIC]))


class BidSchema(Schema):
    id = fields.Integer(required=True)
    bidder = fields.String(required=True, metadata={"description": "the bidder's pseudonym"})
    amount = fields.String(required=True)
    at = fields.String(required=True)


class AuctionSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    mode = fields.String(required=True, metadata={"description": "english, sealed or reverse"})
    trade_mode = fields.String(required=True)
    listing = fields.Nested(Schema.from_dict({"id": fields.Integer(), "title": fields.String()}, name="AuctionListing"),
                            required=True)
    seller = fields.Nested(Schema.from_dict({"id": fields.Integer(), "name": fields.String()}, name="AuctionSeller"),
                           required=True)
    start_price = fields.String(required=True)
    increment = fields.String(required=True)
    deposit_amount = fields.String(required=True)
    starts_at = fields.String(required=True)
    free_ends_at = fields.String(required=True)
    ends_at = fields.String(required=True)
    extensions = fields.Integer(required=True)
    bid_count = fields.Integer(required=True)
    high = fields.String(allow_none=True)
    high_bidder = fields.String(allow_none=True)
    final_amount = fields.String(allow_none=True)
    closed_at = fields.String(allow_none=True)
    publicity_until = fields.String(allow_none=True)
    bidders = fields.List(fields.String(), metadata={"description": "pseudonyms of the registered bidders"})
    bids = fields.List(fields.Nested(BidSchema), metadata={"description": "the latest 50; sealed: after the close"})


class AuctionPageSchema(CursorPageSchema):
    items = fields.List(fields.Nested(AuctionSchema), required=True)


class StatusSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)
    bid_count = fields.Integer(required=True)
    high = fields.String(allow_none=True)
    high_bidder = fields.String(allow_none=True)
    starts_at = fields.String(required=True)
    free_ends_at = fields.String(required=True)
    ends_at = fields.String(required=True)
    extensions = fields.Integer(required=True)
    quick_bids = fields.List(fields.List(fields.Raw()), required=True)
    server_time = fields.String(required=True)
    etag = fields.String(required=True)


class BidArgs(Schema):
    amount = fields.String(required=True, validate=validate.Regexp(r"^\d{1,13}(\.\d{1,2})?$",
                                                                  error="An amount in yuan, such as 105000."),
                           metadata={"description": "yuan, up to two decimals"})


class PlacedSchema(Schema):
    bid = fields.Nested(BidSchema, required=True)
    repeated = fields.Boolean(required=True, metadata={"description": "the same Idempotency-Key came again"})
    extended = fields.Boolean(required=True, metadata={"description": "the bid moved the end (anti-sniping)"})
    auction = fields.Nested(StatusSchema, required=True)


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def present(auction: Auction, *, detail: bool = False) -> dict[str, Any]:
    state = queries.status(db.session, auction, utcnow())
    body: dict[str, Any] = {
        "id": auction.id, "status": auction.status, "mode": auction.mode, "trade_mode": auction.trade_mode,
        "listing": {"id": auction.listing_id, "title": auction.listing.title},
        "seller": {"id": auction.seller_org_id, "name": auction.seller_org.name},
        "start_price": str(auction.start_price), "increment": str(auction.increment),
        "deposit_amount": str(auction.deposit_amount), "starts_at": auction.starts_at.isoformat(),
        "free_ends_at": auction.free_ends_at.isoformat(), "ends_at": auction.ends_at.isoformat(),
        "extensions": auction.extensions, "bid_count": auction.bid_count, "high": state["high"],
        "high_bidder": state["high_bidder"],
        "final_amount": str(auction.final_amount) if auction.final_amount is not None else None,
        "closed_at": _iso(auction.closed_at), "publicity_until": _iso(auction.publicity_until)}
    if detail:
        body["bidders"] = [b.pseudonym for b in auction.bidders]
        body["bids"] = []
        if queries.bid_history_visible(auction):
            bids = db.session.scalars(queries.bids_of(auction).limit(SHOWN_BIDS)).all()
            body["bids"] = [_bid(b) for b in bids]
    return body


def _bid(bid: Bid) -> dict[str, Any]:
    return {"id": bid.id, "bidder": bid.bidder.pseudonym, "amount": str(bid.amount), "at": bid.at.isoformat()}


def visible(auction_id: int) -> Auction:
    """A public auction (a draft or a refused one is not), moved on first when its start or end has come."""
    auction = db.session.get(Auction, auction_id)
    if auction is None or auction.status not in queries.PUBLIC:
        raise NotFound(_l("There is no such auction."))
    if closing.refresh(db.session, auction, utcnow()):
        db.session.commit()
    return auction


@bp.route("/auctions", methods=["GET"])
@bp.arguments(AuctionArgs, location="query")
@bp.response(200, AuctionPageSchema)
def index(args: dict[str, Any]) -> Response:
    """Public auctions, newest first (`status` narrows to one state)."""
    shown = [str(s) for s in queries.PUBLIC if args.get("status") in (None, "", s)]
    stmt = select(Auction).where(Auction.status.in_(shown))
    rows, nxt = cursor_page(db.session, stmt, Auction.id, args["cursor"], args["limit"])
    return json_response({"items": [present(a) for a in rows], "next_cursor": nxt})


@bp.route("/auctions/<int:auction_id>", methods=["GET"])
@bp.response(200, AuctionSchema)
def detail(auction_id: int) -> Response:
    """One auction with its bidders' pseudonyms and the latest bids (a sealed auction's after the close)."""
    return json_response(present(visible(auction_id), detail=True))


@bp.route("/auctions/<int:auction_id>/status", methods=["GET"])
@bp.response(200, StatusSchema)
def status(auction_id: int) -> Response:
    """The small status the web page polls (poll with If-None-Match: 304 while nothing changed)."""
    auction = visible(auction_id)
    return json_response(_status(auction))


def _status(auction: Auction) -> dict[str, Any]:
    body = queries.status(db.session, auction, utcnow())
    return body | {"quick_bids": [list(q) for q in body["quick_bids"]]}


@bp.route("/auctions/<int:auction_id>/bids", methods=["POST"])
@needs("auctions:bid")
@bp.arguments(BidArgs)
@bp.response(201, PlacedSchema)
@bp.alt_response(200, schema=PlacedSchema, description="The same Idempotency-Key again: the first bid.")
@bp.doc(security=BID, parameters=[{"in": "header", "name": "Idempotency-Key", "required": True,
                                    "schema": {"type": "string", "minLength": 1, "maxLength": 64},
                                    "description": "one per bid: a retry with the same key lands once"}],
        description="Scope `auctions:bid`. The token's organisation must be a qualified bidder with the agreement "
                    "accepted and the deposit secured; refusals are the web's, in the error envelope. A repeated "
                    "Idempotency-Key answers 200 with the first bid.")
def place(body: dict[str, Any], auction_id: int) -> Response:
    token = require("auctions:bid")
    actor = tokens.actor_of(token)
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 64:
        raise ValidationFailed(_l("Send an Idempotency-Key header of 1 to 64 characters, one per bid."),
                               field_errors={"Idempotency-Key": {"code": "required",
                                                                 "message": str(_l("One per bid."))}})
    auction = visible(auction_id)
    if token.organisation_id is not None:
        bidder = bidding.may_bid(db.session, actor, auction)
        if bidder.organisation_id != token.organisation_id:
            raise PermissionDenied(_l("This token's organisation is not a bidder in this auction."))
    placed = bidding.place(db.session, actor, auction.id, Decimal(body["amount"]).quantize(CENT), key)
    db.session.commit()
    fresh = db.session.get(Auction, auction.id)
    assert fresh is not None
    return json_response({"bid": _bid(placed.bid), "repeated": placed.repeated, "extended": placed.extended,
                          "auction": _status(fresh)}, 200 if placed.repeated else 201)
