"""The database backend: SQLite FTS5 (bm25, :mod:`techmarket.search.fts`) or PostgreSQL full-text (ts_rank_cd),
same behaviour.

Index writes happen in the caller's transaction, so the index commits (or rolls back) with the change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, literal_column, select
from sqlalchemy.orm import Session

from techmarket.search import fts
from techmarket.search.db_query import filter_conditions, order_by, pg_tsquery, sorted_facets
from techmarket.search.documents import Document, Hit, SearchQuery, SearchResult
from techmarket.search.models import PG_VECTOR, SearchDocument, SearchTag
from techmarket.search.tokenizer import TOKENIZER


class DatabaseBackend:
    name = "database"

    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name

    # -- writing -------------------------------------------------------------------------------------
    def index(self, docs: Sequence[Document], *, tokens: Sequence[tuple[str, str]] | None = None,
              replace: bool = True) -> None:
        """Replace these documents: one executemany for the documents, one select of their new ids, one
        executemany for their facet tags. ``tokens`` are the (title, body) index tokens when the caller cut
        them already (:mod:`techmarket.search.token_pool`); ``replace=False`` skips deleting earlier versions
        (a rebuild that emptied the index first)."""
        if not docs:
            return
        if replace:
            self.delete_many([(d.doc_type, d.object_id) for d in docs])
        if tokens is None:
            tokens = [(TOKENIZER.index_text(d.title), TOKENIZER.index_text(d.body)) for d in docs]
        rows = [{"doc_type": d.doc_type, "object_id": d.object_id, "title": d.title[:300], "tokens_title": tt,
                 "tokens_body": tb, "amount_min": d.amount_min, "amount_max": d.amount_max,
                 "published_at": d.published_at} for d, (tt, tb) in zip(docs, tokens, strict=True)]
        self.session.execute(insert(SearchDocument.__table__), rows)
        ids: dict[tuple[str, int], int] = {}
        by_type: dict[str, list[int]] = {}
        for d in docs:
            by_type.setdefault(d.doc_type, []).append(d.object_id)
        for doc_type, oids in by_type.items():
            found = select(SearchDocument.id, SearchDocument.object_id).where(
                SearchDocument.doc_type == doc_type, SearchDocument.object_id.in_(oids))
            ids.update(((doc_type, oid), i) for i, oid in self.session.execute(found))
        tags = [{"document_id": ids[(d.doc_type, d.object_id)], "facet": f, "value": v[:32]}
                for d in docs for f, values in d.tags.items() for v in sorted(set(values))]
        if tags:
            self.session.execute(insert(SearchTag.__table__), tags)

    def delete(self, doc_type: str, object_ids: Iterable[int]) -> None:
        self.delete_many([(doc_type, i) for i in object_ids])

    def delete_many(self, keys: list[tuple[str, int]]) -> None:
        by_type: dict[str, list[int]] = {}
        for doc_type, oid in keys:
            by_type.setdefault(doc_type, []).append(oid)
        for doc_type, ids in by_type.items():
            doc_ids = select(SearchDocument.id).where(SearchDocument.doc_type == doc_type,
                                                      SearchDocument.object_id.in_(ids))
            self.session.execute(delete(SearchTag.__table__).where(SearchTag.document_id.in_(doc_ids)))
            self.session.execute(delete(SearchDocument.__table__).where(SearchDocument.doc_type == doc_type,
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
        if self.dialect == "sqlite":
            return fts.search(self.session, query)
        return self._search_postgresql(query)

    def _search_postgresql(self, query: SearchQuery) -> SearchResult:
        """tsvector ``@@`` tsquery over the GIN index, ranked by ts_rank_cd (title weighted A, body B)."""
        conditions = filter_conditions(query)
        score: Any = literal_column("0.0")
        if query.terms:
            tsq = pg_tsquery(query.terms, query.match_any)
            vector = literal_column(PG_VECTOR)
            conditions.append(vector.op("@@")(tsq))
            score = func.ts_rank_cd(vector, tsq)
        matched = select(SearchDocument.id, SearchDocument.object_id).where(*conditions)
        total = self.session.scalar(select(func.count()).select_from(matched.subquery())) or 0
        page = matched.add_columns(score.label("score")).order_by(*order_by(query, score))
        rows = self.session.execute(page.limit(query.per_page).offset((query.page - 1) * query.per_page)).all()
        facets = self._facets(matched) if query.with_facets and total else {}
        hits = [Hit(object_id=r.object_id, score=round(float(r.score or 0.0), 4)) for r in rows]
        return SearchResult(hits=hits, total=total, facets=facets, match_any=query.match_any, backend=self.name)

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
        return sorted_facets(out)
