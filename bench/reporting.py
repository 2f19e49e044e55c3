#!/usr/bin/env python3
"""Statistics latency at market scale, on SQLite. Prints one JSON object.

    .venv/bin/python bench/reporting.py                          # 100,000 listings, 50,000 contracts
    .venv/bin/python bench/reporting.py --listings 20000 --contracts 10000 --calls 30

Bulk-inserts published listings (one or two fields each, spread over six years and the 12 盟市), registered
contracts, concluded deals and inquiry threads; runs the real rebuild (``techmarket reporting rebuild``) and times
it; then times ``--calls`` requests of the public statistics page through the application (the whole request:
filters, the tally read, the template) for the default period (this year), a five-year period and one 盟市, the
staff dashboard's figures (:func:`techmarket.reporting.queries.dashboard` with the staff tables), one event's
recount (:func:`techmarket.reporting.tally.refresh` of one contract) and, for comparison, the same figures as
plain GROUP BY queries over the domain tables. Goal: dashboard p95 < 300 ms.
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from decimal import Decimal  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from techmarket.accounts.models import User  # noqa: E402
from techmarket.app import create_app  # noqa: E402
from techmarket.contracts.models import Contract  # noqa: E402
from techmarket.core.clock import local_today  # noqa: E402
from techmarket.demo.loader import demo_code  # noqa: E402
from techmarket.extensions import db  # noqa: E402
from techmarket.listings.constants import FIELDS  # noqa: E402
from techmarket.listings.models import InquiryThread, Listing, ListingTag  # noqa: E402
from techmarket.orgs.models import Organisation  # noqa: E402
from techmarket.reporting import queries, tally  # noqa: E402
from techmarket.reporting.sources import SOURCES  # noqa: E402
from techmarket.trading.models import Deal  # noqa: E402

PREFECTURES = ["150100", "150200", "150300", "150400", "150500", "150600", "150700", "150800", "150900",
               "152200", "152500", "152900"]
TYPES = [("development", "commissioned"), ("transfer", "patent"), ("licence", "patent_ordinary"),
         ("consulting", "consulting"), ("service", "service")]
MODES = ["transfer", "licence_ordinary", "co_development", "service"]
CHUNK = 5000


def _when(rng: random.Random, years: int = 6) -> dt.datetime:
    end = dt.datetime.now(dt.UTC)
    return end - dt.timedelta(seconds=rng.randrange(years * 365 * 86400))


def populate(app: Any, n_listings: int, n_contracts: int, rng: random.Random) -> None:
    now = dt.datetime.now(dt.UTC)
    fields = list(FIELDS)
    with app.app_context(), db.engine.begin() as conn:
        orgs = [{"name": f"内蒙古基准科技有限公司{i}", "org_type": "enterprise",
                 "credit_code": demo_code("91", p, f"bench{i}"), "region_kind": "local",
                 "division_code": p, "status": "verified", "created_at": now, "updated_at": now}
                for i, p in enumerate(PREFECTURES)]
        conn.execute(insert(Organisation), orgs)
        conn.execute(insert(User), [{"email": "bench@example.cn", "name": "基准用户", "password_hash": "x"}])
        user_id = conn.execute(select(User.id)).scalar_one()
        org_ids = list(conn.execute(select(Organisation.id).order_by(Organisation.id)).scalars())
        listings, tags = [], []
        for i in range(1, n_listings + 1):
            k = rng.randrange(len(PREFECTURES))
            listings.append({"id": i, "kind": "achievement" if i % 3 else "demand", "organisation_id": org_ids[k],
                             "status": "published" if i % 10 else "withdrawn", "title": f"基准成果{i}",
                             "prefecture_code": PREFECTURES[k], "published_at": _when(rng), "created_at": now,
                             "updated_at": now, "version": 1, "negotiable": True, "keywords": []})
            for f in rng.sample(fields, rng.choice((1, 1, 2))):
                tags.append({"listing_id": i, "facet": "field", "value": f})
            if len(listings) >= CHUNK:
                conn.execute(insert(Listing), listings)
                conn.execute(insert(ListingTag), tags)
                listings, tags = [], []
        if listings:
            conn.execute(insert(Listing), listings)
            conn.execute(insert(ListingTag), tags)
        contracts = []
        for i in range(1, n_contracts + 1):
            k = rng.randrange(len(PREFECTURES))
            t, s = rng.choice(TYPES)
            total = Decimal(rng.randrange(50_000, 5_000_000))
            registered = _when(rng).date()
            contracts.append({"id": i, "seller_org_id": org_ids[k], "status": "registered" if i % 20 else "rescinded",
                              "title": f"基准合同{i}", "type_code": t, "subtype_code": s, "signed_on": registered,
                              "total_amount": total, "non_technical_amount": Decimal(0), "technical_amount": total,
                              "prefecture_code": PREFECTURES[k], "registered_on": registered,
                              "listing_id": rng.randrange(1, n_listings + 1), "created_at": now, "updated_at": now,
                              "version": 1})
            if len(contracts) >= CHUNK:
                conn.execute(insert(Contract), contracts)
                contracts = []
        if contracts:
            conn.execute(insert(Contract), contracts)
        deals, threads = [], []
        for i in range(1, n_contracts // 5 + 1):
            when = _when(rng)
            deals.append({"id": i, "listing_id": i * 3, "seller_org_id": org_ids[0], "buyer_org_id": org_ids[1],
                          "status": "concluded", "amount": Decimal(rng.randrange(10_000, 2_000_000)),
                          "mode": rng.choice(MODES), "concluded_on": when.date(), "created_at": when, "version": 1})
            threads.append({"id": i, "listing_id": i * 3 + 1, "organisation_id": org_ids[2], "created_at": when,
                            "started_by_id": user_id})
        for start in range(0, len(deals), CHUNK):
            conn.execute(insert(Deal), deals[start:start + CHUNK])
            conn.execute(insert(InquiryThread), threads[start:start + CHUNK])


def timed(fn: Callable[[], Any], calls: int) -> dict[str, float]:
    fn()  # warm
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1)}


def plain_queries(year_from: str) -> None:
    """The dashboard's contract and listing figures as GROUP BY queries over the domain tables (comparison)."""
    start = dt.date(int(year_from[:4]), 1, 1)
    month = func.strftime("%Y-%m", Contract.registered_on)
    base = select(func.count(), func.sum(Contract.technical_amount)).where(
        Contract.status == "registered", Contract.registered_on >= start)
    for group in (Contract.type_code, Contract.prefecture_code, month):
        db.session.execute(base.add_columns(group).group_by(group)).all()
    lbase = select(func.count()).where(Listing.status == "published", Listing.published_at >= dt.datetime(
        start.year, 1, 1, tzinfo=dt.UTC))
    for group in (Listing.prefecture_code, func.strftime("%Y-%m", Listing.published_at)):
        db.session.execute(lbase.add_columns(group).group_by(group)).all()
    db.session.execute(select(ListingTag.value, func.count()).join(Listing, Listing.id == ListingTag.listing_id)
                       .where(ListingTag.facet == "field", Listing.status == "published",
                              Listing.published_at >= dt.datetime(start.year, 1, 1, tzinfo=dt.UTC))
                       .group_by(ListingTag.value)).all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--contracts", type=int, default=50_000)
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tm-reporting-"))
    app = create_app({"ENV": "development", "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
                      "SECRET_KEY": "bench-" + "x" * 40, "INSTANCE_PATH": str(tmp), "HOME_CACHE_SECONDS": 0,
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
    rng = random.Random(20261203)
    t0 = time.perf_counter()
    populate(app, args.listings, args.contracts, rng)
    out: dict[str, Any] = {"listings": args.listings, "contracts": args.contracts,
                           "insert_s": round(time.perf_counter() - t0, 1)}
    with app.app_context():
        t0 = time.perf_counter()
        counted = tally.rebuild(db.session)
        db.session.commit()
        out["rebuild_s"] = round(time.perf_counter() - t0, 1)
        out["counted"] = counted
        out["tally_rows"] = db.session.scalar(select(func.count()).select_from(tally.TallyCell))
    client = app.test_client()
    today = local_today()
    five = f"{today.year - 4}-01"

    def page(query: str) -> Callable[[], None]:
        def get() -> None:
            resp = client.get("/statistics/" + query)
            assert resp.status_code == 200, resp.status_code
        return get

    out["public_page_this_year"] = timed(page(""), args.calls)
    out["public_page_five_years"] = timed(page(f"?from={five}"), args.calls)
    out["public_page_one_area"] = timed(page(f"?from={five}&area=150200"), args.calls)
    with app.app_context():
        filters = queries.Filters(five, f"{today.year}-{today.month:02d}")
        out["staff_figures_five_years"] = timed(lambda: queries.dashboard(db.session, filters, True), args.calls)
        contract_id = args.contracts // 2

        def recount() -> None:
            tally.refresh(db.session, SOURCES["contract"], [contract_id])
            db.session.rollback()
        out["one_event_recount"] = timed(recount, args.calls)
        out["plain_group_by_five_years"] = timed(lambda: plain_queries(five), max(5, args.calls // 4))
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
