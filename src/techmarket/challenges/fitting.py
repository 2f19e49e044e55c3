"""Open 揭榜挂帅 calls that fit a technology achievement (issue 13: "for every achievement: the best demands, and
the open calls"). Candidates come from the search service (documents of type ``challenge``, any backend) by the
achievement's most telling terms, the same profile the matching of listings uses. A call fits when its public
text shares at least two of those terms, or one and the achievement's field; the more shared (a shared field
counts as two), the higher, then by the search's relevance. Only calls taking applications now are shown.

Here, above both, rather than in ``matching``: matching sits below challenges in the layer order, so the calls'
side reads matching's profiles and offers the panel piece (a template global the matching panel asks for).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.challenges.models import Call
from techmarket.challenges.queries import open_now
from techmarket.challenges.search_index import DOC_TYPE
from techmarket.core.microcache import TTLCache
from techmarket.listings.constants import Kind
from techmarket.listings.models import Listing
from techmarket.matching.profiles import document_frequencies, profile_of, query_profile
from techmarket.search.documents import SearchQuery, Term
from techmarket.search.highlight import highlight
from techmarket.search.service import SearchService
from techmarket.search.tokenizer import TOKENIZER

LIMIT = 5
POOL = 50  # candidates asked from search
SEARCH_TERMS = 12
COMMON_SHARE = 10  # a term held by 1/COMMON_SHARE of the achievements or more is too common to tell
COMMON_FLOOR = 3  # ...but in a small market every term counts
MIN_SHARED = 2  # shared terms a call needs, a shared field counting as one
FIELD_WEIGHT = 2
CACHE_SECONDS = 120

Ranked = list[tuple[int, bool, tuple[str, ...]]]  # call id, same field, shared terms
_ranked: TTLCache[Ranked] = TTLCache(ttl_seconds=CACHE_SECONDS, max_entries=5000)


@dataclass(frozen=True)
class FittingCall:
    call: Call
    same_field: bool
    shared: tuple[str, ...]  # the achievement's terms the call's public text holds
    title: Markup  # highlighted with them


def _rank(session: Session, search: SearchService, listing: Listing, details: bool, limit: int) -> Ranked:
    profile = query_profile(profile_of(listing, details=details), listing.title)
    documents, df = document_frequencies(session, search, Kind.ACHIEVEMENT.value, profile.terms)
    common = max(COMMON_FLOOR, documents // COMMON_SHARE)
    words = sorted((t for t in profile.terms if len(t) > 1 and df.get(t, 0) <= common),
                   key=lambda t: (-profile.terms[t], t))[:SEARCH_TERMS]
    if not words:
        return []
    result = search.search(session, SearchQuery(terms=[Term(alternatives=TOKENIZER.expand(w), text=w) for w in words],
                                                doc_type=DOC_TYPE, per_page=POOL, match_any=True, with_facets=False))
    order = {h.object_id: n for n, h in enumerate(result.hits)}
    if not order:
        return []
    calls = session.scalars(select(Call).where(Call.id.in_(list(order)), open_now())).all()
    fields = set(profile.fields)
    out = []
    for call in calls:
        text = set(TOKENIZER.tokens(" ".join([call.title, call.public_summary or "", call.problem or ""])))
        shared = tuple(w for w in words if w in text)
        same_field = call.field in fields
        if shared and len(shared) + same_field >= MIN_SHARED:
            out.append((call.id, same_field, shared))
    out.sort(key=lambda r: (-(len(r[2]) + FIELD_WEIGHT * r[1]), order[r[0]]))
    return out[:limit]


def fitting_calls(session: Session, search: SearchService, listing: Listing, *, details: bool,
                  limit: int = LIMIT) -> list[FittingCall]:
    """The open calls that fit ``listing`` (an achievement; nothing for a demand), best first. The ranking is
    kept :data:`CACHE_SECONDS` per listing version; a call that closed meanwhile is left out at once."""
    if listing.kind != Kind.ACHIEVEMENT.value:
        return []
    key = (listing.id, listing.version, details, limit)
    ranked = _ranked.get(key)
    if ranked is None:
        ranked = _rank(session, search, listing, details, limit)
        _ranked.set(key, ranked)
    if not ranked:
        return []
    calls = {c.id: c for c in session.scalars(select(Call).where(Call.id.in_([r[0] for r in ranked]), open_now()))}
    return [FittingCall(calls[i], same, shared, highlight(calls[i].title, sorted(shared, key=len, reverse=True)))
            for i, same, shared in ranked if i in calls]


def forget() -> None:
    """Drop the cache (tests)."""
    _ranked._data.clear()
