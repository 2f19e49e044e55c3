"""The digest part of bench/matching.py: users and daily subscriptions bulk-inserted, then two digest runs."""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

from _listings_data import FIELD_WEIGHTS, TOPICS
from flask import Flask
from sqlalchemy import insert, select

from techmarket.accounts.models import User
from techmarket.core.components import component
from techmarket.extensions import db
from techmarket.listings.models import Listing
from techmarket.matching import alert_tasks, alerts, subscriptions
from techmarket.matching.models import Subscription
from techmarket.search.service import SearchService

PREFECTURES = ["150100", "150200", "150300", "150400", "150500", "150600", "150700", "150800", "150900",
               "152200", "152500", "152900"]


def _subscriptions(n: int, users: list[int], org: int, demands: list[int], rng: random.Random,
                   since: dt.datetime) -> list[dict[str, Any]]:
    """Saved searches (40%, 400 distinct ones, some with a field filter), fields (25%), 盟市 (15%),
    organisations (10%), demand matches (10%); each user at most one of each target."""
    fields = list(FIELD_WEIGHTS)
    words = sorted({t for topics in TOPICS.values() for t in topics})
    searches = []
    for _ in range(400):
        query = [["q", rng.choice(words)]]
        if rng.random() < 0.3:
            query.append(["field", rng.choice(fields)])
        searches.append(subscriptions.canonical_query(query))
    out: dict[tuple[int, str, str], dict[str, Any]] = {}
    while len(out) < n:
        user = rng.choice(users)
        r = rng.random()
        query: list[list[str]] = []
        if r < 0.4:
            query = rng.choice(searches)
            kind, target = "search", subscriptions.search_target(query)
        elif r < 0.65:
            kind, target = "field", rng.choice(fields)
        elif r < 0.8:
            kind, target = "region", rng.choice(PREFECTURES)
        elif r < 0.9:
            kind, target = "org", str(org if rng.random() < 0.05 else org + 1 + rng.randrange(1000))
        else:
            kind, target = "demand", str(rng.choice(demands))
        out[(user, kind, target)] = {"user_id": user, "kind": kind, "target": target, "query": query,
                                     "label": target, "frequency": "daily", "created_at": since}
    return list(out.values())


def digest_figures(app: Flask, n: int, achievements: int, day: int, org: int) -> dict[str, Any]:
    rng = random.Random(13)
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(insert(User), [{"email": f"reader{i}@example.cn", "name": f"读者{i}", "password_hash": "x",
                                         "language": "zh_Hans_CN", "active": True, "created_at": now,
                                         "auth_version": 1} for i in range(max(1, n // 2))])
        users = list(db.session.scalars(select(User.id)))
        demands = list(db.session.scalars(select(Listing.id).where(Listing.kind == "demand")))
        with db.engine.begin() as conn:
            conn.execute(insert(Subscription), _subscriptions(n, users, org, demands, rng,
                                                              now - dt.timedelta(days=30)))
        db.session.remove()  # type: ignore[attr-defined]
        search = component(SearchService, app)
        t0 = time.perf_counter()
        report = alerts.run_digest(db.session, search, "daily", now)
        db.session.commit()
        matched = time.perf_counter() - t0
        t0 = time.perf_counter()
        alert_tasks.send(report.digests)
        mailed = time.perf_counter() - t0
        db.session.remove()  # type: ignore[attr-defined]
        t0 = time.perf_counter()
        again = alerts.run_digest(db.session, search, "daily", now)
        db.session.commit()
        second = time.perf_counter() - t0
    return {"subscriptions": report.subscriptions, "new_listings": report.items, "digests": len(report.digests),
            "items_delivered": sum(len(d.items) for d in report.digests),
            "match_and_record_seconds": round(matched, 2), "queue_mail_seconds": round(mailed, 2),
            "total_seconds": round(matched + mailed, 2), "second_run_digests": len(again.digests),
            "second_run_seconds": round(second, 2), "goal": "10,000 subscriptions in < 60 s on SQLite"}
