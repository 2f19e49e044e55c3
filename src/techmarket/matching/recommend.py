"""Recommendations: the listings of the other kind that best fit one listing, with the reasons, as one viewer
may see them. Candidates come from the search service (any backend), the pure scorer re-ranks them."""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload, selectinload

from techmarket.core.microcache import TTLCache
from techmarket.listings.constants import Kind, Status
from techmarket.listings.models import Listing
from techmarket.listings.visibility import Viewer
from techmarket.matching import profiles
from techmarket.matching.regions import NEIGHBOURS
from techmarket.matching.scoring import CorpusStats, Match, Profile, Weights, rank
from techmarket.search.backend import SearchUnavailable
from techmarket.search.documents import SearchQuery, Term
from techmarket.search.highlight import highlight
from techmarket.search.service import SearchService
from techmarket.search.tokenizer import TOKENIZER

LIMIT = 10
POOL = 100  # candidates asked from search, re-ranked here
SEARCH_TERMS = 12
NARROW_TERMS = 3
COMMON_FROM = 1000  # listings of a kind from which terms held by half of them are left out of the search
NARROW_ENOUGH = 30  # candidates holding all the most telling terms that make the wider search unneeded
SUMMARY_WINDOW = 120
CACHE_SECONDS = 120

_results: TTLCache[list[tuple[Match, bool]]] = TTLCache(ttl_seconds=CACHE_SECONDS, max_entries=5000)


@dataclass(frozen=True)
class Suggestion:
    listing: Listing
    match: Match
    title: Markup  # highlighted with the shared terms
    summary: Markup
    details_hidden: bool  # a confidential demand this viewer sees only the public part of


@dataclass(frozen=True)
class Recommendations:
    source: Listing
    source_title: Markup  # the source's title with every shared term marked
    suggestions: list[Suggestion]


def other_kind(listing: Listing) -> str:
    return Kind.ACHIEVEMENT.value if listing.kind == Kind.DEMAND.value else Kind.DEMAND.value


def _search_terms(query_terms: dict[str, int], df: dict[str, int], documents: int) -> list[Term]:
    """The terms candidates are searched by: the query's most telling ones (frequent in it, rare in the corpus;
    terms held by more than half the corpus find nothing particular and cost the most to search)."""
    common = documents // 2 if documents >= COMMON_FROM else documents  # a small market keeps every term
    usable = [t for t in query_terms if len(t) > 1 and 0 < df.get(t, 0) <= max(common, 1)]
    ordered = sorted(usable, key=lambda t: (-query_terms[t] / math.log(2 + df[t]), t))
    return [Term(alternatives=TOKENIZER.expand(w), text=w) for w in ordered[:SEARCH_TERMS]]


@dataclass
class Candidate:
    """What choosing and scoring a candidate needs before its listing is loaded (the visibility policy's
    facts and the version its profile is cached under)."""

    id: int
    version: int
    kind: str
    status: str
    organisation_id: int
    confidentiality: str


def candidates(session: Session, search: SearchService, kind: str, terms: list[Term], pool: int = POOL
               ) -> list[Candidate]:
    """Up to ``pool`` published listings of ``kind`` that hold some of ``terms``, in search order."""
    if not terms:
        return []
    # Listings holding all of the few most telling terms are the best candidates and, in a large market, the
    # cheap search; only when they are too few does the wider search (any of the terms) gather the pool.
    result = None
    for k in range(min(NARROW_TERMS, len(terms) - 1), 1, -1):
        try:  # the configured backend as is: no OR fallback, and when it is down the wider search stands in
            narrow = search.primary(session).search(SearchQuery(terms=terms[:k], filters={"kind": [kind]},
                                                                per_page=pool, with_facets=False))
        except SearchUnavailable:
            break
        if len(narrow.hits) >= NARROW_ENOUGH:
            result = narrow
            break
    if result is None:
        result = search.search(session, SearchQuery(terms=terms, filters={"kind": [kind]}, per_page=pool,
                                                    match_any=True, with_facets=False))
    ids = [h.object_id for h in result.hits]
    if not ids:
        return []
    rows = session.execute(select(Listing.id, Listing.version, Listing.kind, Listing.status,
                                  Listing.organisation_id, Listing.confidentiality)
                           .where(Listing.id.in_(ids), Listing.status == Status.PUBLISHED))
    by_id = {r.id: Candidate(*r) for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def _load(session: Session, ids: list[int]) -> dict[int, Listing]:
    if not ids:
        return {}
    rows = session.scalars(select(Listing).where(Listing.id.in_(ids))
                           .options(selectinload(Listing.tags), lazyload(Listing.ip_items),
                                    lazyload(Listing.attachments)))
    return {r.id: r for r in rows}


def _profiles_of(session: Session, found: list[Candidate], hidden: dict[int, bool]) -> list[Profile]:
    """Each candidate's profile: from the cache (per listing version), else from its loaded listing."""
    out: dict[int, Profile] = {}
    for c in found:
        hit = profiles.cached(c.id, c.version, details=not hidden[c.id])
        if hit is not None:
            out[c.id] = hit
    for listing in _load(session, [c.id for c in found if c.id not in out]).values():
        out[listing.id] = profiles.profile_of(listing, details=not hidden[listing.id])
    return [out[c.id] for c in found if c.id in out]


def matches_for(session: Session, search: SearchService, viewer: Viewer, listing: Listing, *,
                limit: int = LIMIT, pool: int = POOL, weights: Weights | None = None
                ) -> list[tuple[Listing, Match, bool]]:
    """The best ``limit`` listings of the other kind for ``listing`` as ``viewer`` may see them:
    (candidate, match, candidate details hidden)."""
    source = profiles.query_profile(profiles.profile_of(listing, details=viewer.sees_details(listing)),
                                    listing.title)
    kind = other_kind(listing)
    documents, df = profiles.document_frequencies(session, search, kind, source.terms)
    terms = _search_terms(dict(source.terms), df, documents)
    found = [c for c in candidates(session, search, kind, terms, pool) if c.id != listing.id and viewer.may_open(c)]
    hidden = {c.id: not viewer.sees_details(c) for c in found}
    cand_profiles = _profiles_of(session, found, hidden)
    lengths = [p.length for p in cand_profiles]
    stats = CorpusStats(documents=max(documents, len(found)),
                        average_length=sum(lengths) / len(lengths) if lengths else 1.0, df=df)
    ranked = rank(source, cand_profiles, stats, query_is_demand=listing.kind == Kind.DEMAND.value,
                  neighbours=NEIGHBOURS, limit=limit, **({"weights": weights} if weights else {}))
    return _winners(session, [(m, hidden[m.candidate_id]) for m in ranked])


def _winners(session: Session, ranked: list[tuple[Match, bool]]) -> list[tuple[Listing, Match, bool]]:
    """The ranked matches with their listings, leaving out any that stopped being published."""
    loaded = _load(session, [m.candidate_id for m, _h in ranked])
    return [(row, m, hidden) for m, hidden in ranked
            if (row := loaded.get(m.candidate_id)) is not None and row.status == Status.PUBLISHED]


def _cache_key(viewer: Viewer, listing: Listing, limit: int) -> tuple[object, ...]:
    """Who sees the same suggestions: the listing's version, and what of confidential demands the viewer may
    read (everything for operators and verified organisations, their own organisations' otherwise)."""
    return (listing.id, listing.version, limit, viewer.operator or viewer.verified,
            viewer.member_of if not (viewer.operator or viewer.verified) else frozenset())


def cached_matches(session: Session, search: SearchService, viewer: Viewer, listing: Listing, *,
                   limit: int = LIMIT) -> list[tuple[Listing, Match, bool]]:
    """:func:`matches_for`, kept :data:`CACHE_SECONDS` per listing version and kind of viewer (a listing
    published meanwhile shows up at the latest that much later)."""
    key = _cache_key(viewer, listing, limit)
    hit = _results.get(key)
    if hit is not None:
        return _winners(session, hit)
    found = matches_for(session, search, viewer, listing, limit=limit)
    _results.set(key, [(m, hidden) for _l, m, hidden in found])
    return found


def forget() -> None:
    _results._data.clear()


def recommend(session: Session, search: SearchService, viewer: Viewer, listing: Listing, *,
              limit: int = LIMIT) -> Recommendations:
    """What the detail page and the owner's page show: the suggestions, highlighted."""
    found = cached_matches(session, search, viewer, listing, limit=limit)
    all_terms: set[str] = set()
    suggestions = []
    for cand, match, hidden in found:
        words = sorted(match.shared_terms, key=len, reverse=True)
        all_terms.update(words)
        suggestions.append(Suggestion(listing=cand, match=match, title=highlight(cand.title, words),
                                      summary=highlight(cand.summary or "", words, window=SUMMARY_WINDOW),
                                      details_hidden=hidden))
    return Recommendations(source=listing, source_title=highlight(listing.title,
                                                                  sorted(all_terms, key=len, reverse=True)),
                           suggestions=suggestions)
