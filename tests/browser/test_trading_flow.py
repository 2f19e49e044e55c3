"""A buyer makes an offer from an achievement's page, the seller accepts it, and the deal links to the draft
contract -- in Chromium, in Chinese."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PASSWORD
from tests.browser.helpers import sign_in
from tests.factories import Factories
from tests.trading.builders import scene

pytestmark = pytest.mark.browser


def test_offer_accept_deal_contract(page: Page, browser: Browser, live_app: Flask, live_server: str) -> None:
    with live_app.app_context():
        sc = scene(Factories(live_app))
        listing_id, buyer, seller = sc.listing.id, sc.buyer.email, sc.seller.email

    sign_in(page, live_server, buyer, PASSWORD)
    page.goto(f"{live_server}/listings/{listing_id}")
    page.get_by_test_id("make-offer").click()
    form = page.get_by_test_id("offer-form")
    form.locator("#price").fill("880000")
    form.locator("#payment_note").fill("签约付30%，验收付70%")
    form.locator('button[type="submit"]').click()
    expect(page.get_by_test_id("history")).to_contain_text("签约付30%")

    other = browser.new_page(locale="zh-CN")
    sign_in(other, live_server, seller, PASSWORD)
    other.goto(page.url)
    other.get_by_test_id("accept").click()
    expect(other.get_by_test_id("deal-status")).to_have_text("已成交")
    other.get_by_test_id("contract-link").click()
    expect(other.locator("h1")).to_contain_text("稀土永磁电机高效冷却技术")
