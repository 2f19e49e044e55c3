"""Two bidders in two browser contexts bid with the quick-bid buttons; a bid in the last minutes extends the end
(the server's clock injected); the read after the end closes the auction and shows the result -- in Chinese."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from techmarket.accounts.services import actor_for
from techmarket.extensions import db
from techmarket.trading.auctions import services
from tests.browser.conftest import PASSWORD, ConsoleWatch
from tests.browser.helpers import sign_in
from tests.factories import Factories
from tests.trading.builders import scene

pytestmark = pytest.mark.browser

T0 = dt.datetime(2031, 6, 2, 1, 0, tzinfo=dt.UTC)


def test_two_bidders_extension_and_close(page: Page, browser: Browser, live_app: Flask, live_server: str,
                                         console: ConsoleWatch) -> None:
    clock = {"now": T0 + dt.timedelta(minutes=3)}
    live_app.config["AUCTION_CLOCK"] = lambda: clock["now"]
    with live_app.app_context():
        make = Factories(live_app)
        sc = scene(make)
        second = make.org(status="verified")
        op = actor_for(make.operator())
        auction = services.create(db.session, sc.s, sc.listing, services.AuctionData(
            mode="english", trade_mode="transfer", start_price=Decimal(100000), increment=Decimal(5000),
            starts_at=T0, free_ends_at=T0 + dt.timedelta(hours=1), deposit_amount=Decimal(0)),
            now=T0 - dt.timedelta(days=1))
        services.approve(db.session, op, auction)
        for who in (sc.b, actor_for(second.memberships[0].user)):
            services.qualify(db.session, op, services.register(db.session, who, auction, None, agreement=True))
        db.session.commit()
        url, ends_at = f"{live_server}/auctions/{auction.id}", auction.ends_at
        buyer, other_email, other_name = sc.buyer.email, second.memberships[0].user.email, second.name

    sign_in(page, live_server, buyer, PASSWORD)
    page.goto(url)
    expect(page.get_by_test_id("server-time")).to_contain_text("2031-06-02")
    page.get_by_test_id("quick-1").click()
    expect(page.get_by_test_id("high")).to_contain_text("10.00 万元")

    other = browser.new_context(locale="zh-CN").new_page()
    console.watch(other)
    sign_in(other, live_server, other_email, PASSWORD)
    clock["now"] = ends_at - dt.timedelta(seconds=30)  # a bid in the last minutes
    other.goto(url)
    other.get_by_test_id("quick-1").click()
    expect(other.get_by_test_id("live")).to_contain_text("已延时 1 次")
    expect(other.get_by_test_id("high")).to_contain_text("10.50 万元")

    clock["now"] = ends_at + dt.timedelta(minutes=6)  # past the extended end: the next read closes it
    page.reload()
    expect(page.get_by_test_id("auction-status")).to_have_text("成交公示中")
    expect(page.get_by_test_id("result")).to_contain_text(other_name)
