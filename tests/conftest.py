"""Fixtures: an app per database backend (SQLite always, PostgreSQL when configured), real commits.

``TECHMARKET_TEST_DATABASE_URL`` adds PostgreSQL; ``TECHMARKET_TEST_REQUIRE_SERVICES=1`` (set by .ci/run)
turns a missing service into a failure instead of a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from techmarket.app import create_app
from techmarket.extensions import db
from tests.accounts.support import isolate_requests
from tests.factories import Factories

PG_URL = os.environ.get("TECHMARKET_TEST_DATABASE_URL", "")
REQUIRE = os.environ.get("TECHMARKET_TEST_REQUIRE_SERVICES") == "1"
KEEP_TABLES = {"division", "alembic_version"}


def pytest_configure(config: pytest.Config) -> None:
    if REQUIRE and not PG_URL:
        raise pytest.UsageError("TECHMARKET_TEST_REQUIRE_SERVICES=1 but TECHMARKET_TEST_DATABASE_URL is not set")


# Tests that take a minute or more (make test's --durations lists them): first within their database's block, so
# that xdist's other workers share the rest of the suite meanwhile instead of one worker finishing with a long
# test alone. The blocks (SQLite, PostgreSQL, no database) keep their order: each switch between them sets a
# database up again.
SLOW_FIRST = ("tests/web/test_fuzz_inputs.py::test_every_form_and_query_with_hostile_values",
              "tests/trading/test_demo_trading.py::test_demo_trading_loaded_once",
              "tests/listings/test_services_demo.py", "tests/contracts/test_demo_contracts.py",
              "tests/web/test_fuzz_inputs.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def key(item: pytest.Item) -> tuple[int, bool]:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("database") if callspec is not None else None
        return {"sqlite": 0, "postgresql": 1}.get(str(backend), 2), not item.nodeid.startswith(SLOW_FIRST)

    items.sort(key=key)  # stable: the rest keep their order


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def _overrides(url: str, instance: Path) -> dict:
    return {
        "ENV": "testing",
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "INSTANCE_PATH": str(instance),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "HOME_CACHE_SECONDS": 0,
        "AUCTION_STATUS_CACHE_SECONDS": 0,  # tests/trading/test_auction_status_cache.py turns it on
        # Real scrypt at a small cost: production strength would make every sign-in in the suite slow.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        # Jobs at once, in the caller (tests of the real runners set "local" or "rq" and drain the queue).
        "JOBS_BACKEND": "inline",
    }


def _private_postgres(url: str) -> str:
    """A database of this test process's own (concurrent runs must not share one), created fresh."""
    base = sa.engine.make_url(url)
    name = f"{base.database}_{os.getpid()}"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _drop_postgres(url: str) -> None:
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=backends())
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A database migrated to head once per session and backend."""
    kind = request.param
    instance = tmp_path_factory.mktemp(f"instance-{kind}")
    if kind == "sqlite":
        url = f"sqlite:///{instance / 'test.db'}"
    else:
        try:
            url = _private_postgres(PG_URL)
        except sa.exc.OperationalError as exc:
            if REQUIRE:
                raise
            pytest.skip(f"PostgreSQL not reachable: {exc}")
    app = create_app(_overrides(url, instance))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield kind, url
    if kind == "postgresql":
        _drop_postgres(url)


def _clean(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                # Only the tables a test wrote to, emptied with DELETE: a TRUNCATE of every table makes new files
                # for each table and index and took most of a PostgreSQL test's time. Then the ids start at 1.
                probe = " UNION ALL ".join(f"SELECT {i} WHERE EXISTS (SELECT 1 FROM \"{t.name}\")"
                                           for i, t in enumerate(tables))
                written = {int(row[0]) for row in conn.execute(sa.text(probe))}
                for i, t in enumerate(tables):
                    if i in written:
                        conn.execute(t.delete())
                conn.execute(sa.text("SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) "
                                     "FROM pg_sequences WHERE last_value IS NOT NULL"))
            else:
                for t in tables:
                    conn.execute(t.delete())
            conn.execute(sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)"), {"h": "0" * 64})


@pytest.fixture()
def app(database: tuple[str, str], tmp_path: Path) -> Iterator[Flask]:
    _kind, url = database
    application = create_app(_overrides(url, tmp_path))
    isolate_requests(application)
    _clean(application)
    ctx = application.app_context()
    ctx.push()
    yield application
    db.session.remove()
    ctx.pop()
    with application.app_context():
        db.engine.dispose()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture()
def make(app: Flask) -> Factories:
    return Factories(app)


@pytest.fixture()
def login(client: FlaskClient):
    def do(user_or_email: object, password: str = "Sekret-pass-42") -> FlaskClient:
        email = getattr(user_or_email, "email", user_or_email)
        resp = client.post("/account/login", data={"email": email, "password": password})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        return client

    return do


@pytest.fixture()
def signin(app: Flask):
    """A fresh client signed in as the given user (each client is a separate browser session)."""

    def do(user_or_email: object, password: str = "Sekret-pass-42", **extra: str) -> FlaskClient:
        email = getattr(user_or_email, "email", user_or_email)
        c = app.test_client()
        resp = c.post("/account/login", data={"email": email, "password": password, **extra})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        return c

    return do


@pytest.fixture
def embedded_only(database: tuple[str, str]) -> None:
    """For checks of what only the embedded default (SQLite) runs, such as ``demo load`` (refused in production);
    one demo test (tests/trading/test_demo_trading.py) still loads the whole demo on PostgreSQL too."""
    if database[0] != "sqlite":
        pytest.skip("the demo is the embedded default's; tests/trading/test_demo_trading.py loads it on PostgreSQL")
