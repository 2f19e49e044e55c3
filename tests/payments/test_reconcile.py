"""``techmarket payments reconcile`` lists what differs between the market and the gateway."""

from __future__ import annotations

from decimal import Decimal

import pytest

from techmarket.accounts.services import actor_for
from techmarket.core.components import component
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.payments import services
from techmarket.payments.components import Gateways

# The gateway is what is under test here, not the database: SQLite only.
sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


@sqlite_only
def test_reconcile_lists_differences_and_exits_non_zero(app, runner, make):
    payer = make.user(Role.ENTERPRISE)
    gateways = component(Gateways)
    paid, _ = services.start(db.session, actor_for(payer), gateways.get("stripe"), purpose="deposit", subject_id=1,
                             amount=Decimal("10.00"), payment_method="pm_card_visa")
    same, _ = services.start(db.session, actor_for(payer), gateways.get("stripe"), purpose="deposit", subject_id=2,
                             amount=Decimal("20.00"), payment_method="pm_card_visa")
    db.session.commit()
    paid.status = "requires_action"  # a webhook the market missed
    db.session.commit()
    stray = gateways.get("stripe").create(Decimal("30.00"), metadata={"payment_id": "987654"},
                                          payment_method="pm_card_visa")

    result = runner.invoke(args=["payments", "reconcile"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(paid.gateway_reference in line and "status differs" in line and "succeeded" in line for line in lines)
    assert any(stray.reference in line and "unknown to the market" in line for line in lines)
    assert not any(same.gateway_reference in line for line in lines)


@sqlite_only
def test_reconcile_clean_exits_zero(app, runner, make):
    payer = make.user(Role.ENTERPRISE)
    services.start(db.session, actor_for(payer), component(Gateways).get("offline"), purpose="deposit",
                   subject_id=3, amount=Decimal("10.00"))
    db.session.commit()
    result = runner.invoke(args=["payments", "reconcile", "--gateway", "offline"])
    assert result.exit_code == 0 and "0 difference(s) with offline" in result.output
