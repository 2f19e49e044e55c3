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
from techmarket.listings.visibility import is_confidential
from techmarket.matching import profiles
from techmarket.matching.items import NewItem
from techmarket.matching.regions import NEIGHBOURS
from techmarket.matching.scoring import CorpusStats, rank
from techmarket.search.service import SearchService

KIND = "listing"
SEARCH_WINDOW = 200  # the newest hits of a saved search looked at per run
# A new achievement is sent to a demand's owners when it scores this much for the demand, text alone at least
# TEXT_SCORE: stricter than the console's "good match" bar, since the structured facts (same field, 盟市, mode)
# alone come near that bar and an alert must be worth reading.
ALERT_SCORE = 0.5
TEXT_SCORE = 0.1


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

    def matched_demands(self, session: Session, search: SearchService, items: list[NewItem], demand_ids: set[int]
                        ) -> dict[int, set[int]]:
        """Each of the demands whose new achievements score at least :data:`ALERT_SCORE` for it: the matcher's
        pure scorer over the day's new achievements, with the document frequencies the recommendations use."""
        ids = [i.id for i in items if i.subkind == Kind.ACHIEVEMENT.value]
        if not ids or not demand_ids:
            return {}
        found = session.scalars(_public(session).where(Listing.id.in_(ids))).all()  # type: ignore[attr-defined]
        candidates = [profiles.profile_of(a, details=True) for a in found]
        if not candidates:
            return {}
        average = sum(c.length for c in candidates) / len(candidates)
        demands = session.scalars(_public(session).where(  # type: ignore[attr-defined]
            Listing.id.in_(sorted(demand_ids)), Listing.kind == Kind.DEMAND.value))
        out: dict[int, set[int]] = {}
        for demand in demands:
            query = profiles.query_profile(profiles.profile_of(demand, details=True), demand.title)
            documents, df = profiles.document_frequencies(session, search, Kind.ACHIEVEMENT.value, query.terms)
            stats = CorpusStats(documents=max(documents, len(candidates)), average_length=average, df=df)
            ranked = rank(query, candidates, stats, query_is_demand=True, neighbours=NEIGHBOURS,
                          limit=len(candidates))
            good = {m.candidate_id for m in ranked if m.score >= ALERT_SCORE and m.text_score >= TEXT_SCORE}
            if good:
                out[demand.id] = good
        return out
