"""Pieces of a database search shared by SQLite and PostgreSQL: filters, orders, match expressions.

Nothing the user types reaches SQL as syntax: match expressions are built only from quoted tokens (FTS5) or
bound literals (tsquery), filter values are bound parameters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, exists, func, literal_column

from techmarket.search.documents import SearchQuery, Term
from techmarket.search.models import GRAM_COLUMN, SearchDocument, SearchTag

_SIMPLE: Any = literal_column("'simple'::regconfig")


def filter_conditions(q: SearchQuery, doc: Any = SearchDocument) -> list[ColumnElement[bool]]:
    """The query's filters on ``search_document`` (or on a selectable with the same column names)."""
    conds: list[ColumnElement[bool]] = [doc.doc_type == q.doc_type]
    for facet, values in q.filters.items():
        if values:
            conds.append(exists().where(SearchTag.document_id == doc.id, SearchTag.facet == facet,
                                        SearchTag.value.in_(values)))
    if q.amount_min is not None:
        conds.append(func.coalesce(doc.amount_max, doc.amount_min) >= q.amount_min)
    if q.amount_max is not None:
        conds.append(func.coalesce(doc.amount_min, doc.amount_max) <= q.amount_max)
    if q.posted_from is not None:
        conds.append(doc.published_at >= dt.datetime.combine(q.posted_from, dt.time(), dt.UTC))
    if q.posted_to is not None:
        end = dt.datetime.combine(q.posted_to + dt.timedelta(days=1), dt.time(), dt.UTC)
        conds.append(doc.published_at < end)
    return conds


def has_filters(q: SearchQuery) -> bool:
    """Whether anything but the document type narrows the query."""
    return bool(any(q.filters.values()) or q.amount_min is not None or q.amount_max is not None
                or q.posted_from is not None or q.posted_to is not None)


def order_by(q: SearchQuery, score: Any, doc: Any = SearchDocument) -> list[Any]:
    """The contract's orders: relevance (ties: newest, then highest id), newest, amount either way."""
    amount = func.coalesce(doc.amount_min, doc.amount_max)
    newest = [doc.published_at.desc(), doc.object_id.desc()]
    if q.sort == "newest" or (q.sort == "relevance" and not q.terms):
        return newest
    if q.sort == "amount_asc":
        return [amount.is_(None), amount.asc(), doc.object_id.desc()]
    if q.sort == "amount_desc":
        return [amount.is_(None), amount.desc(), doc.object_id.desc()]
    return [score.desc(), *newest]


def sorted_facets(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Each facet's values, most frequent first (then by value)."""
    return {f: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for f, v in counts.items() if v}


def _fts_quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts5_expression(terms: list[Term], match_any: bool) -> str:
    """An FTS5 query built only from quoted tokens, so user text can never be FTS syntax. A term is the OR of
    its alternatives (or its phrase) and of its bigrams as a phrase of the gram column."""
    parts = []
    for term in terms:
        options = [_fts_quote(" ".join(term.phrase))] if term.phrase else [
            _fts_quote(a) for a in sorted(term.alternatives)]
        if term.gram_phrase:
            options.append(f"{GRAM_COLUMN} : " + _fts_quote(" ".join(term.gram_phrase)))
        parts.append("(" + " OR ".join(options) + ")")
    return (" OR " if match_any else " AND ").join(parts)


def pg_tsquery(terms: list[Term], match_any: bool) -> Any:
    """The same query as a PostgreSQL tsquery, each token passed as a bound literal; the bigrams are
    restricted to the gram column's weight (D)."""
    groups: list[Any] = []
    for term in terms:
        alts: list[Any]
        if term.phrase:
            alts = [func.phraseto_tsquery(_SIMPLE, " ".join(term.phrase))]
        else:  # an alternative of several words (rare earth) is a phrase
            alts = [func.phraseto_tsquery(_SIMPLE, a) if " " in a else func.to_tsquery(_SIMPLE, _pg_lexeme(a))
                    for a in sorted(term.alternatives)]
        if term.gram_phrase:
            alts.append(func.to_tsquery(_SIMPLE, " <-> ".join(_pg_lexeme(g) + ":D" for g in term.gram_phrase)))
        group: Any = alts[0]
        for alt in alts[1:]:
            group = group.op("||")(alt)
        groups.append(group)
    combined: Any = groups[0]
    for g in groups[1:]:
        combined = combined.op("||" if match_any else "&&")(g)
    return combined


def _pg_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"
