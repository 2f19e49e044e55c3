"""A bidder pays its auction deposit by card on the payment page, in the card field Stripe.js mounts: a declined
card says so, another card (with 3-D Secure) goes through, and the bidder can then bid. Stripe is the ``localstripe``
server and its fake Stripe.js (``TECHMARKET_STRIPE_JS_URL`` points at it).

localstripe's fake ``confirmCardPayment`` only plays the 3-D Secure step of an intent whose card the server
attached: it ignores the card field it rendered. Real Stripe.js first makes the card the intent's payment method
and confirms it, with the publishable key. That part is played here: the fake Stripe.js is served with a few
lines appended (``COMPLETE_CONFIRM``) that hand the typed card to a route this test answers, which does what
Stripe.js does against localstripe's API (create the PaymentMethod, attach it, confirm) and returns the intent;
a 3-D Secure card then goes through localstripe's own authentication dialog. The fake is also wrapped in a
function (see ``script``). Everything the market does (the
page, its script, the return route, the gateway calls) is the real thing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request
from decimal import Decimal

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Route, expect

from techmarket.accounts.services import actor_for
from techmarket.extensions import db
from techmarket.trading import deposits as trading_deposits
from techmarket.trading.auctions import services
from tests.browser.axe import BLOCKING, TAGS, describe, install_axe
from tests.browser.conftest import PASSWORD, REQUIRE, SCREENSHOTS, ConsoleWatch
from tests.browser.helpers import sign_in
from tests.factories import Factories
from tests.stripe_support import API_KEY, localstripe, stripe_overrides
from tests.trading.builders import scene

__all__ = ["localstripe"]

pytestmark = pytest.mark.browser

T0 = dt.datetime(2031, 6, 2, 1, 0, tzinfo=dt.UTC)
CONFIRM_PATH = "/__localstripe__/confirm"
COMPLETE_CONFIRM = """
;(function () {
  var fake = window.Stripe;
  window.Stripe = function (key, options) {
    var stripe = fake(key, options);
    var authenticate = stripe.confirmCardPayment;
    stripe.confirmCardPayment = async function (secret, data) {
      var response = await fetch("CONFIRM_PATH", {method: "POST", headers: {"Content-Type": "application/json"},
        body: JSON.stringify({client_secret: secret, card: data.payment_method.card.value.card})});
      var body = await response.json();
      if (body.error) { return {error: body.error}; }
      if (body.status === "requires_action") { return authenticate(secret, data); }
      return {paymentIntent: body};
    };
    return stripe;
  };
}());
""".replace("CONFIRM_PATH", CONFIRM_PATH)


@pytest.fixture()
def live_app_settings(localstripe: str) -> dict:
    return stripe_overrides(localstripe)


def _stripe(base: str, path: str, data: dict) -> dict:
    request = urllib.request.Request(f"{base}{path}", data=json.dumps(data).encode(), method="POST",  # noqa: S310
                                     headers={"Authorization": f"Bearer {API_KEY}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:  # noqa: S310 - the loopback test server
            return json.loads(resp.read())
    except urllib.error.HTTPError as exc:  # a declined card: 402 with the error
        return json.loads(exc.read())


def _play_stripe_js(page: Page, base: str, live_server: str) -> None:
    def script(route: Route) -> None:
        original = route.fetch()
        # In a function: the fake declares a global ``class Element`` that would hide the DOM's Element from the
        # page's other scripts (Bootstrap's selector engine calls Element.prototype.querySelectorAll).
        route.fulfill(response=original, body="(function () {\n" + original.text() + "\n}());" + COMPLETE_CONFIRM)

    def confirm(route: Route) -> None:
        asked = json.loads(route.request.post_data or "{}")
        intent = str(asked["client_secret"]).split("_secret_")[0]
        method = _stripe(base, "/v1/payment_methods", {"type": "card", "card": asked["card"]})
        if "error" in method:
            answer = method
        else:
            _stripe(base, f"/v1/payment_intents/{intent}", {"payment_method": method["id"]})
            answer = _stripe(base, f"/v1/payment_intents/{intent}/confirm", {})
        route.fulfill(status=200, content_type="application/json", body=json.dumps(answer))

    page.route(f"{base}/js.stripe.com/v3/", script)
    page.route(f"{live_server}{CONFIRM_PATH}", confirm)


def _auction_with_deposit(live_app: Flask) -> tuple[str, str]:
    live_app.config["AUCTION_CLOCK"] = lambda: T0 + dt.timedelta(minutes=3)
    with live_app.app_context():
        make = Factories(live_app)
        sc = scene(make)
        op = actor_for(make.operator())
        auction = services.create(db.session, sc.s, sc.listing, services.AuctionData(
            mode="english", trade_mode="transfer", start_price=Decimal(100000), increment=Decimal(5000),
            starts_at=T0, free_ends_at=T0 + dt.timedelta(hours=1), deposit_amount=Decimal(10000)),
            now=T0 - dt.timedelta(days=1))
        services.approve(db.session, op, auction)
        bidder = services.register(db.session, sc.b, auction, None, agreement=True, now=T0)
        services.qualify(db.session, op, bidder)
        assert trading_deposits.deposit_for(db.session, auction, bidder.organisation_id).status == "due"
        db.session.commit()
        return f"/auctions/{auction.id}", sc.buyer.email


def _no_axe_violations(page: Page) -> None:
    """axe-core over the card page, but for the card field's inside: that is the fake's (unlabelled inputs);
    Stripe's own field is a frame with its labelled inputs."""
    page.evaluate(install_axe(REQUIRE))  # through the DevTools protocol: the page's CSP does not apply
    result = page.evaluate("tags => axe.run({exclude: [['#card-element']]}, {runOnly: {type: 'tag', values: tags}})",
                           TAGS)
    found = [v for v in result["violations"] if v.get("impact") in BLOCKING]
    assert not found, describe(found)


def _type_card(page: Page, number: str) -> None:
    field = page.get_by_test_id("card-element")
    for name, value in (("number", number), ("exp_month", "12"), ("exp_year", "34"), ("cvc", "123")):
        field.locator(f'input[placeholder="{name}"]').fill(value)


def test_a_bidder_pays_the_deposit_by_card_after_a_decline_and_bids(page: Page, browser: Browser, live_app: Flask,
                                                                    live_server: str, localstripe: str,
                                                                    console: ConsoleWatch) -> None:
    _play_stripe_js(page, localstripe, live_server)
    auction, email = _auction_with_deposit(live_app)
    sign_in(page, live_server, email, PASSWORD)
    page.goto(f"{live_server}{auction}")
    page.get_by_test_id("deposit-card").click()
    expect(page).to_have_url(re.compile(r"/payments/\d+$"))
    expect(page.get_by_test_id("card-form")).to_be_visible()
    expect(page.get_by_test_id("card-pay")).to_have_text("支付 1.00 万元")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "card-payment-zh.png", full_page=True)
    _no_axe_violations(page)
    payment = page.url.removeprefix(live_server)
    page.goto(f"{live_server}/lang/en?next={payment}")
    expect(page.get_by_test_id("card-pay")).to_have_text(re.compile(r"^Pay .*10,000"))
    page.screenshot(path=SCREENSHOTS / "card-payment-en.png", full_page=True)
    page.goto(f"{live_server}/lang/zh_Hans_CN?next={payment}")

    without_js = browser.new_context(java_script_enabled=False, storage_state=page.context.storage_state(),
                                     locale="zh-CN", viewport={"width": 1280, "height": 900})
    plain = without_js.new_page()
    plain.goto(f"{live_server}{payment}")
    expect(plain.get_by_test_id("card-needs-js")).to_contain_text("银行卡支付需要启用 JavaScript")
    expect(plain.get_by_test_id("card-form")).to_be_hidden()
    expect(plain.get_by_test_id("switch-to-transfer")).to_be_visible()
    plain.screenshot(path=SCREENSHOTS / "card-payment-nojs-zh.png", full_page=True)
    without_js.close()

    _type_card(page, "4000000000000341")  # localstripe declines this card when it is charged
    page.get_by_test_id("card-pay").click()
    expect(page.locator(".alert-danger")).to_contain_text("银行卡未被接受，未扣取任何款项")
    expect(page.get_by_test_id("payment-status")).to_have_text("失败")
    page.screenshot(path=SCREENSHOTS / "card-payment-declined-zh.png", full_page=True)

    page.get_by_test_id("card-retry").get_by_role("button", name="换一张卡支付").click()
    _type_card(page, "4000002500003155")  # needs 3-D Secure: localstripe asks in its own dialog
    page.get_by_test_id("card-pay").click()
    page.get_by_role("button", name="Complete authentication").click()
    expect(page.get_by_test_id("payment-status")).to_have_text("已支付")
    expect(page.locator(".alert-success")).to_contain_text("谢谢")
    expect(page.get_by_test_id("card-form")).to_have_count(0)

    page.goto(f"{live_server}{auction}")
    expect(page.get_by_test_id("deposit-action")).to_contain_text("可以出价")
    page.get_by_test_id("quick-1").click()
    expect(page.get_by_test_id("high")).to_contain_text("10.00 万元")
