"""Listings reduced to scoring profiles, cached per listing version, and the corpus figures scoring needs
(document frequencies counted by the search service, so they come from whichever backend is configured)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from techmarket.core.microcache import TTLCache
from techmarket.listings.models import Listing
from techmarket.matching.scoring import Profile, term_counts
from techmarket.search.documents import SearchQuery, Term
from techmarket.search.service import SearchService
from techmarket.search.tokenizer import TOKENIZER

MAX_QUERY_TERMS = 24
# BM25F-style field weights: a term in the title or the keywords says more about a listing than one in its text.
TITLE_BOOST = 2
KEYWORD_BOOST = 4  # the query listing's most frequent terms (its title's terms always among them)

_profiles: TTLCache[Profile] = TTLCache(ttl_seconds=3600, max_entries=200_000)
_df: TTLCache[int] = TTLCache(ttl_seconds=600, max_entries=100_000)


def public_parts(listing: Any) -> list[str]:
    """What anyone may read of a listing (the search index's public text of a confidential demand)."""
    return [listing.title, listing.summary or "", " ".join(listing.keywords or [])]


def detail_parts(listing: Any) -> list[str]:
    return [listing.description or "", listing.technical_targets or "", listing.advantages or "",
            listing.application_industries or ""]


def cached(listing_id: int, version: int, *, details: bool) -> Profile | None:
    return _profiles.get((listing_id, version, details))


def profile_of(listing: Listing, *, details: bool) -> Profile:
    """The listing's profile; ``details=False`` reads only its public text (a viewer who may not see the
    details of a confidential demand)."""
    key = (listing.id, listing.version, details)
    cached = _profiles.get(key)
    if cached is not None:
        return cached
    title, summary, keywords = public_parts(listing)
    parts = [title] * TITLE_BOOST + [summary] + [keywords] * KEYWORD_BOOST
    parts += detail_parts(listing) if details else []
    tokens = [t for part in parts if part for t in TOKENIZER.tokens(part)]
    terms, length = term_counts(tokens)
    profile = Profile(listing_id=listing.id, terms=terms, length=length, fields=frozenset(listing.fields),
                      prefecture=listing.prefecture_code, maturity=listing.maturity,
                      amount_min=listing.amount_min, amount_max=listing.amount_max,
                      modes=frozenset(listing.modes))
    _profiles.set(key, profile)
    return profile


def query_profile(profile: Profile, title: str) -> Profile:
    """The profile kept to its most frequent terms (the title's terms always kept), for retrieval and BM25."""
    title_terms = set(TOKENIZER.tokens(title))
    ordered = sorted(profile.terms.items(), key=lambda kv: (kv[0] not in title_terms, -kv[1], kv[0]))
    kept = dict(ordered[:MAX_QUERY_TERMS])
    return Profile(listing_id=profile.listing_id, terms=kept, length=sum(kept.values()), fields=profile.fields,
                   prefecture=profile.prefecture, maturity=profile.maturity, amount_min=profile.amount_min,
                   amount_max=profile.amount_max, modes=profile.modes)


def _count(session: Session, search: SearchService, kind: str, term: str | None) -> int:
    key = (str(session.get_bind().engine.url), kind, term)
    cached = _df.get(key)
    if cached is not None:
        return cached
    terms = [Term(alternatives=frozenset({term}), text=term)] if term else []
    query = SearchQuery(terms=terms, filters={"kind": [kind]}, per_page=1, with_facets=False)
    total = search.search(session, query).total
    _df.set(key, total)
    return total


def document_frequencies(session: Session, search: SearchService, kind: str, terms: Iterable[str]
                         ) -> tuple[int, dict[str, int]]:
    """How many public listings of ``kind`` there are and how many hold each term (cached ten minutes)."""
    documents = _count(session, search, kind, None)
    return documents, {t: _count(session, search, kind, t) for t in terms}


def forget() -> None:
    """Drop the caches (tests, benchmarks)."""
    _profiles._data.clear()
    _df._data.clear()
