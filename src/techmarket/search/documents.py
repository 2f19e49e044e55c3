"""What backends index and answer: documents, queries, results. Plain data, no backend in sight."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

FACETS = ("kind", "field", "region", "maturity", "mode")
SORTS = ("relevance", "newest", "amount_asc", "amount_desc")
MAX_QUERY_CHARS = 200


@dataclass(frozen=True)
class Document:
    """One searchable thing. ``doc_id`` is ``"<type>:<id>"``; ``tags`` hold facet values. ``lead``: the short
    texts (summary, keywords; the body holds them too) whose every piece of two or more Chinese characters
    finds the document, like any piece of its title (indexed as character bigrams)."""

    doc_type: str
    object_id: int
    title: str
    body: str
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    published_at: dt.datetime | None = None
    lead: str = ""

    @property
    def doc_id(self) -> str:
        return f"{self.doc_type}:{self.object_id}"


@dataclass(frozen=True)
class Term:
    """One query term: alternatives (a word and its synonyms; one of several words is a phrase), or a
    phrase's tokens in order; and, for Chinese, ``grams``: the word's character bigrams, which find it as
    consecutive bigrams of the title and lead when it is hidden inside a longer word."""

    alternatives: frozenset[str]
    phrase: tuple[str, ...] = ()
    text: str = ""
    grams: tuple[str, ...] = ()

    @property
    def gram_phrase(self) -> tuple[str, ...]:
        """The bigrams the database backends query in the gram column: none when the term's word is its one
        bigram (储能), which the word's own query, on every column, finds there already."""
        if len(self.grams) == 1 and self.grams[0] in self.alternatives and not self.phrase:
            return ()
        return self.grams


@dataclass
class SearchQuery:
    terms: list[Term] = field(default_factory=list)
    doc_type: str = "listing"
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet -> any of these values
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    posted_from: dt.date | None = None
    posted_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    match_any: bool = False  # OR instead of AND (the fallback when AND finds nothing)
    with_facets: bool = True


@dataclass
class Hit:
    object_id: int
    score: float


DEGRADED_UNAVAILABLE = "unavailable"  # Elasticsearch did not answer (or is marked down by the breaker)
DEGRADED_INDEX = "index_incomplete"  # its index does not agree with the database; a rebuild is under way


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    match_any: bool = False
    backend: str = ""
    degraded: bool = False  # answered by the fallback backend because the configured one failed
    degraded_reason: str = ""  # DEGRADED_UNAVAILABLE or DEGRADED_INDEX when degraded
    facets_exact: bool = True  # False: counted on a sample of a very large result set and scaled (about)
