"""Listings as new items for alerts: saved searches run through the search service (any backend), new matches
for demands through the matcher."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload, selectinload
from werkzeug.datastructures import MultiDict

from techmarket.listings import searching
from techmarket.listings.constants import Kind, Status
from techmarket.listings.models import Listing
from techmarket.listings.search_index import to_document
from techmarket.listings.visibility import Viewer, is_confidential
from techmarket.matching.items import NewItem
from techmarket.matching.queries import GOOD_SCORE
from techmarket.matching.recommend import matches_for
from techmarket.search.service import SearchService

KIND = "listing"
SEARCH_WINDOW = 200  # the newest hits of a saved search looked at per run
DEMAND_POOL = 30  # the best demands of a new achievement looked at
SYSTEM = Viewer(None, frozenset(), True, True)  # sees every demand: the alert goes to the demand's own owners


def item_of(listing: Listing) -> NewItem:
    hidden = is_confidential(listing)
    return NewItem(kind=KIND, id=listing.id, title=listing.title, text=to_document(listing).body,
                   fields=frozenset(listing.fields), region=listing.prefecture_code,
                   org_id=None if hidden else listing.organisation_id, published_at=listing.published_at,
                   subkind=listing.kind, endpoint="listings.detail", endpoint_args={"listing_id": listing.id})


def _public(session: Session) -> object:
    return (select(Listing).where(Listing.status == Status.PUBLISHED)
            .options(selectinload(Listing.tags), selectinload(Listing.ip_items), lazyload(Listing.attachments)))


class ListingSource:
    kind = KIND

    def new_items(self, session: Session, since: dt.datetime, until: dt.datetime) -> list[NewItem]:
        rows = session.scalars(_public(session).where(Listing.published_at >= since,  # type: ignore[attr-defined]
                                                      Listing.published_at < until).order_by(Listing.id))
        return [item_of(r) for r in rows]

    def item(self, session: Session, item_id: int) -> NewItem | None:
        row = session.scalar(_public(session).where(Listing.id == item_id))  # type: ignore[attr-defined]
        return item_of(row) if row is not None else None

    def search_hits(self, session: Session, search: SearchService, query: list[list[str]], since: dt.datetime,
                    ids: set[int]) -> set[int]:
        params = searching.parse(MultiDict([(str(k), str(v)) for k, v in query]))
        if params.nothing_searchable or not ids:
            return set()
        q = params.query
        posted_from = max(q.posted_from, since.date()) if q.posted_from else since.date()
        result = search.search(session, replace(q, posted_from=posted_from, sort="newest", page=1,
                                                per_page=SEARCH_WINDOW, with_facets=False))
        if result.match_any and not q.match_any:  # the search page's "any word" fallback: not what was saved
            return set()
        return {h.object_id for h in result.hits} & ids

    def matched_demands(self, session: Session, search: SearchService, item: NewItem) -> dict[int, float]:
        if item.subkind != Kind.ACHIEVEMENT.value:
            return {}
        listing = session.get(Listing, item.id)
        if listing is None or listing.status != Status.PUBLISHED:
            return {}
        found = matches_for(session, search, SYSTEM, listing, limit=DEMAND_POOL)
        return {demand.id: match.score for demand, match, _hidden in found if match.score >= GOOD_SCORE}
