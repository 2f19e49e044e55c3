"""Auction deposits through the gateways: a card hold for a short auction, a bank transfer, paid twice refused,
the close releasing the loser's hold (a job) and the operator giving back a transfer or forfeiting."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest

from techmarket.accounts.services import actor_for
from techmarket.core.components import component
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.extensions import db
from techmarket.payments import deposits, services
from techmarket.payments.components import Gateways
from techmarket.trading import deposits as trading_deposits
from techmarket.trading.auctions import bidding, closing
from techmarket.trading.auctions import services as auctions
from techmarket.trading.auctions.models import Auction
from tests.contracts.builders import PDF
from tests.trading.builders import scene

T0 = dt.datetime(2031, 6, 2, 1, 0, tzinfo=dt.UTC)


def _auction(make, sc):
    op = actor_for(make.operator())
    data = auctions.AuctionData(mode="english", trade_mode="transfer", start_price=D("100000"), increment=D("5000"),
                                starts_at=T0, free_ends_at=T0 + dt.timedelta(hours=2), reserve=D("110000"),
                                deposit_amount=D("10000"), timed_minutes=30)
    auction = auctions.create(db.session, sc.s, sc.listing, data, now=T0 - dt.timedelta(days=1))
    auctions.approve(db.session, op, auction)
    second = make.org(status="verified")
    b2 = actor_for(second.memberships[0].user)
    found = []
    for who in (sc.b, b2):
        bidder = auctions.register(db.session, who, auction, None, agreement=True, now=T0)
        auctions.qualify(db.session, op, bidder)
        found.append(trading_deposits.deposit_for(db.session, auction, bidder.organisation_id))
    db.session.commit()
    return auction, op, (sc.b, found[0]), (b2, found[1])


def test_deposits_held_transferred_released_and_given_back(app, make):
    sc = scene(make)
    auction, op, (b1, d1), (b2, d2) = _auction(make, sc)
    gateways = component(Gateways)
    stripe, offline = gateways.get("stripe"), gateways.get("offline")
    assert deposits.holds(d1, stripe, now=T0) and not deposits.holds(d1, stripe, now=T0 - dt.timedelta(days=6))
    assert not deposits.holds(d1, offline, now=T0)

    # the winner-to-be pays by bank transfer: receipt, the operator confirms, the deposit is secured
    transfer, _ = deposits.pay(db.session, b1, offline, d1, now=T0)
    services.upload_receipt(db.session, b1, transfer, "回单.pdf", io.BytesIO(PDF), instance_path=app.instance_path,
                            max_bytes=1 << 20)
    db.session.commit()
    assert d1.status == "due"
    services.decide_transfer(db.session, op, transfer, confirm=True)
    db.session.commit()
    assert (d1.status, d1.gateway, d1.reference) == ("secured", "offline", transfer.gateway_reference)

    # the other bidder's card: the auction ends within 5 days, so the deposit is only held
    with pytest.raises(PermissionDenied):  # not their organisation's deposit
        deposits.pay(db.session, b2, stripe, d1, now=T0)
    db.session.rollback()
    card, _ = deposits.pay(db.session, b2, stripe, d2, payment_method="pm_card_visa", now=T0)
    db.session.commit()
    assert (card.status, card.hold, d2.status, d2.gateway) == ("authorised", True, "secured", "stripe")
    with pytest.raises(Conflict):  # a deposit paid twice
        deposits.pay(db.session, b2, stripe, d2, payment_method="pm_card_visa", now=T0)
    db.session.rollback()
    with pytest.raises(Conflict):  # even by another way while the first is live
        services.start(db.session, b2, offline, purpose="deposit", subject_id=d2.id, amount=D("10000"))
    db.session.rollback()

    bidding.place(db.session, b2, auction.id, D("100000"), "k1", now=T0 + dt.timedelta(minutes=1))
    bidding.place(db.session, b1, auction.id, D("110000"), "k2", now=T0 + dt.timedelta(minutes=2))
    db.session.commit()
    closing.refresh(db.session, auction, now=auction.ends_at)
    db.session.commit()  # after commit: the loser's hold is cancelled by a job (inline in tests)
    db.session.expire_all()
    assert db.session.get(Auction, auction.id).status == "publicity"
    assert (card.status, d2.status) == ("cancelled", "refunded") and d2.reference == card.gateway_reference
    assert component(Gateways).get("stripe").retrieve(card.gateway_reference).status == "cancelled"

    # the winner walks away: the operator forfeits with a reason (the transfer is kept)
    with pytest.raises(ValidationFailed):
        deposits.forfeit(db.session, op, gateways, d1, reason=" ")
    db.session.rollback()
    deposits.forfeit(db.session, op, gateways, d1, reason="中标人未在规定期限内签约")
    db.session.commit()
    assert (d1.status, transfer.status) == ("forfeited", "succeeded")


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)  # the gateway matters here, not the database
def test_a_collected_card_deposit_is_refunded_and_a_transfer_needs_the_operators_reference(app, make):
    sc = scene(make)
    auction, op, (b1, d1), (b2, d2) = _auction(make, sc)
    gateways = component(Gateways)
    early = T0 - dt.timedelta(days=10)  # the auction ends in more than 5 days: the card deposit is collected
    card, _ = deposits.pay(db.session, b1, gateways.get("stripe"), d1, payment_method="pm_card_visa", now=early)
    transfer, _ = deposits.pay(db.session, b2, gateways.get("offline"), d2, now=early)
    services.upload_receipt(db.session, b2, transfer, "回单.pdf", io.BytesIO(PDF), instance_path=app.instance_path,
                            max_bytes=1 << 20)
    services.decide_transfer(db.session, op, transfer, confirm=True)
    db.session.commit()
    assert (card.status, card.hold, d1.status, d2.status) == ("succeeded", False, "secured", "secured")
    bidding.place(db.session, b1, auction.id, D("100000"), "k1", now=T0 + dt.timedelta(minutes=1))
    bidding.place(db.session, b2, auction.id, D("110000"), "k2", now=T0 + dt.timedelta(minutes=2))
    db.session.commit()
    closing.refresh(db.session, auction, now=auction.ends_at)
    db.session.commit()
    db.session.expire_all()
    assert (card.status, d1.status) == ("refunded", "refunded")  # the loser's card, by the job
    assert d2.status == "applied" and transfer.status == "succeeded"
    # a released bank transfer waits for the operator's transfer back (the deposits page lists it)
    d2.status = "released"  # (as if the winner's deposit were released after the contract)
    db.session.commit()
    with pytest.raises(ValidationFailed):
        deposits.give_back(db.session, op, gateways, d2)
    db.session.rollback()
    deposits.give_back(db.session, op, gateways, d2, refund_reference="ICBC-REFUND-9")
    db.session.commit()
    assert (transfer.status, transfer.refund_reference, d2.status) == ("refunded", "ICBC-REFUND-9", "refunded")
