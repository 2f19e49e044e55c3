"""Pooled PostgreSQL connections are checked before use only after sitting idle (core.db.ping_idle_connections):
a connection whose server side went away while it sat in the pool is replaced without a failed request, and a
connection back in the pool a moment ago is used without the extra round trip."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from techmarket.app import create_app
from techmarket.config import ConfigError
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
