"""The winner's deposit after the auction: given back once the signed contract of the deal is uploaded."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from techmarket.contracts import documents
from techmarket.contracts.models import Contract
from techmarket.core.components import component
from techmarket.extensions import db
from techmarket.payments import deposits
from techmarket.payments.components import Gateways
from techmarket.trading.auctions import bidding, closing
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
    other, _ = deposits.pay(db.session, b2, gateways.get("stripe"), d2, payment_method="pm_card_visa", now=early)
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
