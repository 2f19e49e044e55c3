"""What the listing pages share: who is looking, paging, loading a listing and the viewer in front of it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, request
from flask_login import current_user

from techmarket.accounts.services import actor_for
from techmarket.core.actor import ANONYMOUS, Actor
from techmarket.core.pagination import clamp
from techmarket.extensions import db
from techmarket.listings import visibility
from techmarket.listings.models import Listing


def actor() -> Actor:
    return actor_for(current_user) if current_user.is_authenticated else ANONYMOUS


def paging() -> tuple[int, int]:
    from_config = int(current_app.config.get("PER_PAGE", 20))
    return clamp(request.args.get("page"), request.args.get("per_page"), from_config)


def get_listing(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        abort(404)
    return listing


@dataclass(frozen=True)
class Viewer:
    """The visibility policy's viewer in front of one listing, as the pages and templates ask it."""

    policy: visibility.Viewer
    listing: Listing

    @classmethod
    def of(cls, listing: Listing) -> Viewer:
        return cls(visibility.viewer_for(db.session, actor()), listing)

    @property
    def user_id(self) -> int | None:
        return self.policy.user_id

    @property
    def member(self) -> bool:  # of the owning organisation
        return self.policy.is_member(self.listing)

    @property
    def operator(self) -> bool:
        return self.policy.operator

    @property
    def verified(self) -> bool:  # belongs to some verified organisation
        return self.policy.verified

    def may_open(self, listing: Listing) -> bool:
        return self.policy.may_open(listing)

    def sees_details(self, listing: Listing) -> bool:
        return self.policy.sees_details(listing)

    @property
    def sees_contact(self) -> bool:
        return self.policy.sees_contact(self.listing)


def visible_listing(listing_id: int) -> tuple[Listing, Viewer]:
    """The listing and its viewer; 404 for a listing that is not public to a stranger."""
    listing = get_listing(listing_id)
    viewer = Viewer.of(listing)
    if not viewer.may_open(listing):
        abort(404)
    return listing, viewer
