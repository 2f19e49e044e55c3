"""Rebuilding the indexes from the database, and comparing them with it (``techmarket search reindex|status``).

The rules live here; :mod:`techmarket.search.cli` only parses options, draws progress bars and commits.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from techmarket.core.clock import utcnow
from techmarket.search import registry, token_pool
from techmarket.search.backend import SearchUnavailable
from techmarket.search.database import DatabaseBackend
from techmarket.search.elastic import ElasticsearchBackend
from techmarket.search.models import DOCUMENT_TABLE, TAG_TABLE, SearchDocument, SearchOutbox, SearchTag
from techmarket.search.registry import IndexedType

Progress = Callable[[int], None]
BULK_CACHE_KIB = 128 * 1024


def _nothing(n: int) -> None:
    return None


def clock_us(session: Session) -> int:
    """Microseconds on the database's clock (one clock for every web and worker process), used as the
    external version of Elasticsearch writes. Read it *before* loading the state that will be written."""
    if session.get_bind().dialect.name == "postgresql":
        return int(session.scalar(text("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint")))
    return time.time_ns() // 1000  # SQLite is embedded: the database's clock is this machine's


def public_ids(session: Session, indexed: IndexedType) -> set[int]:
    model: Any = indexed.model
    return set(session.scalars(indexed.all_public().with_only_columns(model.id).order_by(None)))


def count_public(session: Session, indexed: IndexedType) -> int:
    stmt = indexed.all_public().order_by(None).subquery()
    return session.scalar(select(func.count()).select_from(stmt)) or 0


# -- rebuilding ----------------------------------------------------------------------------------------

def rebuild_database(session: Session, indexed: IndexedType, progress: Progress = _nothing, *,
                     workers: int | None = None) -> int:
    """Replace the type's database index with every public object, in the caller's transaction (readers
    see the old index until the caller commits).

    Pipelined: while worker processes tokenise one batch (:mod:`techmarket.search.token_pool`), this process
    loads the next batch from the database and writes the previous one. ``workers``: tokenising processes
    (default: one per core for a large rebuild, none for a small one)."""
    doc_ids = select(SearchDocument.id).where(SearchDocument.doc_type == indexed.name)
    session.execute(delete(TAG_TABLE).where(SearchTag.document_id.in_(doc_ids)))
    session.execute(delete(DOCUMENT_TABLE).where(SearchDocument.doc_type == indexed.name))
    backend = DatabaseBackend(session)
    written = 0
    waiting: tuple[list[Any], int, token_pool.Pending] | None = None
    with _bulk_load(session), token_pool.pool_for(count_public(session, indexed), workers) as pool:
        for docs, read in registry.public_documents(session, indexed):
            submitted = (docs, read, pool.submit(docs))
            if waiting is not None:
                written += _write(backend, waiting, progress)
            waiting = submitted
        if waiting is not None:
            written += _write(backend, waiting, progress)
    return written


@contextmanager
def _bulk_load(session: Session) -> Iterator[None]:
    """On SQLite, a page cache big enough for the FTS index being built (the default 2 MB makes every
    segment merge read the disk again); put back afterwards."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    conn = session.connection()
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before if before is not None else -2000)}")


def _write(backend: DatabaseBackend, batch: tuple[list[Any], int, token_pool.Pending], progress: Progress) -> int:
    docs, read, tokens = batch
    backend.index(docs, tokens=tokens(), replace=False)
    progress(read)
    return len(docs)


@dataclass
class EsRebuilt:
    index: str
    documents: int
    removed_indices: list[str]
    late_deletes: int


def rebuild_elasticsearch(session: Session, es: ElasticsearchBackend, indexed: IndexedType,
                          progress: Progress = _nothing) -> EsRebuilt:
    """Build ``<prefix>-<type>-v<N+1>``, load every public object, swap the alias onto it, drop the old one.

    Changes made meanwhile reach the new index too: the outbox drain writes to the ``-next`` alias while it
    exists, and external versions (the database clock read before each load) let the newer state win.
    """
    rebuild = es.start_rebuild(indexed.name)
    try:
        version = clock_us(session)
        for docs, read in registry.public_documents(session, indexed):
            es.load(rebuild, docs, version=version)
            progress(read)
        # Objects that stopped being public after they were read but before their delete reached the new
        # index (or whose tombstone expired): delete them now, versioned, so a newer write still wins.
        late_version = clock_us(session)
        late = es.rebuild_ids(rebuild) - public_ids(session, indexed)
        if late:
            es.apply_to_rebuild(rebuild, sorted(late), version=late_version)
        removed = es.finish_rebuild(rebuild)
    except BaseException:
        es.abort_rebuild(rebuild)
        raise
    return EsRebuilt(index=rebuild.index, documents=rebuild.loaded, removed_indices=removed, late_deletes=len(late))


# -- comparing -----------------------------------------------------------------------------------------

@dataclass
class Difference:
    missing: list[int]  # should be indexed, are not
    extra: list[int]  # are indexed, should not be

    @property
    def ok(self) -> bool:
        return not self.missing and not self.extra


def _diff(expected: set[int], actual: set[int]) -> Difference:
    return Difference(missing=sorted(expected - actual), extra=sorted(actual - expected))


@dataclass
class Backlog:
    waiting: int = 0
    due: int = 0
    stuck: int = 0
    oldest: dt.datetime | None = None
    last_error: str | None = None


@dataclass
class TypeStatus:
    name: str
    objects: int
    database_documents: int
    database: Difference
    elasticsearch_documents: int | None = None
    elasticsearch: Difference | None = None
    elasticsearch_error: str | None = None
    elasticsearch_index: str | None = None
    backlog: Backlog = field(default_factory=Backlog)

    @property
    def ok(self) -> bool:
        es_ok = self.elasticsearch is None or self.elasticsearch.ok
        return self.database.ok and es_ok and self.elasticsearch_error is None and not self.backlog.stuck


def status(session: Session, es: ElasticsearchBackend | None, types: list[IndexedType], *,
           max_attempts: int) -> list[TypeStatus]:
    out = []
    for indexed in types:
        expected = public_ids(session, indexed)
        in_db = DatabaseBackend(session).ids(indexed.name)
        st = TypeStatus(name=indexed.name, objects=len(expected), database_documents=len(in_db),
                        database=_diff(expected, in_db), backlog=backlog(session, indexed.name, max_attempts))
        if es is not None and not es.ping():  # the short timeout: a hung server costs monitoring a second
            st.elasticsearch_error = "elasticsearch does not answer"
        elif es is not None:
            try:
                in_es = es.ids(indexed.name)
                st.elasticsearch_index = es.current_index(indexed.name)
            except SearchUnavailable as exc:
                st.elasticsearch_error = str(exc)
            else:
                st.elasticsearch_documents = len(in_es)
                st.elasticsearch = _diff(expected, in_es)
        out.append(st)
    return out


def backlog(session: Session, doc_type: str, max_attempts: int) -> Backlog:
    where = SearchOutbox.doc_type == doc_type
    row = session.execute(select(func.count(), func.min(SearchOutbox.created_at)).where(where)).one()
    due = session.scalar(select(func.count()).where(where, SearchOutbox.next_attempt_at <= utcnow())) or 0
    stuck = session.scalar(select(func.count()).where(where, SearchOutbox.attempts >= max_attempts)) or 0
    error = session.scalar(select(SearchOutbox.last_error).where(where, SearchOutbox.last_error.is_not(None))
                           .order_by(SearchOutbox.id.desc()).limit(1))
    oldest = row[1]
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    return Backlog(waiting=row[0] or 0, due=due, stuck=stuck, oldest=oldest, last_error=error)
