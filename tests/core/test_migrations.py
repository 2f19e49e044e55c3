"""The migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from techmarket.extensions import db
from techmarket.models import include_object


def test_models_and_migrations_do_not_drift(app, database):
    # The session fixture `database` upgraded an empty database to head with the migrations.
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True,
                                                     "include_object": include_object})
        diff = compare_metadata(ctx, db.metadata)
    assert diff == [], f"models and migrations differ on {database[0]}: {diff}"


def test_divisions_are_loaded(app):
    from techmarket.orgs.models import Division

    assert db.session.get(Division, "150200").name == "包头市"
    leagues = db.session.query(Division).filter_by(level="prefecture").count()
    assert leagues == 12
