"""PostgreSQL connections: checked before use only after sitting idle (core.db.ping_idle_connections): a
connection whose server side went away while it sat in the pool is replaced without a failed request, and a
connection back in the pool a moment ago is used without the extra round trip. Transactions begin at the first
write (core.db.begin_at_first_write): reads run without BEGIN and ROLLBACK, and a unit of work that writes is
still all or nothing, its row locks held to its end."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from psycopg.pq import TransactionStatus

from techmarket.app import create_app
from techmarket.config import ConfigError
from techmarket.core.db import reads_only
from techmarket.extensions import db
from tests.conftest import PG_URL, _overrides


@pytest.fixture()
def pg_url(database: tuple[str, str]) -> str:
    return database[1]


# a database server's connections only: a SQLite file has no connection to lose
def on_postgresql(test):  # type: ignore[no-untyped-def]
    test = pytest.mark.parametrize("database", ["postgresql"], indirect=True)(test)
    return pytest.mark.skipif(not PG_URL, reason="PostgreSQL is not configured")(test)


def _app(url: str, tmp_path: Path, ping_after: float) -> Iterator[Flask]:
    app = create_app(_overrides(url, tmp_path) | {"DB_PING_AFTER_SECONDS": ping_after})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _backend_pid() -> int:
    pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    db.session.remove()  # the connection goes back to the pool
    return int(pid)


def _kill(url: str, pid: int) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        for _ in range(50):  # terminating is asynchronous
            if conn.scalar(sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}) == 0:
                break
            time.sleep(0.02)
    engine.dispose()


def _pings(app: Flask) -> list[int]:
    seen: list[int] = []
    original = db.engine.dialect.do_ping

    def counting(dbapi_connection: object) -> bool:
        seen.append(1)
        return original(dbapi_connection)

    db.engine.dialect.do_ping = counting  # type: ignore[method-assign]
    return seen


@on_postgresql
def test_an_idle_connection_lost_in_the_pool_is_replaced_before_use(pg_url: str, tmp_path: Path) -> None:
    for app in _app(pg_url, tmp_path, 0.2):
        pings = _pings(app)
        first = _backend_pid()
        _kill(pg_url, first)
        time.sleep(0.3)  # idle past the threshold
        assert _backend_pid() != first  # no OperationalError: the check found it dead and the pool reconnected
        assert pings == [1]


@on_postgresql
def test_a_connection_used_a_moment_ago_is_not_pinged(pg_url: str, tmp_path: Path) -> None:
    for app in _app(pg_url, tmp_path, 60):
        pings = _pings(app)
        pid = _backend_pid()
        for _ in range(5):
            assert _backend_pid() == pid
        assert pings == []
        _kill(pg_url, pid)  # unnoticed while it sat in the pool this briefly: the statement that finds it fails
        with pytest.raises(sa.exc.OperationalError):
            _backend_pid()
        db.session.remove()
        assert _backend_pid() != pid  # and the pool has let go of it


@pytest.mark.parametrize("key", ["DB_PING_AFTER_SECONDS", "AUCTION_STATUS_CACHE_SECONDS"])
def test_the_seconds_are_validated(key: str) -> None:
    with pytest.raises(ConfigError, match=key):
        create_app({key: -1})


@pytest.mark.parametrize(("statement", "reads"), [
    ("SELECT user.id FROM user WHERE id = %(id)s", True),
    ("\n  select count(*) from listing", True),
    ("SELECT auction.id FROM auction WHERE auction.id = %(a)s FOR UPDATE", False),
    ("SELECT x FROM t FOR NO KEY UPDATE SKIP LOCKED", False),
    ("SELECT x FROM t FOR SHARE", False),
    ("WITH head AS (UPDATE audit_head SET seq = seq + 1 RETURNING seq) INSERT INTO audit_entry SELECT 1", False),
    ("INSERT INTO bid (amount) VALUES (%(a)s) RETURNING id", False),
    ("UPDATE auction SET version = 2", False),
    ("SAVEPOINT sa_savepoint_1", False),
    ("CREATE TABLE t (id int)", False),
])
def test_which_statements_need_a_transaction(statement: str, reads: bool) -> None:
    assert reads_only(statement) is reads


def _status() -> TransactionStatus:
    return TransactionStatus(db.session.connection().connection.dbapi_connection.info.transaction_status)


@on_postgresql
def test_reads_run_outside_a_transaction_and_the_first_write_begins_one(pg_url: str, tmp_path: Path) -> None:
    for _ in _app(pg_url, tmp_path, 10):
        db.session.execute(sa.text("SELECT count(*) FROM organisation"))
        assert _status() == TransactionStatus.IDLE  # no BEGIN was sent, so no ROLLBACK is needed either
        streamed = db.session.execute(sa.text("SELECT code FROM division").execution_options(yield_per=20))
        assert len(streamed.scalars().all()) > 100  # a server-side cursor (DECLARE) begins a transaction
        db.session.rollback()
        db.session.execute(sa.text("INSERT INTO division (code, name, level, in_gbt2260) "
                                   "VALUES ('159999', '测试旗', 'county', false)"))
        assert _status() == TransactionStatus.INTRANS
        db.session.execute(sa.text("SELECT count(*) FROM division"))
        db.session.rollback()  # all or nothing: the insert is gone
        assert db.session.scalar(sa.text("SELECT count(*) FROM division WHERE code = '159999'")) == 0
        db.session.execute(sa.text("INSERT INTO division (code, name, level, in_gbt2260) "
                                   "VALUES ('159999', '测试旗', 'county', false)"))
        db.session.commit()
        assert db.session.scalar(sa.text("SELECT count(*) FROM division WHERE code = '159999'")) == 1
        db.session.execute(sa.text("DELETE FROM division WHERE code = '159999'"))
        db.session.commit()


@on_postgresql
def test_a_row_lock_is_held_until_the_unit_of_work_ends(pg_url: str, tmp_path: Path) -> None:
    for _ in _app(pg_url, tmp_path, 10):
        code = db.session.scalar(sa.text("SELECT code FROM division ORDER BY code LIMIT 1"))
        db.session.execute(sa.text("SELECT code FROM division WHERE code = :c FOR UPDATE"), {"c": code})
        other = sa.create_engine(pg_url)
        with other.connect() as conn:
            with pytest.raises(sa.exc.OperationalError, match="could not obtain lock"):
                conn.execute(sa.text("SELECT code FROM division WHERE code = :c FOR UPDATE NOWAIT"), {"c": code})
            conn.rollback()
            db.session.rollback()  # the lock ends with the unit of work
            assert conn.execute(sa.text("SELECT code FROM division WHERE code = :c FOR UPDATE NOWAIT"),
                                {"c": code}).scalar() == code
        other.dispose()
