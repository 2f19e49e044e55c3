"""A card payment finished in the payer's browser: the card page, the return route that asks the gateway and
applies its answer through the webhooks' own step (once), a declined card, someone else's payment, switching to
a bank transfer. The browser's part (Stripe.js confirming the intent) is played here against localstripe's API,
as Stripe.js would (tests/browser/test_card_payment.py drives the real page)."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import func, select

from techmarket.contracts.models import Contract
from techmarket.contracts.payments import outstanding
from techmarket.core.audit import AuditEntry
from techmarket.core.components import component
from techmarket.extensions import db
from techmarket.payments import deposits
from techmarket.payments.components import Gateways
from techmarket.payments.models import MarketPayment
from techmarket.payments.views.cards import page_csp
from tests.contracts.builders import deal, submitted
from tests.payments.conftest import API_KEY, event, sign
from tests.payments.test_deposits import T0, _auction
from tests.trading.builders import scene

# The gateway matters here, not the database: SQLite only, but for the first test (the row lock of a return).
sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def _stripe(base: str, path: str, **data: str) -> dict:
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(f"{base}{path}", data=body, method="POST",  # noqa: S310 - loopback server
                                     headers={"Authorization": f"Bearer {API_KEY}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:  # noqa: S310 - the loopback test server
            return json.loads(resp.read())
    except urllib.error.HTTPError as exc:  # a declined card answers 402; the intent keeps the failure
        return json.loads(exc.read())


def confirm_card(base: str, payment: MarketPayment, card: str) -> dict:
    """What ``stripe.confirmCardPayment`` does in the browser: the card becomes the intent's payment method and
    the intent is confirmed."""
    _stripe(base, f"/v1/payment_intents/{payment.gateway_reference}", payment_method=card)
    return _stripe(base, f"/v1/payment_intents/{payment.gateway_reference}/confirm")


def _audits(payment: MarketPayment) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.object_type == "payment", AuditEntry.object_id == str(payment.id))) or 0


def _start(make, signin):
    sc = scene(make)
    auction, _op, (_b1, d1), _second = _auction(make, sc)
    buyer = signin(sc.buyer)
    resp = buyer.post(f"/payments/deposits/{d1.id}/pay", data={"method": "stripe"})
    assert resp.status_code == 302
    payment = db.session.scalars(select(MarketPayment).where(MarketPayment.subject_id == d1.id)).one()
    return auction, d1, buyer, payment


def test_the_card_page_then_the_return_applies_the_payment_once(app, make, signin, localstripe):
    auction, deposit, buyer, payment = _start(make, signin)
    assert payment.status == "requires_action" and not payment.hold  # the auction ends in 2031: collected
    page = buyer.get(f"/payments/{payment.id}")
    html = page.get_data(as_text=True)
    assert 'id="card-element"' in html and f'data-client-secret="{payment.gateway_reference}_secret_' in html
    assert f'src="{localstripe}/js.stripe.com/v3/"' in html and "js/card-payment.js" in html
    assert 'data-publishable-key="pk_test_techmarket"' in html and "支付 1.00 万元" in html
    assert 'aria-live="polite"' in html and "<noscript>" in html and "改用银行转账" in html
    policy = page.headers["Content-Security-Policy"]
    assert f"script-src 'self' {localstripe}" in policy and f"frame-src {localstripe}" in policy
    assert f"connect-src 'self' {localstripe}" in policy and "'unsafe-inline'" not in policy

    assert confirm_card(localstripe, payment, "pm_card_visa")["status"] == "succeeded"
    before = _audits(payment)
    resp = buyer.post(f"/payments/{payment.id}/card")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/payments/{payment.id}")
    db.session.expire_all()
    assert payment.status == "succeeded" and deposit.status == "secured"
    assert _audits(payment) == before + 1
    assert "已支付" in buyer.get(f"/payments/{payment.id}").get_data(as_text=True)
    assert 'id="card-element"' not in buyer.get(f"/payments/{payment.id}").get_data(as_text=True)

    # the return again, then the webhook: nothing more happens
    assert buyer.post(f"/payments/{payment.id}/card").status_code == 302
    body = event("evt_card_1", "payment_intent.succeeded", {"object": "payment_intent",
                                                             "id": payment.gateway_reference, "amount": 1000000})
    hook = app.test_client().post("/payments/webhooks/stripe", data=body, headers={"Stripe-Signature": sign(body)})
    assert hook.get_json()["outcome"] == "unchanged"
    db.session.expire_all()
    assert _audits(payment) == before + 1 and payment.status == "succeeded"
    assert "可以出价" in buyer.get(f"/auctions/{auction.id}").get_data(as_text=True)


@sqlite_only
def test_a_short_auction_holds_the_deposit_on_the_card(app, make, signin, localstripe):
    sc = scene(make)
    _, _, (b1, d1), _ = _auction(make, sc)
    payment, _ = deposits.pay(db.session, b1, component(Gateways).get("stripe"), d1, now=T0)
    db.session.commit()
    assert payment.hold and payment.status == "requires_action"
    assert confirm_card(localstripe, payment, "pm_card_visa")["status"] == "requires_capture"
    buyer = signin(sc.buyer)
    assert buyer.post(f"/payments/{payment.id}/card").status_code == 302
    db.session.expire_all()
    assert payment.status == "authorised" and d1.status == "secured"
    assert "冻结" in buyer.get(f"/payments/{payment.id}").get_data(as_text=True)


@sqlite_only
def test_a_declined_card_fails_the_payment_and_the_payer_tries_another(app, make, signin, localstripe):
    _, deposit, buyer, payment = _start(make, signin)
    assert confirm_card(localstripe, payment, "pm_card_chargeCustomerFail")["error"]["code"] == "card_declined"
    page = buyer.post(f"/payments/{payment.id}/card", follow_redirects=True).get_data(as_text=True)
    assert "银行卡未被接受，未扣取任何款项" in page and 'data-testid="card-retry"' in page
    db.session.expire_all()
    assert payment.status == "failed" and payment.live_key is None and deposit.status == "due"
    assert "declined" in payment.failure
    assert component(Gateways).get("stripe").retrieve(payment.gateway_reference).status == "cancelled"
    english = buyer.post(f"/payments/{payment.id}/card?lang=en", follow_redirects=True).get_data(as_text=True)
    assert "Try another card" in english and "The card was not accepted and nothing was taken" in english

    again = buyer.post(f"/payments/deposits/{deposit.id}/pay", data={"method": "stripe"})
    second = db.session.scalars(select(MarketPayment).where(MarketPayment.subject_id == deposit.id,
                                                            MarketPayment.id != payment.id)).one()
    assert again.headers["Location"].endswith(f"/payments/{second.id}") and second.status == "requires_action"
    assert confirm_card(localstripe, second, "pm_card_visa")["status"] == "succeeded"
    buyer.post(f"/payments/{second.id}/card")
    db.session.expire_all()
    assert second.status == "succeeded" and deposit.status == "secured"


@sqlite_only
def test_someone_elses_payment_and_bad_requests(app, make, signin, localstripe):
    _, deposit, buyer, payment = _start(make, signin)
    stranger = signin(make.user())
    assert stranger.get(f"/payments/{payment.id}").status_code == 404
    assert stranger.post(f"/payments/{payment.id}/card").status_code == 404
    assert stranger.post(f"/payments/{payment.id}/transfer").status_code == 404
    assert app.test_client().post(f"/payments/{payment.id}/card").status_code == 302  # to the sign-in page
    assert buyer.post("/payments/999999/card").status_code == 404
    assert buyer.get(f"/payments/{payment.id}/card").status_code == 405
    assert buyer.post(f"/payments/{payment.id}/card", data={"csrf_token": "\x00" * 5}).status_code in {302, 400}
    db.session.expire_all()
    assert payment.status == "requires_action"

    transfer = buyer.post(f"/payments/deposits/{deposit.id}/pay", data={"method": "offline"})
    assert transfer.status_code == 409  # the card payment still holds the deposit


@sqlite_only
def test_switching_to_a_bank_transfer(app, make, signin, localstripe):
    _, deposit, buyer, payment = _start(make, signin)
    resp = buyer.post(f"/payments/{payment.id}/transfer")
    assert resp.status_code == 302
    db.session.expire_all()
    assert payment.status == "cancelled"
    transfer = db.session.scalars(select(MarketPayment).where(MarketPayment.gateway == "offline")).one()
    assert resp.headers["Location"].endswith(f"/payments/{transfer.id}") and transfer.subject_id == deposit.id
    assert 'data-testid="receipt-form"' in buyer.get(resp.headers["Location"]).get_data(as_text=True)
    assert buyer.post(f"/payments/{payment.id}/transfer").status_code == 409  # cancelled already
    assert buyer.post(f"/payments/{transfer.id}/card").status_code == 404  # not a card payment


@sqlite_only
def test_an_instalment_paid_in_the_card_form_confirms_the_contract_payment(app, make, signin, localstripe):
    d = deal(make)
    contract = submitted(d)
    second = contract.instalments[1]
    buyer = signin(d.buyer)
    resp = buyer.post(f"/payments/instalments/{contract.id}/{second.id}/pay", data={"method": "stripe"})
    payment = db.session.scalars(select(MarketPayment)).one()
    assert resp.headers["Location"].endswith(f"/payments/{payment.id}")
    assert 'id="card-element"' in buyer.get(resp.headers["Location"]).get_data(as_text=True)
    confirm_card(localstripe, payment, "pm_card_visa")
    buyer.post(f"/payments/{payment.id}/card")
    db.session.expire_all()
    contract = db.session.get(Contract, contract.id)
    assert payment.status == "succeeded" and outstanding(contract, contract.instalments[1]) == 0


@sqlite_only
def test_the_card_page_policy_for_stripes_own_stripe_js(app):
    app.config["STRIPE_JS_URL"] = "https://js.stripe.com/v3/"
    with app.test_request_context("/"):
        policy = dict(part.split(" ", 1) for part in page_csp().split("; "))
    assert policy["script-src"] == "'self' https://js.stripe.com https://*.js.stripe.com"
    assert policy["frame-src"] == "https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com"
    assert policy["connect-src"] == "'self' https://api.stripe.com" and policy["frame-ancestors"] == "'none'"
    assert policy["style-src"] == "'self'"


@sqlite_only
def test_a_switch_that_fails_after_the_card_was_cancelled_keeps_the_cancellation(app, make, signin, localstripe,
                                                                                  monkeypatch):
    """The gateway cancels the card intent first; if starting the transfer then fails, the cancellation stays
    recorded (it was rolled back with the failed transfer, so the two sides disagreed until a webhook came)."""
    from techmarket.core.errors import Conflict
    from techmarket.payments import deposits as deposit_services

    _, deposit, buyer, payment = _start(make, signin)

    def refuse(*args, **kwargs):
        raise Conflict("the deposit changed meanwhile")

    monkeypatch.setattr(deposit_services, "pay", refuse)
    assert buyer.post(f"/payments/{payment.id}/transfer").status_code == 409
    db.session.expire_all()
    assert payment.status == "cancelled" and deposit.status == "due"
    assert component(Gateways).get("stripe").retrieve(payment.gateway_reference).status == "cancelled"
    monkeypatch.undo()
    again = buyer.post(f"/payments/deposits/{deposit.id}/pay", data={"method": "offline"})
    assert again.status_code == 302  # the deposit is free for a bank transfer
