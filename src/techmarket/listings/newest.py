"""The newest published listings anyone may read in full, as plain rows for the home page.

Rows rather than ORM objects: the home page keeps them for a few seconds across requests (``web/views.py``).
A demand whose details are for verified organisations only (``confidentiality == "verified_only"``) is left
out, so the same list can be shown to every visitor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.listings.constants import Kind, Status
from techmarket.listings.models import Listing
from techmarket.orgs.models import Division, Organisation

HOME_LIMIT = 5


@dataclass(frozen=True)
class NewListing:
    id: int
    kind: str
    title: str
    summary: str
    organisation: str
    region: str
    published_at: dt.datetime | None
    negotiable: bool
    amount_min: Decimal | None
    amount_max: Decimal | None


def newest(session: Session, kind: Kind | str, limit: int = HOME_LIMIT) -> list[NewListing]:
    """The ``limit`` most recently published public listings of ``kind``, newest first."""
    stmt = (select(Listing.id, Listing.kind, Listing.title, Listing.summary, Organisation.name.label("org"),
                   Division.name.label("region"), Listing.published_at, Listing.negotiable, Listing.amount_min,
                   Listing.amount_max)
            .join(Organisation, Organisation.id == Listing.organisation_id)
            .outerjoin(Division, Division.code == Listing.division_code)
            .where(Listing.kind == str(kind), Listing.status == Status.PUBLISHED.value,
                   Listing.confidentiality != "verified_only")
            .order_by(Listing.published_at.desc(), Listing.id.desc())
            .limit(limit))
    return [NewListing(r.id, r.kind, r.title, r.summary, r.org, r.region or "", r.published_at, r.negotiable,
                       r.amount_min, r.amount_max) for r in session.execute(stmt)]


def newest_by_kind(session: Session, limit: int = HOME_LIMIT) -> dict[str, list[NewListing]]:
    return {k.value: newest(session, k, limit) for k in Kind}
