"""An auction from the listing page to the draft contract, all in the browser (in Chinese): the owner asks for it,
the operator approves, a buyer registers, pays the deposit by bank transfer with the bank's receipt, the
operator confirms the transfer (the deposit is then secured), two buyers bid, the close (the server's clock
injected), the 成交确认书 PDF, the 成交公示, the loser's refund deadline on the operator's page and the winner's
draft contract."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from techmarket.accounts.services import actor_for
from techmarket.core.clock import to_local
from techmarket.extensions import db
from techmarket.trading import deposits
from techmarket.trading.auctions import services
from techmarket.trading.auctions.models import Auction, AuctionDeposit
from tests.browser.conftest import PASSWORD, ConsoleWatch
from tests.browser.helpers import sign_in
from tests.contracts.builders import PDF
from tests.factories import Factories
from tests.trading.builders import scene

pytestmark = pytest.mark.browser

T0 = dt.datetime(2031, 6, 2, 1, 0, tzinfo=dt.UTC)


def _local(value: dt.datetime) -> str:
    return to_local(value).strftime("%Y-%m-%dT%H:%M")


def test_listing_to_draft_contract_with_a_transfer_deposit(page: Page, browser: Browser, live_app: Flask,
                                                          live_server: str, console: ConsoleWatch,
                                                          tmp_path: Path) -> None:
    clock = {"now": T0 - dt.timedelta(days=1)}
    live_app.config["AUCTION_CLOCK"] = lambda: clock["now"]
    with live_app.app_context():
        make = Factories(live_app)
        sc = scene(make)
        second = make.org(status="verified")
        op_user = make.operator()
        seller, buyer, op_email = sc.seller.email, sc.buyer.email, op_user.email
        other_email, listing_id, buyer_org = second.memberships[0].user.email, sc.listing.id, sc.buyer_org.name

    # The owner asks for an auction from the listing page.
    sign_in(page, live_server, seller, PASSWORD)
    page.goto(f"{live_server}/listings/{listing_id}")
    page.get_by_test_id("auction-create").click()
    form = page.get_by_test_id("auction-form")
    form.locator("#start_price").fill("100000")
    form.locator("#increment").fill("5000")
    form.locator("#deposit_amount").fill("10000")
    form.locator("#starts_at").fill(_local(T0))
    form.locator("#free_ends_at").fill(_local(T0 + dt.timedelta(hours=1)))
    form.locator('button[type="submit"]').first.click()
    expect(page.get_by_test_id("auction-status")).to_have_text("等待运营方审核")
    auction_url = page.url.split("#")[0]
    auction_id = int(auction_url.rstrip("/").rsplit("/", 1)[1])

    # The operator approves it.
    staff = browser.new_context(locale="zh-CN").new_page()
    console.watch(staff)
    sign_in(staff, live_server, op_email, PASSWORD)
    staff.goto(f"{live_server}/auctions/{auction_id}/operate")
    staff.get_by_test_id("approve").click()

    # A buyer registers, the operator qualifies, the buyer pays the deposit by bank transfer with a receipt.
    bidder = browser.new_context(locale="zh-CN").new_page()
    console.watch(bidder)
    sign_in(bidder, live_server, buyer, PASSWORD)
    bidder.goto(auction_url)
    register = bidder.get_by_test_id("bidder-form")
    register.locator("#agreement").check()
    register.locator('button[type="submit"]').click()
    expect(bidder.get_by_test_id("my-registration")).to_be_visible()
    staff.goto(f"{live_server}/auctions/{auction_id}/operate")
    staff.locator('[data-testid^="qualify-"]').first.click()
    bidder.goto(auction_url)
    bidder.get_by_test_id("deposit-transfer").click()
    reference = bidder.get_by_test_id("transfer-reference").inner_text()
    receipt = tmp_path / "回单.pdf"
    receipt.write_bytes(PDF)
    bidder.get_by_test_id("receipt-form").locator('input[type="file"]').set_input_files(str(receipt))
    bidder.get_by_test_id("receipt-form").locator('button[type="submit"]').click()
    expect(bidder.get_by_test_id("receipts")).to_contain_text("回单.pdf")
    staff.goto(f"{live_server}/admin/payments/")
    staff.get_by_test_id("transfers-to-confirm").locator("li", has_text=reference).locator("a").click()
    staff.get_by_test_id("transfer-decision").locator('button[type="submit"]').first.click()
    bidder.goto(auction_url)
    expect(bidder.get_by_test_id("deposit-status")).to_contain_text("已缴纳")

    # A second bidder (registered and secured through the services), then the bids and the close.
    with live_app.app_context():
        auction = db.session.get(Auction, auction_id)
        op = actor_for(db.session.merge(op_user))
        other = services.register(db.session, actor_for(db.session.merge(second.memberships[0].user)), auction,
                                  None, agreement=True)
        services.qualify(db.session, op, other)
        deposit = db.session.query(AuctionDeposit).filter_by(bidder_id=other.id).one()
        deposits.secure(db.session, op, deposit, gateway="offline", reference="ICBC-9")
        db.session.commit()
    clock["now"] = T0 + dt.timedelta(minutes=5)
    bidder.goto(auction_url)
    bidder.get_by_test_id("quick-1").click()
    expect(bidder.get_by_test_id("high")).to_contain_text("10.00 万元")
    rival = browser.new_context(locale="zh-CN").new_page()
    console.watch(rival)
    sign_in(rival, live_server, other_email, PASSWORD)
    rival.goto(auction_url)
    rival.get_by_test_id("quick-1").click()
    expect(rival.get_by_test_id("high")).to_contain_text("10.50 万元")
    bidder.goto(auction_url)
    bidder.get_by_test_id("quick-2").click()
    expect(bidder.get_by_test_id("high")).to_contain_text("11.50 万元")

    clock["now"] = T0 + dt.timedelta(hours=3)  # after the end: the next read closes the auction
    bidder.goto(auction_url)
    expect(bidder.get_by_test_id("auction-status")).to_have_text("成交公示中")
    expect(bidder.get_by_test_id("result")).to_contain_text(buyer_org)
    expect(bidder.get_by_test_id("objection-form")).to_be_visible()
    with bidder.expect_download() as download:
        bidder.get_by_test_id("confirmation").click()
    path = download.value.path()
    assert path is not None and Path(path).read_bytes().startswith(b"%PDF")

    staff.goto(f"{live_server}/auctions/{auction_id}/operate")
    expect(staff.get_by_test_id("bidders")).to_contain_text("ICBC-9")
    expect(staff.get_by_test_id("bidders")).to_contain_text("退还")

    bidder.goto(auction_url)
    bidder.get_by_test_id("deal-contract").click()  # the winner's next step: the draft contract
    expect(bidder.locator("main")).to_contain_text(buyer_org)
    expect(bidder.locator("main")).to_contain_text("11.50 万元")
    assert console.errors == []
