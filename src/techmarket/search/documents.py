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
    """One searchable thing. ``doc_id`` is ``"<type>:<id>"``; ``tags`` hold facet values."""

    doc_type: str
    object_id: int
    title: str
    body: str
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    published_at: dt.datetime | None = None

    @property
    def doc_id(self) -> str:
        return f"{self.doc_type}:{self.object_id}"


@dataclass(frozen=True)
class Term:
    """One query term: alternatives (a word and its synonyms), or a phrase's tokens in order."""

    alternatives: frozenset[str]
    phrase: tuple[str, ...] = ()
    text: str = ""


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
