"""Recommendations: the listings of the other kind that best fit one listing, with the reasons, as one viewer
may see them. Candidates come from the search service (any backend), the pure scorer re-ranks them."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload, selectinload

from techmarket.listings.constants import Kind, Status
from techmarket.listings.models import Listing
from techmarket.listings.visibility import Viewer
from techmarket.matching import profiles
from techmarket.matching.regions import NEIGHBOURS
from techmarket.matching.scoring import CorpusStats, Match, Weights, rank
from techmarket.search.documents import SearchQuery, Term
from techmarket.search.highlight import highlight
from techmarket.search.service import SearchService
from techmarket.search.tokenizer import TOKENIZER

LIMIT = 10
POOL = 100  # candidates asked from search, re-ranked here
SEARCH_TERMS = 12
SUMMARY_WINDOW = 120


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


def _search_terms(query_terms: dict[str, int]) -> list[Term]:
    ordered = sorted(query_terms.items(), key=lambda kv: -kv[1])
    words = [t for t, _n in ordered if len(t) > 1][:SEARCH_TERMS]
    return [Term(alternatives=TOKENIZER.expand(w), text=w) for w in words]


def candidates(session: Session, search: SearchService, kind: str, query_terms: dict[str, int],
               pool: int = POOL) -> list[Listing]:
    """Up to ``pool`` published listings of ``kind`` that share terms with the query, in search order."""
    terms = _search_terms(query_terms)
    if not terms:
        return []
    result = search.search(session, SearchQuery(terms=terms, filters={"kind": [kind]}, per_page=pool,
                                                match_any=True, with_facets=False))
    ids = [h.object_id for h in result.hits]
    if not ids:
        return []
    rows = session.scalars(select(Listing).where(Listing.id.in_(ids), Listing.status == Status.PUBLISHED)
                           .options(selectinload(Listing.tags), lazyload(Listing.ip_items),
                                    lazyload(Listing.attachments)))
    by_id = {r.id: r for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def matches_for(session: Session, search: SearchService, viewer: Viewer, listing: Listing, *,
                limit: int = LIMIT, pool: int = POOL, weights: Weights | None = None
                ) -> list[tuple[Listing, Match, bool]]:
    """The best ``limit`` listings of the other kind for ``listing`` as ``viewer`` may see them:
    (candidate, match, candidate details hidden)."""
    source = profiles.query_profile(profiles.profile_of(listing, details=viewer.sees_details(listing)),
                                    listing.title)
    kind = other_kind(listing)
    found = [c for c in candidates(session, search, kind, dict(source.terms), pool)
             if c.id != listing.id and viewer.may_open(c)]
    hidden = {c.id: not viewer.sees_details(c) for c in found}
    cand_profiles = [profiles.profile_of(c, details=not hidden[c.id]) for c in found]
    documents, df = profiles.document_frequencies(session, search, kind, source.terms)
    lengths = [p.length for p in cand_profiles]
    stats = CorpusStats(documents=max(documents, len(found)),
                        average_length=sum(lengths) / len(lengths) if lengths else 1.0, df=df)
    ranked = rank(source, cand_profiles, stats, query_is_demand=listing.kind == Kind.DEMAND.value,
                  neighbours=NEIGHBOURS, limit=limit, **({"weights": weights} if weights else {}))
    by_id = {c.id: c for c in found}
    return [(by_id[m.candidate_id], m, hidden[m.candidate_id]) for m in ranked]


def recommend(session: Session, search: SearchService, viewer: Viewer, listing: Listing, *,
              limit: int = LIMIT) -> Recommendations:
    """What the detail page and the owner's page show: the suggestions, highlighted."""
    found = matches_for(session, search, viewer, listing, limit=limit)
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
