"""Declarative base: naming convention, UTC-aware datetimes and ``Decimal`` money."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import time
from decimal import Decimal
from typing import Any, TypeVar

from psycopg import ServerCursor
from psycopg.pq import TransactionStatus
from sqlalchemy import DateTime, MetaData, Numeric, String, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, registry
from sqlalchemy.types import TypeDecorator

from techmarket.core.errors import NotFound

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores UTC; refuses naive datetimes; always returns aware UTC datetimes (SQLite included)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use techmarket.core.clock.utcnow()")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


Money = Numeric(18, 2, asdecimal=True)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dt.datetime: UTCDateTime(), Decimal: Money, str: String(255)},
    )


class IdMixin:
    id: Mapped[int] = mapped_column(primary_key=True)


def configure_engine(engine: Engine, *, ping_after: float = 10.0) -> None:
    """PostgreSQL: pooled connections idle ``ping_after`` seconds are checked before use
    (:func:`ping_idle_connections`), and a unit of work's transaction begins at its first write
    (:func:`begin_at_first_write`). SQLite: enforce foreign keys, write-ahead log, wait for locks instead of
    failing.

    The driver's own transaction handling stays on: it begins a transaction at the first write, so reading
    holds no snapshot that a later write would have to upgrade (which SQLite refuses at once under load).
    A SAVEPOINT outside a write would therefore be a transaction (and a durable commit) of its own: work that
    reads inside savepoints (bulk import) calls :func:`begin_write` first.
    """
    if engine.dialect.name != "sqlite":
        ping_idle_connections(engine, ping_after)
        begin_at_first_write(engine)
        return

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        # Reads through a memory map and a 16 MiB page cache instead of a read() per page through the default
        # 2 MiB cache: the browse page's index lookups at 100,000 listings take half the time (bench/listings.py).
        cur.execute("PRAGMA mmap_size=268435456")
        cur.execute("PRAGMA cache_size=-16384")
        cur.close()


_IDLE = TransactionStatus.IDLE
_LOCKING = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?UPDATE\b|\bFOR\s+(?:KEY\s+)?SHARE\b", re.IGNORECASE)


def reads_only(statement: str) -> bool:
    """A plain SELECT: no write and no row lock, so it needs no transaction of its own."""
    return statement.lstrip()[:6].upper() == "SELECT" and _LOCKING.search(statement) is None


def begin_at_first_write(engine: Engine) -> None:
    """PostgreSQL connections run in autocommit mode (the engine's ``isolation_level``) until a statement needs a
    transaction: before the first write, row lock, savepoint, DDL or server-side cursor of a unit of work,
    ``BEGIN`` is sent, and the unit's commit or rollback ends it as before (psycopg sends COMMIT or ROLLBACK while
    a transaction is open).

    Under READ COMMITTED, PostgreSQL's default and ours, every statement sees the data committed when it starts,
    inside a transaction or not, so the reads before the first write see what they saw before. What changes is
    the cost: a request that only reads (most pages, a refused bid, a status poll) no longer spends a round trip
    on BEGIN and one on ROLLBACK, two of a refused bid's four."""

    @event.listens_for(engine, "before_cursor_execute")
    def _begin_before_write(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                            executemany: bool) -> None:
        if cursor.connection.info.transaction_status == _IDLE and (
                isinstance(cursor, ServerCursor) or not reads_only(statement)):  # a server-side cursor: DECLARE
            cursor.connection.execute("BEGIN")


def ping_idle_connections(engine: Engine, after: float) -> None:
    """Check a pooled connection with the dialect's ping when it comes out of the pool after sitting idle for
    ``after`` seconds or more; a dead one is replaced before the request uses it (the pool retries the checkout
    on ``DisconnectionError``). ``pool_pre_ping`` pings on every checkout: one more round trip per request, a
    tenth of a busy worker's time, for connections a busy worker used a moment ago. A connection that breaks
    while in use is still reported by the statement that finds it, and the pool then drops the others."""

    @event.listens_for(engine, "checkin")
    def _idle_from(dbapi_conn: Any, record: Any) -> None:
        record.info["idle_from"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn: Any, record: Any, proxy: Any) -> None:
        idle_from = record.info.get("idle_from")
        if idle_from is None or time.monotonic() - idle_from < after:
            return  # new, or back in the pool a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"idle pooled connection failed its check: {exc}") from exc
        if not alive:
            raise DisconnectionError("idle pooled connection failed its check")


def begin_write(session: Session) -> None:
    """On SQLite, take the database's write lock now, as the transaction's first statement (``BEGIN
    IMMEDIATE``, which waits up to the busy timeout for another writer instead of failing), unless this
    session's connection already holds it. Savepoints inside are then real nested savepoints, and no read
    in the transaction can be invalidated by another connection's commit ("database is locked"). A no-op on
    other databases (row locks, MVCC). The caller commits as usual."""
    if session.get_bind().dialect.name != "sqlite":
        return
    connection = session.connection()
    dbapi = connection.connection.dbapi_connection
    if dbapi is not None and not dbapi.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_locked(exc: BaseException) -> bool:
    """SQLite's "database is locked" (another writer held the lock past the busy timeout): worth a retry."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


_Row = TypeVar("_Row")


def get_or_not_found(session: Session, model: type[_Row], ident: Any, message: Any) -> _Row:
    """The row of ``model`` with primary key ``ident``, or :class:`NotFound` with ``message`` (translated)."""
    row = session.get(model, ident)
    if row is None:
        raise NotFound(message)
    return row
