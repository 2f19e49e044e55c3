"""POST /payments/webhooks/stripe: signature verified, each event applied once, unknown events ignored."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from techmarket.accounts.services import actor_for
from techmarket.core.audit import AuditEntry
from techmarket.core.components import component
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.payments import services
from techmarket.payments.components import Gateways
from techmarket.payments.models import WebhookEvent
from tests.payments.conftest import event, sign

URL = "/payments/webhooks/stripe"


def _post(client, body, signature=None):
    return client.post(URL, data=body, content_type="application/json",
                       headers={"Stripe-Signature": signature if signature is not None else sign(body)})


def _audit_count():
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.object_type == "payment"))


def test_webhooks_verified_applied_once_and_unknown_ignored(app, client, make):
    payer = make.user(Role.ENTERPRISE)
    payment, _ = services.start(db.session, actor_for(payer), component(Gateways).get("stripe"), purpose="deposit",
                                subject_id=9, amount=Decimal("300.00"))
    db.session.commit()
    assert payment.status == "requires_action"
    body = event("evt_ok_1", "payment_intent.amount_capturable_updated",
                 {"object": "payment_intent", "id": payment.gateway_reference, "amount": 30000})

    before = _audit_count()
    bad = _post(client, body, sign(body, secret="whsec_forged"))
    assert bad.status_code == 400
    assert _post(client, body, "").status_code == 400
    db.session.expire_all()
    assert payment.status == "requires_action" and _audit_count() == before
    assert db.session.scalar(select(func.count()).select_from(WebhookEvent)) == 0

    ok = _post(client, body)
    assert ok.status_code == 200 and ok.json["outcome"] == "applied"
    db.session.expire_all()
    assert payment.status == "authorised" and _audit_count() == before + 1

    replay = _post(client, body)
    assert replay.status_code == 200 and replay.json["outcome"] == "replay"
    db.session.expire_all()
    assert payment.status == "authorised" and _audit_count() == before + 1

    unknown = event("evt_other", "customer.created", {"object": "customer", "id": "cus_1"})
    assert _post(client, unknown).json["outcome"] == "ignored"
    stranger = event("evt_stranger", "payment_intent.succeeded", {"object": "payment_intent", "id": "pi_nobody"})
    assert _post(client, stranger).json["outcome"] == "unknown payment"
    # the same event twice in one delivery race is refused by the primary key, not applied twice
    assert db.session.scalar(select(func.count()).select_from(WebhookEvent)) == 3


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_webhook_does_not_need_a_csrf_token(app, make):
    app.config["WTF_CSRF_ENABLED"] = True
    body = event("evt_csrf", "customer.created", {"object": "customer", "id": "cus_2"})
    assert _post(app.test_client(), body).status_code == 200
