"""Request arguments -> a search query: the same parameters for the results page and the JSON API.

Generic: the caller's :class:`SearchSpec` says which facet values exist and how an amount is written, so
this module knows no domain. Nothing here raises on bad input: a value that is not understood is left out
and named in ``problems`` (the page says so discreetly; the API may answer 400 naming the parameter),
unknown facet values are dropped and listed in ``dropped``, an over-long query is cut and flagged.

Parameters: ``q``, one list per facet (``kind``, ``field``, ``region``, ``maturity``, ``mode``; the value
``all`` means no filter), ``amount_min``/``amount_max``, ``posted_from``/``posted_to`` (ISO dates), ``sort``
(``relevance|newest|amount_asc|amount_desc``), ``page``, ``per_page`` (at most 100).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from werkzeug.datastructures import MultiDict

from techmarket.search.documents import FACETS, MAX_QUERY_CHARS, SORTS, SearchQuery
from techmarket.search.query import ParsedQuery, parse

MAX_PER_PAGE = 100
MAX_PAGE = 100_000
MAX_VALUES = 20  # per facet
ALL = "all"
RANGE_ARGS = ("amount_min", "amount_max", "posted_from", "posted_to")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decimal_amount(raw: str) -> Decimal | None:
    """A plain number; ValueError when it is not one."""
    if not raw.strip():
        return None
    try:
        value = Decimal(raw.strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(raw) from exc
    if not value.is_finite():
        raise ValueError(raw)
    return value


@dataclass(frozen=True)
class SearchSpec:
    """What one searchable type accepts: its facets' known values and how amounts are written."""

    doc_type: str
    facets: Mapping[str, Callable[[str], bool]]  # facet -> is this a known value?
    parse_amount: Callable[[str], Decimal | None] = decimal_amount
    default_per_page: int = 20
    max_amount: Decimal = Decimal("1e15")


@dataclass
class SearchParams:
    q: str  # what was typed, cut to MAX_QUERY_CHARS: for the search box and links
    parsed: ParsedQuery
    query: SearchQuery
    raw: dict[str, str] = field(default_factory=dict)  # range arguments as typed (understood ones only)
    problems: dict[str, str] = field(default_factory=dict)  # parameter -> the value ignored
    dropped: dict[str, list[str]] = field(default_factory=dict)  # facet -> unknown values left out
    default_per_page: int = 20

    @property
    def truncated(self) -> bool:
        return self.parsed.truncated

    @property
    def nothing_searchable(self) -> bool:
        """Text was typed but none of it can be searched for (only punctuation or stop words)."""
        return bool(self.q.strip()) and not self.parsed.terms

    def filter_args(self) -> list[tuple[str, str]]:
        """The understood filters as query arguments, in a stable order (without q, sort and page)."""
        out = [(facet, v) for facet in FACETS for v in self.query.filters.get(facet, [])]
        out += [(name, self.raw[name]) for name in RANGE_ARGS if name in self.raw]
        return out

    def args(self, **changes: Any) -> list[tuple[str, str]]:
        """The whole query as canonical arguments (defaults left out); ``changes`` replace or drop (None)."""
        base: dict[str, Any] = {"q": self.q.strip() or None,
                                "sort": self.query.sort if self.query.sort != "relevance" else None,
                                "per_page": self.query.per_page if self.query.per_page != self.default_per_page
                                else None,
                                "page": self.query.page if self.query.page > 1 else None}
        base.update(changes)
        if base["page"] in (1, "1"):
            base["page"] = None
        out = [("q", base["q"])] if base["q"] else []
        out += self.filter_args()
        out += [(k, str(base[k])) for k in ("sort", "per_page", "page") if base[k] is not None]
        return out


def parse_args(args: MultiDict[str, str], spec: SearchSpec) -> SearchParams:
    raw_q = _CONTROL.sub(" ", str(args.get("q") or ""))
    parsed = parse(raw_q)
    problems: dict[str, str] = {}
    dropped: dict[str, list[str]] = {}
    filters: dict[str, list[str]] = {}
    for facet in FACETS:
        known = spec.facets.get(facet)
        values: list[str] = []
        for value in args.getlist(facet):
            value = value.strip()
            if not value or value == ALL:
                continue
            if known is not None and known(value) and value not in values:
                values.append(value)
            elif value not in values:
                dropped.setdefault(facet, []).append(value[:40])
        if values:
            filters[facet] = values[:MAX_VALUES]
    query = SearchQuery(terms=parsed.terms, doc_type=spec.doc_type, filters=filters)
    raw: dict[str, str] = {}
    query.amount_min, query.amount_max = _range(
        [_amount(args, name, spec, problems, raw) for name in ("amount_min", "amount_max")], raw, "amount")
    query.posted_from, query.posted_to = _range(
        [_date(args, name, problems, raw) for name in ("posted_from", "posted_to")], raw, "posted")
    sort = str(args.get("sort") or "relevance")
    if sort not in SORTS:
        problems["sort"] = sort[:40]
        sort = "relevance"
    query.sort = sort
    query.page = _int(args, "page", 1, MAX_PAGE, problems)
    query.per_page = _int(args, "per_page", spec.default_per_page, MAX_PER_PAGE, problems)
    return SearchParams(q=raw_q[:MAX_QUERY_CHARS], parsed=parsed, query=query, raw=raw, problems=problems,
                        dropped=dropped, default_per_page=spec.default_per_page)


def _int(args: MultiDict[str, str], name: str, default: int, ceiling: int, problems: dict[str, str]) -> int:
    raw = str(args.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        problems[name] = raw[:40]
        return default
    if value < 1:
        problems[name] = raw[:40]
        return default
    return min(value, ceiling)  # past the last page is answered with an empty page, not an error


def _amount(args: MultiDict[str, str], name: str, spec: SearchSpec, problems: dict[str, str], raw: dict[str, str]
            ) -> Decimal | None:
    text = str(args.get(name) or "").strip()
    if not text:
        return None
    try:
        value = spec.parse_amount(text[:40])
    except ValueError:
        value = None
    if value is None or value < 0 or value > spec.max_amount:
        problems[name] = text[:40]
        return None
    raw[name] = text[:40]
    return value


def _date(args: MultiDict[str, str], name: str, problems: dict[str, str], raw: dict[str, str]) -> dt.date | None:
    text = str(args.get(name) or "").strip()
    if not text:
        return None
    try:
        value = dt.date.fromisoformat(text[:10].replace("/", "-"))
    except ValueError:
        problems[name] = text[:40]
        return None
    raw[name] = value.isoformat()
    return value


def _range(pair: list[Any], raw: dict[str, str], prefix: str) -> tuple[Any, Any]:
    """A reversed range (from 500万 to 100万) is read the way it was meant: swapped."""
    low, high = pair
    if low is not None and high is not None and low > high:
        lo_name, hi_name = (("amount_min", "amount_max") if prefix == "amount" else ("posted_from", "posted_to"))
        raw[lo_name], raw[hi_name] = raw[hi_name], raw[lo_name]
        return high, low
    return low, high
