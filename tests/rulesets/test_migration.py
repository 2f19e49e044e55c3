"""The migration creates the rule-set tables and stores every shipped rule set as version 1."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from techmarket.app import create_app
from techmarket.extensions import db
from techmarket.policy import DEFAULT_RULE_SETS
from techmarket.rulesets import services
from techmarket.rulesets.models import RuleSetVersion
from tests.conftest import _overrides


@pytest.fixture()
def fresh_url(database: tuple[str, str], tmp_path: Path) -> Iterator[str]:
    """An empty database of the backend under test (a new PostgreSQL database, or a new SQLite file)."""
    kind, url = database
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"techmarket_fresh_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(sa.engine.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migration_stores_every_shipped_rule_set(fresh_url: str, tmp_path: Path) -> None:
    app = create_app(_overrides(fresh_url, tmp_path / "instance"))
    with app.app_context():
        upgrade()
        try:
            rows = db.session.scalars(sa.select(RuleSetVersion).order_by(RuleSetVersion.id)).all()
            assert [(r.name, r.version) for r in rows] == [(rs.name, 1) for rs in DEFAULT_RULE_SETS]
            for row, shipped in zip(rows, DEFAULT_RULE_SETS, strict=True):
                assert row.to_rule_set().to_json() == shipped.to_json()
                assert row.created_by_id is None
            # The stored rule book is exactly the shipped one, and nothing is left to seed.
            book = services.rulebook(db.session)
            assert [rs.to_json() for rs in book] == sorted((rs.to_json() for rs in DEFAULT_RULE_SETS),
                                                            key=lambda d: d["name"])
            assert services.seed_defaults(db.session) == 0
        finally:
            db.session.remove()
            db.engine.dispose()
