"""The winner's deposit after the auction: given back once the signed contract of the deal is uploaded; an upheld
objection cancels the deal and its draft contract (through the events and the machines) and releases the deposits."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from techmarket.contracts import documents
from techmarket.contracts.models import Contract
from techmarket.contracts.registration import MACHINE
from techmarket.core.components import component
from techmarket.extensions import db
from techmarket.payments import deposits
from techmarket.payments.components import Gateways
from techmarket.trading.auctions import bidding, closing, results
from techmarket.trading.models import Deal
from tests.contracts.builders import PDF
from tests.payments.test_deposits import T0, _auction
from tests.trading.builders import scene


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)  # the gateway and the events matter here
def test_the_winners_card_deposit_is_refunded_once_the_signed_contract_is_uploaded(app, make):
    sc = scene(make)
    auction, _op, (b1, d1), (b2, d2) = _auction(make, sc)
    gateways = component(Gateways)
    early = T0 - dt.timedelta(days=10)  # collected, not held
    card, _ = deposits.pay(db.session, b1, gateways.get("stripe"), d1, payment_method="pm_card_visa", now=early)
    deposits.pay(db.session, b2, gateways.get("stripe"), d2, payment_method="pm_card_visa", now=early)
    db.session.commit()
    bidding.place(db.session, b2, auction.id, D("100000"), "k1", now=T0 + dt.timedelta(minutes=1))
    bidding.place(db.session, b1, auction.id, D("110000"), "k2", now=T0 + dt.timedelta(minutes=2))
    db.session.commit()
    closing.refresh(db.session, auction, now=auction.ends_at)
    db.session.commit()
    db.session.expire_all()
    assert (d1.status, card.status, d2.status) == ("applied", "succeeded", "refunded")
    deal = db.session.scalar(select(Deal).where(Deal.auction_id == auction.id))
    contract = db.session.get(Contract, deal.contract_id)
    assert contract is not None and contract.status == "draft"

    # supporting material changes nothing; the signed contract gives the winner's deposit back (a job after commit)
    documents.add(db.session, sc.s, contract, "supporting", "附件.pdf", io.BytesIO(PDF),
                  instance_path=app.instance_path, max_bytes=1 << 20)
    db.session.commit()
    db.session.expire_all()
    assert d1.status == "applied"
    documents.add(db.session, sc.s, contract, "signed_contract", "合同.pdf", io.BytesIO(PDF),
                  instance_path=app.instance_path, max_bytes=1 << 20)
    db.session.commit()
    db.session.expire_all()
    assert (d1.status, card.status) == ("refunded", "refunded")
    assert gateways.get("stripe").retrieve(card.gateway_reference).status == "refunded"


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_an_upheld_objection_cancels_the_deal_and_its_draft_contract_and_releases_the_deposits(app, make):
    sc = scene(make)
    auction, op, (b1, d1), (b2, d2) = _auction(make, sc)
    gateways = component(Gateways)
    early = T0 - dt.timedelta(days=10)
    card, _ = deposits.pay(db.session, b1, gateways.get("stripe"), d1, payment_method="pm_card_visa", now=early)
    deposits.pay(db.session, b2, gateways.get("stripe"), d2, payment_method="pm_card_visa", now=early)
    db.session.commit()
    bidding.place(db.session, b2, auction.id, D("100000"), "k1", now=T0 + dt.timedelta(minutes=1))
    bidding.place(db.session, b1, auction.id, D("110000"), "k2", now=T0 + dt.timedelta(minutes=2))
    db.session.commit()
    closing.refresh(db.session, auction, now=auction.ends_at)
    db.session.commit()
    deal = db.session.scalar(select(Deal).where(Deal.auction_id == auction.id))
    contract = db.session.get(Contract, deal.contract_id)
    assert (auction.status, deal.status, contract.status, d1.status) == ("publicity", "concluded", "draft", "applied")

    objection = results.object_to(db.session, b2, auction, "中标人与卖方存在关联关系，应当取消资格。")
    db.session.commit()
    results.decide(db.session, op, objection, "uphold", "异议成立：关联方参与竞买")
    db.session.commit()  # after commit: the released card deposit is refunded by a job (inline in tests)
    db.session.expire_all()
    assert (auction.status, deal.status, contract.status) == ("annulled", "cancelled", "cancelled")
    assert (d1.status, card.status) == ("refunded", "refunded") and d1.refund_due_on is not None
    assert [e.action for e in contract.events][-1] == "cancel"
    assert not MACHINE.actions(contract, ["seller", "registrar", "system"])  # closed for good: no reopening
