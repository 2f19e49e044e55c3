"""The database backend: SQLite FTS5 (bm25, :mod:`techmarket.search.fts`) or PostgreSQL full-text (the same bm25,
:mod:`techmarket.search.postgres`), same behaviour.

Index writes happen in the caller's transaction, so the index commits (or rolls back) with the change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from techmarket.search import fts, postgres, token_pool
from techmarket.search.documents import Document, SearchQuery, SearchResult
from techmarket.search.models import DOCUMENT_TABLE, TAG_TABLE, SearchDocument, SearchTag


class DatabaseBackend:
    name = "database"

    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name

    # -- writing -------------------------------------------------------------------------------------
    def index(self, docs: Sequence[Document], *, tokens: Sequence[tuple[str, str, str]] | None = None,
              replace: bool = True) -> None:
        """Replace these documents: one executemany for the documents, one select of their new ids, one
        executemany for their facet tags. ``tokens`` are the (title, body, grams) index tokens when the caller cut
        them already (:mod:`techmarket.search.token_pool`); ``replace=False`` skips deleting earlier versions
        (a rebuild that emptied the index first)."""
        if not docs:
            return
        if replace:
            self.delete_many([(d.doc_type, d.object_id) for d in docs])
        if tokens is None:
            tokens = [token_pool.index_tokens(d.title, d.body, d.lead) for d in docs]
        rows = [{"doc_type": d.doc_type, "object_id": d.object_id, "title": d.title[:300], "tokens_title": tt,
                 "tokens_body": tb, "tokens_gram": tg, "amount_min": d.amount_min, "amount_max": d.amount_max,
                 "published_at": d.published_at} for d, (tt, tb, tg) in zip(docs, tokens, strict=True)]
        self.session.execute(insert(DOCUMENT_TABLE), rows)
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
            self.session.execute(insert(TAG_TABLE), tags)

    def delete(self, doc_type: str, object_ids: Iterable[int]) -> None:
        self.delete_many([(doc_type, i) for i in object_ids])

    def delete_many(self, keys: list[tuple[str, int]]) -> None:
        by_type: dict[str, list[int]] = {}
        for doc_type, oid in keys:
            by_type.setdefault(doc_type, []).append(oid)
        for doc_type, ids in by_type.items():
            doc_ids = select(SearchDocument.id).where(SearchDocument.doc_type == doc_type,
                                                      SearchDocument.object_id.in_(ids))
            self.session.execute(delete(TAG_TABLE).where(SearchTag.document_id.in_(doc_ids)))
            self.session.execute(delete(DOCUMENT_TABLE).where(SearchDocument.doc_type == doc_type,
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
        return postgres.search(self.session, query)

