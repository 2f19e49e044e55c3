"""The database backend: SQLite FTS5 (bm25) or PostgreSQL full-text (ts_rank_cd), same behaviour.

Index writes happen in the caller's transaction, so the index commits (or rolls back) with the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, column, delete, exists, func, insert, literal_column, select, table
from sqlalchemy.orm import Session

from techmarket.search.documents import Document, Hit, SearchQuery, SearchResult, Term
from techmarket.search.models import FTS_TABLE, PG_VECTOR, SearchDocument, SearchTag
from techmarket.search.tokenizer import TOKENIZER


class DatabaseBackend:
    name = "database"

    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name

    # -- writing -------------------------------------------------------------------------------------
    def index(self, docs: Sequence[Document]) -> None:
        """Replace these documents: one multi-row insert for the documents, one for their facet tags."""
        if not docs:
            return
        self.delete_many([(d.doc_type, d.object_id) for d in docs])
        rows = [{"doc_type": d.doc_type, "object_id": d.object_id, "title": d.title[:300],
                 "tokens_title": TOKENIZER.index_text(d.title), "tokens_body": TOKENIZER.index_text(d.body),
                 "amount_min": d.amount_min, "amount_max": d.amount_max, "published_at": d.published_at}
                for d in docs]
        ids = {(t, o): i for i, t, o in self.session.execute(
            insert(SearchDocument).returning(SearchDocument.id, SearchDocument.doc_type, SearchDocument.object_id,
                                             sort_by_parameter_order=True), rows)}
        tags = [{"document_id": ids[(d.doc_type, d.object_id)], "facet": f, "value": v[:32]}
                for d in docs for f, values in d.tags.items() for v in sorted(set(values))]
        if tags:
            self.session.execute(insert(SearchTag), tags)

    def delete(self, doc_type: str, object_ids: Iterable[int]) -> None:
        self.delete_many([(doc_type, i) for i in object_ids])

    def delete_many(self, keys: list[tuple[str, int]]) -> None:
        by_type: dict[str, list[int]] = {}
        for doc_type, oid in keys:
            by_type.setdefault(doc_type, []).append(oid)
        for doc_type, ids in by_type.items():
            doc_ids = select(SearchDocument.id).where(SearchDocument.doc_type == doc_type,
                                                      SearchDocument.object_id.in_(ids))
            self.session.execute(delete(SearchTag).where(SearchTag.document_id.in_(doc_ids)))
            self.session.execute(delete(SearchDocument).where(SearchDocument.doc_type == doc_type,
                                                              SearchDocument.object_id.in_(ids)))

    def clear(self, doc_type: str) -> None:
        self.delete_many([(doc_type, oid) for oid in self.ids(doc_type)])

    def count(self, doc_type: str) -> int:
        return self.session.scalar(select(func.count()).select_from(SearchDocument)
                                   .where(SearchDocument.doc_type == doc_type)) or 0

    def ids(self, doc_type: str) -> set[int]:
        return set(self.session.scalars(select(SearchDocument.object_id)
                                        .where(SearchDocument.doc_type == doc_type)))

    # -- reading -------------------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResult:
        conditions = self._filters(query)
        score: Any = literal_column("0.0")
        stmt = select(SearchDocument.id, SearchDocument.object_id)
        if query.terms and self.dialect == "sqlite":
            # The FTS5 table drives: matched rows first (with their bm25), then their documents by rowid.
            # (Joined the other way, SQLite probes the FTS index once per document.)
            match, bm25 = self._match(query)
            fts = (select(_FTS.c.rowid.label("id"), bm25.label("rank")).select_from(_FTS).where(match)
                   .cte("fts_match").prefix_with("MATERIALIZED"))
            stmt = stmt.select_from(fts).join(SearchDocument, SearchDocument.id == fts.c.id)
            score = fts.c.rank
        elif query.terms:
            match, score = self._match(query)
            conditions.append(match)
        matched = stmt.where(*conditions)
        total = self.session.scalar(select(func.count()).select_from(matched.subquery())) or 0
        page = matched.add_columns(score.label("score")).order_by(*self._order(query, score))
        rows = self.session.execute(page.limit(query.per_page).offset((query.page - 1) * query.per_page)).all()
        facets = self._facets(matched) if query.with_facets and total else {}
        hits = [Hit(object_id=r.object_id, score=round(float(r.score or 0.0), 4)) for r in rows]
        return SearchResult(hits=hits, total=total, facets=facets, match_any=query.match_any, backend=self.name)

    def _filters(self, q: SearchQuery) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = [SearchDocument.doc_type == q.doc_type]
        for facet, values in q.filters.items():
            if values:
                conds.append(exists().where(SearchTag.document_id == SearchDocument.id, SearchTag.facet == facet,
                                            SearchTag.value.in_(values)))
        if q.amount_min is not None:
            conds.append(func.coalesce(SearchDocument.amount_max, SearchDocument.amount_min) >= q.amount_min)
        if q.amount_max is not None:
            conds.append(func.coalesce(SearchDocument.amount_min, SearchDocument.amount_max) <= q.amount_max)
        if q.posted_from is not None:
            conds.append(SearchDocument.published_at >= dt.datetime.combine(q.posted_from, dt.time(), dt.UTC))
        if q.posted_to is not None:
            end = dt.datetime.combine(q.posted_to + dt.timedelta(days=1), dt.time(), dt.UTC)
            conds.append(SearchDocument.published_at < end)
        return conds

    def _match(self, q: SearchQuery) -> tuple[ColumnElement[bool], Any]:
        if self.dialect == "sqlite":
            expr = fts5_expression(q.terms, q.match_any)
            return (literal_column(FTS_TABLE).op("MATCH")(expr),
                    literal_column(f"-bm25({FTS_TABLE}, 4.0, 1.0)"))
        tsq = pg_tsquery(q.terms, q.match_any)
        vector = literal_column(PG_VECTOR)
        return vector.op("@@")(tsq), func.ts_rank_cd(vector, tsq)

    @staticmethod
    def _order(q: SearchQuery, score: Any) -> list[Any]:
        amount = func.coalesce(SearchDocument.amount_min, SearchDocument.amount_max)
        newest = [SearchDocument.published_at.desc(), SearchDocument.object_id.desc()]
        if q.sort == "newest" or (q.sort == "relevance" and not q.terms):
            return newest
        if q.sort == "amount_asc":
            return [amount.is_(None), amount.asc(), SearchDocument.object_id.desc()]
        if q.sort == "amount_desc":
            return [amount.is_(None), amount.desc(), SearchDocument.object_id.desc()]
        return [score.desc(), *newest]

    def _facets(self, matched: Any) -> dict[str, dict[str, int]]:
        ids = matched.with_only_columns(SearchDocument.id).subquery()
        rows = self.session.execute(
            select(SearchTag.facet, SearchTag.value, func.count())
            .where(SearchTag.document_id.in_(select(ids.c.id)))
            .group_by(SearchTag.facet, SearchTag.value)
        ).all()
        out: dict[str, dict[str, int]] = {}
        for facet, value, n in rows:
            out.setdefault(facet, {})[value] = n
        return {f: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for f, v in out.items()}


_SIMPLE = literal_column("'simple'::regconfig")
_FTS = table(FTS_TABLE, column("rowid"))


def _fts_quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts5_expression(terms: list[Term], match_any: bool) -> str:
    """An FTS5 query built only from quoted tokens, so user text can never be FTS syntax."""
    parts = []
    for term in terms:
        if term.phrase:
            parts.append(_fts_quote(" ".join(term.phrase)))
        else:
            parts.append("(" + " OR ".join(_fts_quote(a) for a in sorted(term.alternatives)) + ")")
    return (" OR " if match_any else " AND ").join(parts)


def pg_tsquery(terms: list[Term], match_any: bool) -> Any:
    """The same query as a PostgreSQL tsquery, each token passed as a bound literal."""
    groups = []
    for term in terms:
        if term.phrase:
            groups.append(func.phraseto_tsquery(_SIMPLE, " ".join(term.phrase)))
            continue
        alts = [func.to_tsquery(_SIMPLE, _pg_lexeme(a)) for a in sorted(term.alternatives)]
        group = alts[0]
        for alt in alts[1:]:
            group = group.op("||")(alt)
        groups.append(group)
    combined = groups[0]
    for g in groups[1:]:
        combined = combined.op("||" if match_any else "&&")(g)
    return combined


def _pg_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"

