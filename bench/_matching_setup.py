"""Shared by the matching benchmarks: a fresh migrated SQLite application, an organisation, bulk listings."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import insert, select

from techmarket.app import create_app
from techmarket.demo.loader import demo_code
from techmarket.extensions import db
from techmarket.listings.models import Listing, ListingTag
from techmarket.orgs.models import Organisation
from techmarket.search import indexing, registry


def make_app(url: str | None = None) -> tuple[Flask, Path]:
    tmp = Path(tempfile.mkdtemp(prefix="tm-matching-"))
    app = create_app({"ENV": "development", "DATABASE_URL": url or f"sqlite:///{tmp / 'bench.db'}",
                      "SECRET_KEY": "bench-" + "x" * 40, "INSTANCE_PATH": str(tmp), "HOME_CACHE_SECONDS": 0})
    with app.app_context():
        upgrade()
    return app, tmp


def organisation(app: Flask) -> int:
    now = dt.datetime.now(dt.UTC)
    name = "内蒙古匹配基准科技有限公司"
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(insert(Organisation), [{
            "name": name, "org_type": "enterprise", "credit_code": demo_code("91", "150102", name),
            "region_kind": "local", "division_code": "150102", "status": "verified", "created_at": now,
            "updated_at": now}])
        return int(conn.execute(select(Organisation.id)).scalar_one())


def insert_listings(app: Flask, rows: Iterable[dict[str, Any]], chunk: int = 5000, workers: int | None = 0) -> None:
    """Published listings (``kind``, ``title``, ``summary``, ``description``, ``keywords``, ``fields`` ...)
    written with bulk inserts, then indexed by the real rebuild (``techmarket search reindex``)."""
    now = dt.datetime.now(dt.UTC)
    batch: list[dict[str, Any]] = []
    tags: list[dict[str, Any]] = []

    def flush() -> None:
        with db.engine.begin() as conn:
            conn.execute(insert(Listing), batch)
            if tags:
                conn.execute(insert(ListingTag), tags)
        batch.clear()
        tags.clear()

    with app.app_context():
        for row in rows:
            fields = row.pop("fields", [])
            modes = row.pop("modes", [])
            batch.append({"status": "published", "published_at": now, "created_at": now, "updated_at": now,
                          "version": 1, "negotiable": True, "summary": "", "description": "", "keywords": [],
                          "contact_name": "联系人", "contact_phone": "0471-6600000",
                          "contact_email": "c@example.cn", "maturity": None, "prefecture_code": None,
                          "amount_min": None, "amount_max": None} | row)
            tags.extend({"listing_id": row["id"], "facet": "field", "value": f[:32]} for f in fields)
            tags.extend({"listing_id": row["id"], "facet": "mode", "value": m} for m in modes)
            if len(batch) >= chunk:
                flush()
        if batch:
            flush()
        indexing.rebuild_database(db.session, registry.get("listing"), workers=workers)
        db.session.commit()
        db.session.remove()  # type: ignore[attr-defined]
