#!/usr/bin/env python3
"""Recommendation latency: one demand among many published achievements, on SQLite. Prints one JSON object.

    .venv/bin/python bench/matching.py                       # 100,000 achievements
    .venv/bin/python bench/matching.py --achievements 20000 --calls 50

Achievements like bench/_listings_data.py's (topics of every policy field, 盟市, maturity, price, modes) are
bulk-inserted and indexed by the real rebuild (``techmarket search reindex``). Then, for one demand: the first
(cold) recommendation call, ``--calls`` warm calls of :func:`techmarket.matching.recommend.recommend` with the
suggestions computed again each time (search for candidates, profiles cached per listing version, document
frequencies counted by the search service and cached, the pure re-ranking, highlighting), as many calls answered
from the suggestions cache (same listing version within two minutes), and as many site searches for the demand's title
(:meth:`SearchService.search` with facets, 20 a page); p50/p95 of each and the ratio. Goal: p95 < 50 ms.

Then the alerts digest (issue #13): ``--subscriptions`` daily subscriptions of ``--subscriptions``/2 users (saved
searches, followed fields, 盟市 and organisations, demand matches) against a day of ``--day-listings`` new
listings (the other listings were published ten days before): the time of one ``techmarket matching digest``
(matching, recording, commit; then queueing the mails), and of a second run, which must send nothing.
Goal: under a minute for 10,000 subscriptions.
"""

from __future__ import annotations

import os
import sys

# bench/http.py is in this folder: drop the folder before importing anything that imports ``http``.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
from decimal import Decimal  # noqa: E402
from typing import Any  # noqa: E402

sys.path.append(_HERE)
from _alerts_bench import digest_figures  # noqa: E402
from _listings_data import FIELD_WEIGHTS, MODES_A, MODES_D, SUFFIXES, TOPICS  # noqa: E402
from _matching_setup import insert_listings, make_app, organisation  # noqa: E402

from techmarket.core.components import component  # noqa: E402
from techmarket.extensions import db  # noqa: E402
from techmarket.listings.models import Listing  # noqa: E402
from techmarket.listings.visibility import Viewer  # noqa: E402
from techmarket.matching import profiles  # noqa: E402
from techmarket.matching import recommend as recommendations  # noqa: E402
from techmarket.matching.recommend import recommend  # noqa: E402
from techmarket.search.documents import SearchQuery  # noqa: E402
from techmarket.search.query import parse  # noqa: E402
from techmarket.search.service import SearchService  # noqa: E402

PREFECTURES = ["150100", "150200", "150300", "150400", "150500", "150600", "150700", "150800", "150900",
               "152200", "152500", "152900"]
MATURITY = ["lab", "pilot_small", "pilot", "trial_production", "industrialised"]
DEMAND: dict[str, Any] = {
          "title": "储能电站热管理与全钒液流电池系统集成需求", "summary": "寻求大规模储能电站的电池热管理方案。",
          "description": "面向风光储一体化项目，需要全钒液流电池储能系统的热管理与智能控制技术。",
          "keywords": ["储能", "液流电池", "热管理"], "fields": ["energy_storage"], "modes": ["co_development"],
          "prefecture_code": "150200", "amount_min": Decimal("1000000"), "amount_max": Decimal("3000000")}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def rows(n: int, org: int, seed: int = 20261203, day: int = 0) -> list[dict[str, Any]]:
    """``n`` achievements published ten days ago, one demand, then ``day`` listings published today (a third of
    them demands)."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    fields, weights = list(FIELD_WEIGHTS), list(FIELD_WEIGHTS.values())
    out = []
    for i in range(1, n + 1):
        chosen = sorted(set(rng.choices(fields, weights, k=rng.choice([1, 1, 2]))))
        topic = rng.choice(TOPICS[chosen[0]])
        suffix = rng.choice(SUFFIXES)
        low = Decimal(rng.randrange(10, 500) * 10_000)
        out.append({"id": i, "kind": "achievement", "organisation_id": org, "title": f"{topic}{suffix}",
                    "summary": f"面向{topic}的{rng.choice(SUFFIXES)}，已在区内企业验证。",
                    "description": f"## 概述\n\n{topic}相关技术，指标国内领先。" * 3, "keywords": [topic, suffix],
                    "fields": chosen, "modes": sorted(set(rng.sample(MODES_A, k=2))),
                    "prefecture_code": rng.choice(PREFECTURES), "maturity": rng.choice(MATURITY),
                    "negotiable": False, "amount_min": low, "amount_max": low * 2,
                    "published_at": now - dt.timedelta(days=10) if i <= n - day else now - dt.timedelta(hours=2)})
    for i in range(n - day + 1, n + 1):
        if i % 3 == 0:
            out[i - 1]["kind"] = "demand"
            out[i - 1]["modes"] = ["co_development"]
            out[i - 1]["maturity"] = None
    out.append({"id": n + 1, "kind": "demand", "organisation_id": org, **DEMAND,
                "published_at": now - dt.timedelta(days=10)})
    assert DEMAND["modes"][0] in MODES_D
    return out


def run(opts: argparse.Namespace) -> dict[str, Any]:
    app, _tmp = make_app()
    org = organisation(app)
    started = time.perf_counter()
    insert_listings(app, rows(opts.achievements, org, day=opts.day_listings), workers=None)
    built = time.perf_counter() - started
    operator = Viewer(None, frozenset(), True, True)
    with app.app_context():
        search = component(SearchService, app)
        demand = db.session.get(Listing, opts.achievements + 1)
        assert demand is not None
        profiles.forget()
        recommendations.forget()
        t0 = time.perf_counter()
        first = recommend(db.session, search, operator, demand)
        cold = time.perf_counter() - t0
        calls, cached, searches = [], [], []
        query = SearchQuery(terms=parse(demand.title).terms, per_page=20)
        for _ in range(opts.calls):
            recommendations.forget()  # the suggestions computed again (profiles and frequencies stay cached)
            t0 = time.perf_counter()
            recommend(db.session, search, operator, demand)
            calls.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            recommend(db.session, search, operator, demand)
            cached.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            search.search(db.session, query)
            searches.append(time.perf_counter() - t0)
        load = os.getloadavg()
    return {"achievements": opts.achievements, "build_and_index_seconds": round(built, 1),
            "suggestions": len(first.suggestions), "best": [s.listing.title for s in first.suggestions[:3]],
            "recommend_cold_ms": round(1000 * cold, 1),
            "recommend": {"p50_ms": pct(calls, 0.5), "p95_ms": pct(calls, 0.95), "n": len(calls)},
            "recommend_cached": {"p50_ms": pct(cached, 0.5), "p95_ms": pct(cached, 0.95), "n": len(cached),
                                 "what": "the same listing version within recommend.CACHE_SECONDS"},
            "search": {"p50_ms": pct(searches, 0.5), "p95_ms": pct(searches, 0.95), "n": len(searches)},
            "ratio_p50": round(pct(calls, 0.5) / max(pct(searches, 0.5), 0.01), 2),
            "ratio_p95": round(pct(calls, 0.95) / max(pct(searches, 0.95), 0.01), 2),
            "goal": "recommend p95 < 50 ms on SQLite", "loadavg": [round(x, 2) for x in load],
            "digest": digest_figures(app, opts.subscriptions, opts.achievements, opts.day_listings, org)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--achievements", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--day-listings", type=int, default=200)
    print(json.dumps(run(parser.parse_args()), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
