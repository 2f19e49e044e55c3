"""The database backend's search on PostgreSQL: tsvector ``@@`` tsquery over the GIN index finds the documents,
:func:`techmarket.search.scoring.bm25` ranks them (the same scorer as SQLite's FTS5).

By relevance, as on SQLite (:mod:`techmarket.search.fts`): the :data:`RANK_WINDOW` most recently indexed
matches are ranked and come first; older matches follow, ranked among themselves. The scorer needs each
phrase's document frequency (one count per phrase over the GIN index, in one statement), the number of
documents of the type, and the candidates' tokens; the average length is taken over the candidates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from techmarket.search import scoring
from techmarket.search.db_query import filter_conditions, order_by, pg_tsquery, sorted_facets
from techmarket.search.documents import Hit, SearchQuery, SearchResult, Term
from techmarket.search.models import PG_TSV_COLUMN, SearchDocument, SearchTag

RANK_WINDOW = 1_000
D = SearchDocument
_OLDEST = dt.datetime.min.replace(tzinfo=dt.UTC)


def search(session: Session, q: SearchQuery) -> SearchResult:
    conditions = filter_conditions(q)
    vector: Any = literal_column(PG_TSV_COLUMN)
    if q.terms:
        conditions.append(vector.op("@@")(pg_tsquery(q.terms, q.match_any)))
    matched = select(D.id).where(*conditions)
    total = session.scalar(select(func.count()).select_from(matched.subquery())) or 0
    offset = (q.page - 1) * q.per_page
    hits: list[Hit] = []
    if total and offset < total:
        if q.terms and q.sort == "relevance":
            hits = _ranked_page(session, q, conditions, offset)
        else:
            stmt = select(D.object_id).where(*conditions).order_by(*order_by(q, literal_column("0")))
            rows = session.scalars(stmt.limit(q.per_page).offset(offset))
            hits = [Hit(object_id=oid, score=0.0) for oid in rows]
    facets = _facets(session, matched) if q.with_facets and total else {}
    return SearchResult(hits=hits, total=total, facets=facets, match_any=q.match_any, backend="database")


def _ranked_page(session: Session, q: SearchQuery, conditions: list[Any], offset: int) -> list[Hit]:
    """The page of the relevance order: within the newest window of matches, then among the older ones."""
    phrases = scoring.phrases(q.terms)
    idfs = _idfs(session, q, phrases)
    newest = _candidates(session, conditions, limit=RANK_WINDOW)
    ranked = _rank(newest, phrases, idfs)
    page = ranked[offset:offset + q.per_page]
    if len(page) < q.per_page and len(newest) == RANK_WINDOW:
        older = _rank(_candidates(session, [*conditions, D.id < newest[-1][0]]), phrases, idfs)
        start = max(0, offset - len(ranked))
        page += older[start:start + q.per_page - len(page)]
    return [Hit(object_id=oid, score=round(score, 4)) for oid, score in page]


def _candidates(session: Session, conditions: list[Any], limit: int | None = None) -> list[Any]:
    stmt = (select(D.id, D.object_id, D.published_at, D.tokens_title, D.tokens_body, D.tokens_gram)
            .where(*conditions).order_by(D.id.desc()))
    return list(session.execute(stmt.limit(limit) if limit else stmt))


def _rank(rows: list[Any], phrases: list[scoring.Phrase], idfs: list[float]) -> list[tuple[int, float]]:
    """(object id, score) by score, then newest, then highest object id."""
    docs = [(r, (r.tokens_title.split(), r.tokens_body.split(), r.tokens_gram.split())) for r in rows]
    avgdl = sum(sum(len(c) for c in cols) for _, cols in docs) / len(docs) if docs else 0.0
    scored = [(scoring.bm25(cols, phrases, idfs, avgdl), r.published_at or _OLDEST, r.object_id) for r, cols in docs]
    scored.sort(reverse=True)
    return [(oid, score) for score, _, oid in scored]


def _idfs(session: Session, q: SearchQuery, phrases: list[scoring.Phrase]) -> list[float]:
    """Each phrase's idf over the documents of the type: the number of documents, and how many hold the
    phrase (each counted on the GIN index), in one statement."""
    vector: Any = literal_column(PG_TSV_COLUMN)
    counts = [select(func.count()).where(D.doc_type == q.doc_type, vector.op("@@")(_tsquery(p))).scalar_subquery()
              for p in phrases]
    everything = select(func.count()).where(D.doc_type == q.doc_type).scalar_subquery()
    n_docs, *hits = session.execute(select(everything, *counts)).one()
    return [scoring.idf(n_docs, h) for h in hits]


def _tsquery(phrase: scoring.Phrase) -> Any:
    term = Term(alternatives=frozenset(), grams=phrase.tokens) if phrase.column == scoring.GRAM else Term(
        alternatives=frozenset({" ".join(phrase.tokens)}))
    return pg_tsquery([term], match_any=False)


def _facets(session: Session, matched: Any) -> dict[str, dict[str, int]]:
    ids = matched.subquery()
    rows = session.execute(
        select(SearchTag.facet, SearchTag.value, func.count())
        .where(SearchTag.document_id.in_(select(ids.c.id)))
        .group_by(SearchTag.facet, SearchTag.value)
    ).all()
    out: dict[str, dict[str, int]] = {}
    for facet, value, n in rows:
        out.setdefault(facet, {})[value] = n
    return sorted_facets(out)
