"""``/api/v1/listings/{id}/suggestions``: the matching suggestions for a listing (demand <-> achievement), as the
caller may see them, with the reasons of each score."""

from __future__ import annotations

from flask import Response
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields

from techmarket.api.auth import current_actor
from techmarket.api.conventions import json_response
from techmarket.api.listings import ListingSchema, present
from techmarket.api.openapi import ApiBlueprint
from techmarket.core.components import component
from techmarket.core.errors import NotFound
from techmarket.extensions import csrf, db
from techmarket.listings.models import Listing
from techmarket.listings.visibility import viewer_for
from techmarket.matching.recommend import cached_matches
from techmarket.search.service import SearchService

bp = ApiBlueprint("api_matching", __name__, title="Matching",
                  description="Matching suggestions between demands and achievements.")
csrf.exempt(bp)


class ReasonSchema(Schema):
    kind = fields.String(required=True)
    values = fields.List(fields.String(), required=True)


class SuggestionSchema(Schema):
    score = fields.Float(required=True)
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)
    details_hidden = fields.Boolean(required=True)
    listing = fields.Nested(ListingSchema, required=True)


class SuggestionsSchema(Schema):
    listing_id = fields.Integer(required=True)
    suggestions = fields.List(fields.Nested(SuggestionSchema), required=True)


@bp.route("/listings/<int:listing_id>/suggestions", methods=["GET"])
@bp.response(200, SuggestionsSchema)
def suggestions(listing_id: int) -> Response:
    """Listings of the other kind that fit this one, best first (published listings; a draft for its owners)."""
    viewer = viewer_for(db.session, current_actor())
    listing = db.session.get(Listing, listing_id)
    if listing is None or not viewer.may_open(listing):
        raise NotFound(_l("There is no such listing."))
    found = cached_matches(db.session, component(SearchService), viewer, listing)
    return json_response({"listing_id": listing.id, "suggestions": [
        {"score": round(float(match.score), 4),
         "reasons": [{"kind": r.kind, "values": [str(v) for v in r.values]} for r in match.reasons],
         "details_hidden": hidden, "listing": present(cand, viewer)} for cand, match, hidden in found]})
