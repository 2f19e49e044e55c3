"""Tables of the database backend, and the outbox that carries changes to Elasticsearch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import cast

from sqlalchemy import ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from techmarket.core.clock import utcnow
from techmarket.core.db import Base


class SearchDocument(Base):
    """The indexed form of one object. On SQLite an FTS5 table mirrors the token columns (by triggers);
    on PostgreSQL a GIN expression index covers their tsvector."""

    __tablename__ = "search_document"
    __table_args__ = (UniqueConstraint("doc_type", "object_id"),
                      Index("ix_search_document_type_published", "doc_type", "published_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    tokens_title: Mapped[str] = mapped_column(Text)
    tokens_body: Mapped[str] = mapped_column(Text)
    # Character bigrams of the title and lead (:meth:`Tokenizer.grams`): filled by ``techmarket search reindex``.
    tokens_gram: Mapped[str] = mapped_column(Text, default="", server_default="")
    amount_min: Mapped[Decimal | None]
    amount_max: Mapped[Decimal | None]
    published_at: Mapped[dt.datetime | None]


class SearchTag(Base):
    __tablename__ = "search_tag"
    __table_args__ = (Index("ix_search_tag_facet_value", "facet", "value", "document_id"),)

    document_id: Mapped[int] = mapped_column(ForeignKey("search_document.id", ondelete="CASCADE"), primary_key=True)
    facet: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(32), primary_key=True)


class SearchOutbox(Base):
    """A change waiting to reach Elasticsearch; written in the same transaction as the change itself."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)


FTS_TABLE = "search_fts"
GRAM_COLUMN = "tokens_gram"
TOKEN_COLUMNS = ("tokens_title", "tokens_body", GRAM_COLUMN)  # the FTS5 columns, in order (bm25 weights)

_INSERT_NEW = ("INSERT INTO search_fts(rowid, tokens_title, tokens_body, tokens_gram) "
               "VALUES (new.id, new.tokens_title, new.tokens_body, new.tokens_gram);")
_DELETE_OLD = ("INSERT INTO search_fts(search_fts, rowid, tokens_title, tokens_body, tokens_gram) "
               "VALUES ('delete', old.id, old.tokens_title, old.tokens_body, old.tokens_gram);")
SQLITE_FTS_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(tokens_title, tokens_body, tokens_gram, "
    "content='search_document', content_rowid='id', tokenize='unicode61')",
    f"CREATE TRIGGER IF NOT EXISTS search_document_ai AFTER INSERT ON search_document BEGIN {_INSERT_NEW} END",
    f"CREATE TRIGGER IF NOT EXISTS search_document_ad AFTER DELETE ON search_document BEGIN {_DELETE_OLD} END",
    f"CREATE TRIGGER IF NOT EXISTS search_document_au AFTER UPDATE ON search_document BEGIN "
    f"{_DELETE_OLD} {_INSERT_NEW} END",
]
SQLITE_FTS_DROP = ["DROP TRIGGER IF EXISTS search_document_au", "DROP TRIGGER IF EXISTS search_document_ad",
                   "DROP TRIGGER IF EXISTS search_document_ai", "DROP TABLE IF EXISTS search_fts"]

PG_VECTOR = ("(setweight(to_tsvector('simple'::regconfig, tokens_title), 'A') || "
             "setweight(to_tsvector('simple'::regconfig, tokens_body), 'B') || "
             "setweight(to_tsvector('simple'::regconfig, tokens_gram), 'D'))")
PG_INDEX_DDL = [f"CREATE INDEX IF NOT EXISTS ix_search_document_tsv ON search_document USING gin ({PG_VECTOR})"]
PG_INDEX_DROP = ["DROP INDEX IF EXISTS ix_search_document_tsv"]
# Since revision imports_1 (PostgreSQL) the vector is a stored generated column, computed once per write and not
# once per row scanned (a search over a small or freshly written table, where the planner scans rows instead of
# the GIN index, took 0.1 s per phrase on 400 documents); the GIN index covers the column.
PG_TSV_COLUMN = "search_tsv"


# The tables themselves, for Core bulk statements (a mapped class's ``__table__`` is typed as any FromClause).
DOCUMENT_TABLE = cast(Table, SearchDocument.__table__)
TAG_TABLE = cast(Table, SearchTag.__table__)
