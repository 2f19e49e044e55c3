"""The polled status of a running auction is reused for ``AUCTION_STATUS_CACHE_SECONDS`` without a database
read; a bid taken by the same worker, the auction's start and its end make the next poll read it again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import event

from techmarket.accounts.services import actor_for
from techmarket.extensions import db
from techmarket.trading.auctions import bidding, services
from techmarket.trading.auctions.views.common import provide_status_snapshots
from tests.trading.builders import scene

T0 = dt.datetime(2031, 6, 2, 1, 0, tzinfo=dt.UTC)


def _statements(app: Any) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_status_is_reused_until_a_bid_here_or_the_start_or_the_end(app, make, signin) -> None:
    app.config["AUCTION_STATUS_CACHE_SECONDS"] = 3600  # longer than the test: only the events below refresh it
    provide_status_snapshots(app)
    clock = {"now": T0 - dt.timedelta(minutes=5)}
    app.config["AUCTION_CLOCK"] = lambda: clock["now"]
    sc = scene(make)
    rival = make.org(status="verified")
    auction = services.create(db.session, sc.s, sc.listing, services.AuctionData(
        mode="english", trade_mode="transfer", start_price=Decimal(100000), increment=Decimal(1000), starts_at=T0,
        free_ends_at=T0 + dt.timedelta(hours=1), deposit_amount=Decimal(0)), now=clock["now"])
    operator = actor_for(make.operator())
    services.approve(db.session, operator, auction)
    for org in (sc.buyer_org, rival):
        who = actor_for(org.memberships[0].user)
        services.qualify(db.session, operator, services.register(db.session, who, auction, org.id, agreement=True,
                                                                 now=clock["now"]))
    db.session.commit()
    auction_id, ends_at = auction.id, auction.ends_at
    buyer, anyone = signin(sc.buyer), signin(make.user())
    url = f"/auctions/{auction_id}/status.json"

    assert anyone.get(url).get_json()["status"] == "scheduled"
    statements = _statements(app)
    clock["now"] = T0 - dt.timedelta(minutes=1)
    again = anyone.get(url).get_json()
    assert again["status"] == "scheduled" and again["server_time"] == clock["now"].isoformat()
    assert statements == []  # the snapshot, with the server's time of now

    clock["now"] = T0 + dt.timedelta(minutes=1)  # the start has come: read again, and opened by the read
    assert anyone.get(url).get_json()["status"] == "open" and statements
    statements.clear()
    assert anyone.get(url).get_json()["bid_count"] == 0 and statements == []

    # a bid taken by another worker shows when the snapshot expires (here: not within the test)
    bidding.place(db.session, actor_for(rival.memberships[0].user), auction_id, Decimal(100000), "elsewhere",
                  now=clock["now"])
    db.session.commit()
    assert anyone.get(url).get_json()["bid_count"] == 0
    # a bid taken by this worker shows at the next poll
    placed = buyer.post(f"/auctions/{auction_id}/bid", data={"key": "here", "amount": "101000"},
                        headers={"Accept": "application/json"})
    assert placed.status_code == 201
    body = anyone.get(url).get_json()
    assert (body["bid_count"], body["high"]) == (2, "101000.00")

    statements.clear()
    clock["now"] = ends_at + dt.timedelta(seconds=1)  # the end has come: read again, and closed by the read
    closed = anyone.get(url).get_json()
    assert closed["status"] not in ("open", "scheduled") and statements
    statements.clear()
    anyone.get(url)
    assert statements  # a closed auction is not kept: its publicity and objections move on by the day


def test_no_snapshot_when_the_setting_is_zero(app, make, signin) -> None:
    clock = {"now": T0 + dt.timedelta(minutes=1)}
    app.config["AUCTION_CLOCK"] = lambda: clock["now"]
    sc = scene(make)
    auction = services.create(db.session, sc.s, sc.listing, services.AuctionData(
        mode="english", trade_mode="transfer", start_price=Decimal(100000), increment=Decimal(1000), starts_at=T0,
        free_ends_at=T0 + dt.timedelta(hours=1), deposit_amount=Decimal(0)), now=T0 - dt.timedelta(days=1))
    services.approve(db.session, actor_for(make.operator()), auction)
    db.session.commit()
    client = signin(make.user())
    client.get(f"/auctions/{auction.id}/status.json")
    statements = _statements(app)
    client.get(f"/auctions/{auction.id}/status.json")
    assert statements
