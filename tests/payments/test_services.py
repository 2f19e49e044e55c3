"""Payments through the services: audit per movement, a subject never paid twice, declines, bank transfers."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from techmarket.accounts.services import actor_for
from techmarket.core.audit import AuditEntry, verify_chain
from techmarket.core.components import component
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.payments import services
from techmarket.payments.components import Gateways
from techmarket.payments.models import MarketPayment
from tests.contracts.builders import PDF


def _start(user, gateway="stripe", subject=1, **kw):
    payment, _result = services.start(db.session, actor_for(user), component(Gateways).get(gateway),
                                      purpose=kw.pop("purpose", "deposit"), subject_id=subject,
                                      amount=kw.pop("amount", Decimal("50000.00")), **kw)
    db.session.commit()
    return payment


def _audit(payment_id):
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "payment",
                                                                   AuditEntry.object_id == str(payment_id))
                                   .order_by(AuditEntry.seq)))


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)  # the gateway matters here, not the database
def test_card_payment_held_then_released_each_movement_audited(app, make):
    payer = make.user(Role.ENTERPRISE)
    payment = _start(payer, hold=True, payment_method="pm_card_visa")
    assert payment.status == "authorised" and payment.gateway_reference.startswith("pi_")
    services.give_back(db.session, services.gateway_actor("job"), component(Gateways).get("stripe"), payment)
    db.session.commit()
    assert payment.status == "cancelled" and payment.live_key is None
    assert _audit(payment.id) == ["start", "authorise", "cancel"]
    assert verify_chain(db.session)[1] is None


def test_a_deposit_paid_twice_is_refused(app, make):
    payer = make.user(Role.ENTERPRISE)
    first = _start(payer, payment_method="pm_card_visa")
    assert first.status == "succeeded"
    with pytest.raises(Conflict):
        _start(payer, gateway="offline")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(type(first))) == 1
    services.give_back(db.session, make.operator() and actor_for(make.operator()),
                       component(Gateways).get("stripe"), first)
    db.session.commit()
    assert first.status == "refunded" and first.refund_reference
    assert _start(payer, gateway="offline").status == "requires_action"  # refunded: the subject is free again


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)  # the gateway matters here, not the database
def test_a_declined_card_is_recorded_as_failed_and_frees_the_subject(app, make):
    payer = make.user(Role.ENTERPRISE)
    failed = _start(payer, payment_method="pm_card_chargeCustomerFail")
    assert failed.status == "failed" and "declined" in failed.failure and failed.live_key is None
    assert _audit(failed.id) == ["start", "fail"]
    assert _start(payer, payment_method="pm_card_visa").status == "succeeded"


def test_bank_transfer_receipt_then_operator_decides(app, make):
    payer, stranger, operator = make.user(Role.ENTERPRISE), make.user(Role.ENTERPRISE), make.operator()
    payment = _start(payer, gateway="offline", purpose="instalment", amount=Decimal("1000000.00"))
    assert payment.status == "requires_action" and payment.gateway_reference.startswith("BT")
    with pytest.raises(Conflict):  # nothing to check yet
        services.decide_transfer(db.session, actor_for(operator), payment, confirm=True)
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        services.upload_receipt(db.session, actor_for(stranger), payment, "回单.pdf", io.BytesIO(PDF),
                                instance_path=app.instance_path, max_bytes=1 << 20)
    db.session.rollback()
    with pytest.raises(ValidationFailed):
        services.upload_receipt(db.session, actor_for(payer), payment, "回单.exe", io.BytesIO(b"MZ\x90\x00"),
                                instance_path=app.instance_path, max_bytes=1 << 20)
    db.session.rollback()
    services.upload_receipt(db.session, actor_for(payer), payment, "回单.pdf", io.BytesIO(PDF),
                            instance_path=app.instance_path, max_bytes=1 << 20)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        services.decide_transfer(db.session, actor_for(payer), payment, confirm=True)
    db.session.rollback()
    with pytest.raises(ValidationFailed):
        services.decide_transfer(db.session, actor_for(operator), payment, confirm=False, reason=" ")
    db.session.rollback()
    services.decide_transfer(db.session, actor_for(operator), payment, confirm=True)
    db.session.commit()
    assert payment.status == "succeeded"
    assert _audit(payment.id) == ["start", "await", "upload_receipt", "confirm"]
    with pytest.raises(Conflict):
        services.decide_transfer(db.session, actor_for(operator), payment, confirm=False, reason="重复")


def test_the_database_refuses_two_live_payments_for_one_subject(app, make):
    """Two requests racing past the service's check: the unique live key stops the second on both databases."""
    payer = make.user(Role.ENTERPRISE)
    first = _start(payer, gateway="offline", subject=77)
    twin = MarketPayment(purpose="deposit", subject_id=77, amount=Decimal("1.00"), gateway="offline",
                         status="pending", payer_id=payer.id, live_key=first.live_key)
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(MarketPayment)) == 1
