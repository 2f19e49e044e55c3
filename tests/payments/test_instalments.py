"""A contract instalment paid online: the gateway's success confirms the contract payment the statement reads."""

from __future__ import annotations

from decimal import Decimal

import pytest

from techmarket.contracts.models import Contract
from techmarket.contracts.payments import outstanding
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.payments.models import MarketPayment
from tests.contracts.builders import deal, submitted


def test_a_party_pays_an_instalment_by_card_and_the_contract_payment_is_confirmed(app, make, signin):
    d = deal(make)
    contract = submitted(d)
    second = contract.instalments[1]
    buyer = signin(d.buyer)
    page = buyer.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert f"/payments/instalments/{contract.id}/{second.id}/pay" in page

    resp = buyer.post(f"/payments/instalments/{contract.id}/{second.id}/pay",
                      data={"method": "stripe", "payment_method": "pm_card_visa"})
    assert resp.status_code == 302
    payment = db.session.query(MarketPayment).one()
    assert payment.status == "succeeded" and payment.amount == Decimal("200000.00")
    db.session.expire_all()
    contract = db.session.get(Contract, contract.id)
    confirmed = [p for p in contract.payments if p.status == "confirmed"]
    assert [(p.instalment_id, p.amount) for p in confirmed] == [(second.id, Decimal("200000.00"))]
    assert outstanding(contract, contract.instalments[1]) == 0
    assert contract.confirmed_paid == Decimal("200000.00")
    assert "20.00 万元" in buyer.get(resp.headers["Location"]).get_data(as_text=True)

    again = buyer.post(f"/payments/instalments/{contract.id}/{second.id}/pay",
                       data={"method": "stripe", "payment_method": "pm_card_visa"})
    assert again.status_code == 409
    stranger = signin(make.user(Role.ENTERPRISE))
    assert stranger.post(f"/payments/instalments/{contract.id}/{second.id}/pay",
                         data={"payment_method": "pm_card_visa"}).status_code == 404
    assert stranger.get(f"/payments/{payment.id}").status_code == 404


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)  # the gateway matters here, not the database
def test_a_declined_card_leaves_the_instalment_open(app, make, signin):
    d = deal(make)
    contract = submitted(d)
    first = contract.instalments[0]
    resp = signin(d.seller).post(f"/payments/instalments/{contract.id}/{first.id}/pay",
                                 data={"method": "stripe", "payment_method": "pm_card_chargeCustomerFail"},
                                 follow_redirects=True)
    assert resp.status_code == 200 and "declined" in resp.get_data(as_text=True)
    db.session.expire_all()
    contract = db.session.get(Contract, contract.id)
    assert contract.payments == [] and outstanding(contract, first) == first.amount
