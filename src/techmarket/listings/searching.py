"""Searching listings, shared by the results page and the JSON API: which filter values exist, the search
itself (with facet counts that ignore their own facet's filter), hits loaded in hit order with highlights.

The search package knows no domain; this module is where the listing domain meets it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, lazyload, selectinload
from werkzeug.datastructures import MultiDict

from techmarket.listings.constants import FIELDS, KIND_LABELS, MATURITY, MAX_AMOUNT, TRANSACTION_MODES, Status
from techmarket.listings.data import parse_amount
from techmarket.listings.models import Listing
from techmarket.listings.queries import prefectures
from techmarket.orgs.models import Organisation
from techmarket.orgs.places import place_name
from techmarket.search.documents import FACETS, SearchResult
from techmarket.search.highlight import highlight
from techmarket.search.params import SearchParams, SearchSpec, parse_args
from techmarket.search.query import highlight_words
from techmarket.search.service import SearchService

_PREFECTURE = re.compile(r"15\d\d00")
SUMMARY_WINDOW = 160


def _amount(raw: str) -> Decimal | None:
    return parse_amount(raw)  # "120万", "1,200,000"; ValueError when not a number


SPEC = SearchSpec(
    doc_type="listing",
    facets={
        "kind": lambda v: v in KIND_LABELS,
        "field": lambda v: v in FIELDS,
        "region": lambda v: bool(_PREFECTURE.fullmatch(v)),
        "maturity": lambda v: v in MATURITY,
        "mode": lambda v: v in TRANSACTION_MODES,
    },
    parse_amount=_amount,
    max_amount=Decimal(MAX_AMOUNT),
)


def parse(args: MultiDict[str, str], per_page: int = 20) -> SearchParams:
    return parse_args(args, replace(SPEC, default_per_page=per_page))


@dataclass
class ListingHit:
    listing: Listing
    score: float
    title: Markup  # highlighted, escaped
    summary: Markup


@dataclass
class Outcome:
    params: SearchParams
    result: SearchResult
    hits: list[ListingHit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    facets_exact: bool = True  # False: a very large result set's counts were estimated from a sample

    @property
    def total(self) -> int:
        return self.result.total

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.params.query.per_page))

    @property
    def past_end(self) -> bool:
        """A page after the last one was asked for (page 10,000 of 3)."""
        return self.params.query.page > self.pages


def search(session: Session, service: SearchService, params: SearchParams, *, load: bool = True) -> Outcome:
    """Search, with the wider searches each selected facet needs; ``load=False`` leaves the listings unloaded
    (the JSON API reads only a few columns of them, :func:`brief_hits`)."""
    query = params.query
    if params.nothing_searchable:  # typed only punctuation: show nothing rather than everything
        return Outcome(params=params, result=SearchResult(hits=[], total=0), hits=[])
    result = service.search(session, query)
    facets = dict(result.facets)
    exact = result.facets_exact
    # A facet's counts answer "how many if I also tick this?": they ignore the facet's own filter.
    for facet in FACETS:
        if query.filters.get(facet):
            others = {f: v for f, v in query.filters.items() if f != facet}
            wider = service.search(session, replace(query, filters=others, page=1, per_page=1,
                                                    match_any=result.match_any))
            facets[facet] = wider.facets.get(facet, {})
            exact = exact and wider.facets_exact
    hits = load_hits(session, result, params) if load else []
    return Outcome(params=params, result=result, hits=hits, facets=facets, facets_exact=exact)


def load_hits(session: Session, result: SearchResult, params: SearchParams) -> list[ListingHit]:
    """The page's listings from the database, in hit order, highlighted on their original text. A hit
    whose listing stopped being public since it was indexed is left out."""
    ids = [h.object_id for h in result.hits]
    if not ids:
        return []
    # A hit shows its listing's card (its organisation's name, its division, its fields), not its IP items,
    # attachments or the organisation's division: those load only if something asks for them.
    stmt = (select(Listing).where(Listing.id.in_(ids), Listing.status == Status.PUBLISHED)
            .options(selectinload(Listing.tags), lazyload(Listing.ip_items), lazyload(Listing.attachments),
                     joinedload(Listing.organisation).lazyload(Organisation.division)))
    rows = session.scalars(stmt)
    by_id = {row.id: row for row in rows}
    words = highlight_words(params.parsed)
    return [ListingHit(listing=by_id[h.object_id], score=h.score,
                       title=highlight(by_id[h.object_id].title, words),
                       summary=highlight(by_id[h.object_id].summary or "", words, window=SUMMARY_WINDOW))
            for h in result.hits if h.object_id in by_id]


@dataclass(frozen=True)
class BriefHit:
    """A hit as the JSON API gives it: a few columns of the listing, highlighted."""

    id: int
    kind: str
    title: str
    score: float
    highlighted_title: Markup
    highlighted_summary: Markup


def brief_hits(session: Session, result: SearchResult, params: SearchParams) -> list[BriefHit]:
    """Like :func:`load_hits`, reading only the columns the API shows (no ORM objects, no relationships)."""
    ids = [h.object_id for h in result.hits]
    if not ids:
        return []
    rows = {r.id: r for r in session.execute(
        select(Listing.id, Listing.kind, Listing.title, Listing.summary)
        .where(Listing.id.in_(ids), Listing.status == Status.PUBLISHED))}
    words = highlight_words(params.parsed)
    return [BriefHit(id=r.id, kind=r.kind, title=r.title, score=h.score,
                     highlighted_title=highlight(r.title, words),
                     highlighted_summary=highlight(r.summary or "", words, window=SUMMARY_WINDOW))
            for h in result.hits if (r := rows.get(h.object_id)) is not None]


def newest(session: Session, limit: int = 5) -> list[Listing]:
    """For empty results: the latest published listings."""
    stmt = (select(Listing).where(Listing.status == Status.PUBLISHED)
            .order_by(Listing.published_at.desc(), Listing.id.desc()).limit(limit))
    return list(session.scalars(stmt))


_PREFECTURE_NAMES: dict[str, dict[str, str]] = {}


def _prefecture_names(session: Session) -> dict[str, str]:
    """The 盟市 names, read once per database: the division table is reference data loaded by the migrations."""
    key = str(session.get_bind().engine.url)
    if key not in _PREFECTURE_NAMES:
        _PREFECTURE_NAMES[key] = {d.code: d.name for d in prefectures(session)}
    return _PREFECTURE_NAMES[key]


def facet_labels(session: Session) -> dict[str, dict[str, Any]]:
    """Value -> label for every facet (lazy strings for the fixed lists, names for the 盟市)."""
    return {
        "kind": {str(k): v for k, v in KIND_LABELS.items()},
        "field": dict(FIELDS),
        "region": {code: place_name(code, name) for code, name in _prefecture_names(session).items()},
        "maturity": dict(MATURITY),
        "mode": dict(TRANSACTION_MODES),
    }


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


def facet_values(outcome: Outcome, labels: Mapping[str, Mapping[str, Any]]) -> dict[str, list[FacetValue]]:
    """Each facet's values with counts, most frequent first; a selected value stays even at zero."""
    out: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        counts = outcome.facets.get(facet, {})
        selected = outcome.params.query.filters.get(facet, [])
        names = labels.get(facet, {})
        values = [FacetValue(v, str(names.get(v, v)), n, v in selected) for v, n in counts.items()]
        values += [FacetValue(v, str(names.get(v, v)), 0, True) for v in selected if v not in counts]
        out[facet] = values
    return out
