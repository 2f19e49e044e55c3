"""Both gateways behind the one protocol: Stripe against a real localstripe server, bank transfer against the
market's own ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest

from techmarket.config import ConfigError, load_config
from techmarket.core.components import component
from techmarket.payments.components import Gateways
from techmarket.payments.gateway import BadSignature, PaymentDeclined
from techmarket.payments.stripe_gateway import from_minor, to_minor
from tests.payments.conftest import event, sign

# The gateway is what is under test here, not the database: SQLite only.
sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def test_minor_units_only_inside_the_stripe_gateway():
    assert to_minor(Decimal("1234.56")) == 123456
    assert from_minor(123456) == Decimal("1234.56")
    assert to_minor(Decimal("0.01")) == 1


@sqlite_only
def test_stripe_collect_hold_capture_cancel_refund(app):
    stripe = component(Gateways).get("stripe")
    paid = stripe.create(Decimal("2345.67"), metadata={"payment_id": "7"}, payment_method="pm_card_visa")
    assert paid.status == "succeeded" and paid.amount == Decimal("2345.67") and paid.metadata["payment_id"] == "7"
    assert stripe.retrieve(paid.reference).status == "succeeded"
    assert stripe.refund(paid.reference).status == "refunded"
    assert stripe.retrieve(paid.reference).status == "refunded"

    held = stripe.create(Decimal("50000"), metadata={}, hold=True, payment_method="pm_card_visa")
    assert held.status == "authorised"
    assert stripe.capture(held.reference).status == "succeeded"

    released = stripe.create(Decimal("100"), metadata={}, hold=True, payment_method="pm_card_visa")
    assert stripe.cancel(released.reference).status == "cancelled"

    waiting = stripe.create(Decimal("100"), metadata={})
    assert waiting.status == "requires_action" and waiting.client_secret

    known = {p.reference: p.status for p in stripe.list_payments()}
    assert known[paid.reference] == "refunded" and known[released.reference] == "cancelled"


@sqlite_only
def test_stripe_declined_card(app):
    with pytest.raises(PaymentDeclined):
        component(Gateways).get("stripe").create(Decimal("10"), metadata={},
                                                 payment_method="pm_card_chargeCustomerFail")


@sqlite_only
def test_stripe_webhook_signature(app):
    stripe = component(Gateways).get("stripe")
    body = event("evt_1", "payment_intent.succeeded", {"object": "payment_intent", "id": "pi_1", "amount": 1050})
    parsed = stripe.parse_webhook(body, sign(body))
    assert (parsed.id, parsed.reference, parsed.status, parsed.amount) == ("evt_1", "pi_1", "succeeded",
                                                                           Decimal("10.50"))
    with pytest.raises(BadSignature):
        stripe.parse_webhook(body, sign(body, secret="whsec_someone_else"))
    with pytest.raises(BadSignature):
        stripe.parse_webhook(body.replace(b"1050", b"9999"), sign(body))
    refunded = event("evt_2", "charge.refunded", {"object": "charge", "id": "ch_1", "payment_intent": "pi_1"})
    assert stripe.parse_webhook(refunded, sign(refunded)).status == "refunded"
    other = event("evt_3", "customer.created", {"object": "customer", "id": "cus_1"})
    assert stripe.parse_webhook(other, sign(other)).status is None


@sqlite_only
def test_offline_gateway_is_a_bank_transfer(app):
    offline = component(Gateways).get("offline")
    started = offline.create(Decimal("80000"), metadata={"payment_id": "1"})
    assert started.status == "requires_action" and started.reference.startswith("BT")
    with pytest.raises(BadSignature):
        offline.parse_webhook(b"{}", "t=1,v1=x")
    assert component(Gateways).default_name == "stripe" and component(Gateways).offers("offline")


@pytest.mark.parametrize(("env", "words"), [
    ({"PAYMENTS_BACKEND": "stripe", "STRIPE_API_KEY": "sk_test_1"}, "TECHMARKET_STRIPE_WEBHOOK_SECRET"),
    ({"PAYMENTS_BACKEND": "stripe", "STRIPE_WEBHOOK_SECRET": "whsec_1"}, "TECHMARKET_STRIPE_API_KEY"),
    ({"PAYMENTS_BACKEND": "stripe", "STRIPE_API_KEY": "sk_test_1", "STRIPE_WEBHOOK_SECRET": "whsec_1",
      "ENV": "production"}, "test key"),
    ({"PAYMENTS_BACKEND": "stripe", "STRIPE_API_KEY": "sk_live_1", "STRIPE_WEBHOOK_SECRET": "whsec_1",
      "STRIPE_API_BASE": "http://127.0.0.1:8420", "ENV": "production"}, "https://"),
    ({"PAYMENTS_BACKEND": "stripe", "STRIPE_API_KEY": "sk_live_1", "STRIPE_WEBHOOK_SECRET": "whsec_1",
      "STRIPE_PUBLISHABLE_KEY": None, "ENV": "production"}, "TECHMARKET_STRIPE_PUBLISHABLE_KEY"),
    ({"PAYMENTS_BACKEND": "stripe", "STRIPE_API_KEY": "sk_live_1", "STRIPE_WEBHOOK_SECRET": "whsec_1",
      "STRIPE_PUBLISHABLE_KEY": "pk_test_1", "ENV": "production"}, "pk_test_"),
    ({"PAYMENTS_BACKEND": "stripe", "STRIPE_API_KEY": "sk_live_1", "STRIPE_WEBHOOK_SECRET": "whsec_1",
      "STRIPE_JS_URL": "http://127.0.0.1:8420/js.stripe.com/v3/", "ENV": "production"}, "TECHMARKET_STRIPE_JS_URL"),
    ({"PAYMENTS_BACKEND": "paypal"}, "TECHMARKET_PAYMENTS_BACKEND"),
])
def test_payment_settings_are_checked_at_start(env, words):
    production = {"SECRET_KEY": "k" * 40, "AUDIT_KEY": "a" * 40, "DATABASE_URL": "postgresql://x/y",
                  "STRIPE_PUBLISHABLE_KEY": "pk_live_1"}
    with pytest.raises(ConfigError, match=words):
        load_config({**production, **env}, environ={})
    assert load_config({"PAYMENTS_BACKEND": "stripe", "STRIPE_API_KEY": "sk_live_1",
                        "STRIPE_WEBHOOK_SECRET": "whsec_1", "ENV": "production", **production}, environ={})
