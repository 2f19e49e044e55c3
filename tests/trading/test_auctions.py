"""Auctions through the services: approval, bidders and their qualification, deposits, bids and their refusals,
anti-sniping with an injected clock, idempotent bids, the close (deposits, the deal and its draft contract,
``auction.closed``), the 成交公示 with an objection, a 挂牌 sale that becomes an auction, and two bids at once."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from techmarket.accounts.notifications import Notification
from techmarket.accounts.services import actor_for
from techmarket.contracts.models import Contract
from techmarket.core import events
from techmarket.core.audit import AuditEntry
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.extensions import db
from techmarket.policy.calendar import add_working_days
from techmarket.trading import deposits, sales
from techmarket.trading.auctions import bidding, closing, results, services
from techmarket.trading.auctions.models import Auction, AuctionDeposit, Bid
from techmarket.trading.models import Deal
from tests.trading.builders import scene

T0 = dt.datetime(2031, 6, 2, 1, 0, tzinfo=dt.UTC)  # a Monday, 09:00 in Shanghai


def _data(**extra) -> services.AuctionData:
    base = {"mode": "english", "trade_mode": "transfer", "start_price": D("100000"), "increment": D("5000"),
                "starts_at": T0, "free_ends_at": T0 + dt.timedelta(hours=2), "reserve": D("110000"),
                "deposit_amount": D("10000"), "timed_minutes": 30}
    return services.AuctionData(**(base | extra))


def _running(make, sc, **extra):
    """An approved auction with two qualified bidders whose deposits are secured; returns (auction, op, b1, b2)."""
    op = actor_for(make.operator())
    auction = services.create(db.session, sc.s, sc.listing, _data(**extra), now=T0 - dt.timedelta(days=1))
    services.approve(db.session, op, auction)
    second = make.org(status="verified")
    b2 = actor_for(second.memberships[0].user)
    for who in (sc.b, b2):
        bidder = services.register(db.session, who, auction, None, agreement=True, now=T0)
        services.qualify(db.session, op, bidder)
        deposit = deposits.deposit_for(db.session, auction, bidder.organisation_id)
        if deposit is not None:
            deposits.secure(db.session, op, deposit, gateway="offline", reference=f"BANK-{bidder.id}")
    db.session.commit()
    return auction, op, sc.b, b2


def test_bids_refusals_deposits_and_idempotency(make) -> None:
    sc = scene(make)
    related = make.org(status="verified")
    op = actor_for(make.operator())
    with pytest.raises(ValidationFailed) as exc:
        services.create(db.session, sc.s, sc.listing, _data(increment=D("-1"), free_ends_at=T0), now=T0)
    assert {"increment", "free_ends_at"} <= set(exc.value.field_errors)
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        services.create(db.session, sc.b, sc.listing, _data(), now=T0)
    db.session.rollback()
    auction = services.create(db.session, sc.s, sc.listing, _data(related_parties=related.credit_code), now=T0)
    with pytest.raises(PermissionDenied):
        services.approve(db.session, sc.s, auction)
    services.approve(db.session, op, auction)
    bidder = services.register(db.session, sc.b, auction, None, agreement=True, now=T0)
    rel = services.register(db.session, actor_for(related.memberships[0].user), auction, None, agreement=True)
    db.session.commit()
    with pytest.raises(PermissionDenied):  # the seller
        services.register(db.session, sc.s, auction, None, agreement=True)
    db.session.rollback()
    with pytest.raises(Conflict):  # a declared related party does not qualify
        services.qualify(db.session, op, rel)
    db.session.rollback()
    deposit = deposits.deposit_for(db.session, auction, sc.buyer_org.id)
    assert deposit is not None and (deposit.status, deposit.amount) == ("due", D("10000"))
    with pytest.raises(PermissionDenied):  # not qualified yet
        bidding.place(db.session, sc.b, auction.id, D("100000"), "k1", now=T0 + dt.timedelta(minutes=1))
    db.session.rollback()
    services.qualify(db.session, op, bidder)
    db.session.commit()
    with pytest.raises(PermissionDenied):  # no deposit
        bidding.place(db.session, sc.b, auction.id, D("100000"), "k1", now=T0 + dt.timedelta(minutes=1))
    db.session.rollback()
    with pytest.raises(ValidationFailed):  # the offline path needs the bank reference
        deposits.secure(db.session, op, deposit, gateway="offline", reference=" ")
    db.session.rollback()
    deposits.secure(db.session, op, deposit, gateway="offline", reference="ICBC-001")
    db.session.commit()
    with pytest.raises(Conflict):  # a deposit secured twice
        deposits.secure(db.session, op, deposit, gateway="offline", reference="ICBC-002")
    db.session.rollback()
    with pytest.raises(ValidationFailed):  # before the start
        bidding.place(db.session, sc.b, auction.id, D("100000"), "k0", now=T0 - dt.timedelta(minutes=1))
    db.session.rollback()
    with pytest.raises(PermissionDenied):  # the seller cannot bid
        bidding.place(db.session, sc.s, auction.id, D("100000"), "k1", now=T0 + dt.timedelta(minutes=1))
    db.session.rollback()
    with pytest.raises(ValidationFailed) as exc:
        bidding.place(db.session, sc.b, auction.id, D("102000"), "k1", now=T0 + dt.timedelta(minutes=1))
    assert "amount" in exc.value.field_errors
    db.session.rollback()
    first = bidding.place(db.session, sc.b, auction.id, D("100000"), "k1", now=T0 + dt.timedelta(minutes=1))
    db.session.commit()
    again = bidding.place(db.session, sc.b, auction.id, D("100000"), "k1", now=T0 + dt.timedelta(minutes=2))
    db.session.commit()
    assert again.repeated and again.bid.id == first.bid.id and auction.bid_count == 1 and auction.status == "open"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "bid",
                                                      AuditEntry.object_id == str(first.bid.id))) is not None
    with pytest.raises(ValidationFailed):  # the high bidder does not bid against themselves
        bidding.place(db.session, sc.b, auction.id, D("105000"), "k2", now=T0 + dt.timedelta(minutes=3))
    db.session.rollback()


def test_extension_close_deal_deposits_publicity_and_objection(make, runner) -> None:
    sc = scene(make)
    auction, op, b1, b2 = _running(make, sc)
    closed: list[dict] = []
    events.on("auction.closed", lambda session, event: closed.append(dict(event.data)))
    end = auction.ends_at
    bidding.place(db.session, b1, auction.id, D("100000"), "a", now=T0 + dt.timedelta(minutes=5))
    bidding.place(db.session, b2, auction.id, D("110000"), "b", now=T0 + dt.timedelta(minutes=6))
    db.session.commit()
    with pytest.raises(ValidationFailed):  # below the current high
        bidding.place(db.session, b1, auction.id, D("110000"), "c", now=T0 + dt.timedelta(minutes=7))
    db.session.rollback()
    sniped = bidding.place(db.session, b1, auction.id, D("120000"), "d", now=end - dt.timedelta(seconds=30))
    db.session.commit()
    assert sniped.extended and auction.ends_at == end + dt.timedelta(minutes=5) and auction.extensions == 1
    with pytest.raises(Conflict):  # after the (extended) close, judged by the server's clock: the read closes it
        closing.refresh(db.session, auction, now=auction.ends_at)
        db.session.commit()
        bidding.place(db.session, b2, auction.id, D("125000"), "e", now=auction.ends_at)
    db.session.rollback()
    auction = db.session.get(Auction, auction.id)
    assert (auction.status, auction.final_amount) == ("publicity", D("120000"))
    assert closed == [{"auction_id": auction.id, "winner_bidder_id": auction.winner_bidder_id, "outcome": "sold"}]
    closed_on = (end + dt.timedelta(minutes=5)).astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert auction.publicity_until == add_working_days(closed_on, 5)[0]
    states = {d.organisation_id: d for d in db.session.scalars(select(AuctionDeposit))}
    assert states[sc.buyer_org.id].status == "applied"
    loser = next(d for o, d in states.items() if o != sc.buyer_org.id)
    assert loser.status == "released" and loser.refund_due_on == add_working_days(closed_on, 5)[0]
    assert deposits.overdue_refunds(db.session, loser.refund_due_on) == []
    assert deposits.overdue_refunds(db.session, loser.refund_due_on + dt.timedelta(days=1)) == [loser]
    deposits.record_refund(db.session, op, loser, reference="REFUND-1")
    db.session.commit()
    kinds = set(db.session.scalars(select(Notification.kind).where(Notification.user_id == sc.buyer.id)))
    assert {"auction_bidder_qualified", "auction_sold"} <= kinds
    deal = db.session.scalar(select(Deal).where(Deal.auction_id == auction.id))
    assert deal is not None and (deal.buyer_org_id, deal.amount, deal.status) == (sc.buyer_org.id, D("120000"),
                                                                                  "concluded")
    contract = db.session.get(Contract, deal.contract_id)
    assert contract is not None and contract.status == "draft" and contract.total_amount == D("120000")
    facts = results.confirmation(db.session, b1, auction)
    assert (facts.buyer.id, facts.amount) == (sc.buyer_org.id, D("120000"))
    with pytest.raises(PermissionDenied):
        results.confirmation(db.session, actor_for(make.org(status="verified").memberships[0].user), auction)
    objection = results.object_to(db.session, b2, auction, "最后一口报价时系统卡顿")
    db.session.commit()
    assert closing.close_due(db.session, now=dt.datetime.combine(
        auction.publicity_until + dt.timedelta(days=2), dt.time(4), dt.UTC)) == 0  # an objection holds it
    with pytest.raises(ValidationFailed):
        results.decide(db.session, op, objection, "dismiss", "")
    db.session.rollback()
    results.decide(db.session, op, objection, "dismiss", "日志显示报价正常受理")
    db.session.commit()
    assert closing.close_due(db.session, now=dt.datetime.combine(
        auction.publicity_until + dt.timedelta(days=2), dt.time(4), dt.UTC)) == 1
    db.session.commit()
    assert auction.status == "final"
    with pytest.raises(PermissionDenied):
        deposits.forfeit(db.session, b1, states[sc.buyer_org.id], reason="弃标")
    db.session.rollback()
    deposits.forfeit(db.session, op, states[sc.buyer_org.id], reason="买方放弃签约")
    db.session.commit()
    assert states[sc.buyer_org.id].status == "forfeited"


def test_failed_auction_below_reserve_and_relisting(make, runner) -> None:
    sc = scene(make)
    auction, _op, b1, _b2 = _running(make, sc, deposit_amount=D("0"))
    assert deposits.deposit_for(db.session, auction, sc.buyer_org.id) is None  # no deposit asked
    bidding.place(db.session, b1, auction.id, D("100000"), "a", now=T0 + dt.timedelta(minutes=1))
    db.session.commit()
    assert closing.close_due(db.session, now=auction.ends_at) == 1
    db.session.commit()
    assert (auction.status, auction.reason, auction.winner_bidder_id) == ("failed", "below_reserve", None)
    with pytest.raises(ValidationFailed):  # a relisting does not raise the start
        services.relist(db.session, sc.s, auction, _data(start_price=D("200000")), now=T0)
    db.session.rollback()
    services.relist(db.session, sc.s, auction, _data(start_price=D("90000"), starts_at=T0 + dt.timedelta(days=3),
                                                     free_ends_at=T0 + dt.timedelta(days=4)), now=T0)
    db.session.commit()
    assert (auction.status, auction.start_price, auction.high_amount) == ("draft", D("90000"), None)
    # A reverse auction for a demand: the lowest price wins and the demand's owner buys the service.
    demand = make.listing(sc.seller_org, kind="demand")
    with pytest.raises(ValidationFailed):  # a demand is auctioned in reverse only
        services.create(db.session, sc.s, demand, _data(trade_mode="service"), now=T0)
    db.session.rollback()
    rev = services.create(db.session, sc.s, demand, _data(mode="reverse", trade_mode="service", reserve=None,
                                                          deposit_amount=D("0")), now=T0 - dt.timedelta(days=1))
    services.approve(db.session, _op, rev)
    services.qualify(db.session, _op, services.register(db.session, b1, rev, None, agreement=True))
    bidding.place(db.session, b1, rev.id, D("95000"), "r", now=T0 + dt.timedelta(minutes=1))
    closing.refresh(db.session, rev, now=rev.ends_at)
    db.session.commit()
    deal = db.session.scalar(select(Deal).where(Deal.auction_id == rev.id))
    assert rev.status == "publicity" and deal is not None
    assert (deal.seller_org_id, deal.buyer_org_id, deal.amount) == (sc.buyer_org.id, sc.seller_org.id, D("95000"))


def test_sealed_bids_hidden_one_each_and_listed_sale_becomes_an_auction(make) -> None:
    sc = scene(make)
    auction, _op, b1, b2 = _running(make, sc, mode="sealed", reserve=None, deposit_amount=D("0"))
    bidding.place(db.session, b1, auction.id, D("130000"), "a", now=T0 + dt.timedelta(minutes=1))
    bidding.place(db.session, b2, auction.id, D("130000"), "b", now=T0 + dt.timedelta(minutes=2))
    db.session.commit()
    assert auction.high_amount is None  # hidden until the close
    with pytest.raises(bidding.BidRefused) as refused:
        bidding.place(db.session, b1, auction.id, D("140000"), "c", now=T0 + dt.timedelta(minutes=3))
    assert refused.value.code == "already_bid" and refused.value.high is None  # a refusal tells no sealed bid
    db.session.rollback()
    closing.refresh(db.session, auction, now=auction.ends_at)
    db.session.commit()
    assert auction.status == "publicity" and auction.final_amount == D("130000")
    winner = next(b for b in auction.bidders if b.id == auction.winner_bidder_id)
    assert winner.organisation_id == sc.buyer_org.id  # a tie goes to the earliest
    # A 挂牌 sale with two qualified buyers becomes an auction with the listed price as the start.
    sc2 = scene(make)
    sale = sales.list_for_sale(db.session, sc2.s, sc2.listing, sales.SaleData(D("1000000"), "transfer"))
    op = actor_for(make.operator())
    sales.approve(db.session, op, sale)
    other = make.org(status="verified")
    for who in (sc2.b, actor_for(other.memberships[0].user)):
        sales.qualify(db.session, op, sales.register(db.session, who, sale, None, "意向受让"))
    sale.ends_on = sale.starts_on - dt.timedelta(days=1)
    db.session.commit()
    sales.settle(db.session, sale)
    db.session.commit()
    made = db.session.scalar(select(Auction).where(Auction.sale_id == sale.id))
    assert sale.status == "competing" and made is not None
    assert (made.status, made.start_price, made.increment) == ("scheduled", D("1000000"), D("10000"))
    assert sorted(b.status for b in made.bidders) == ["qualified", "qualified"]
    with pytest.raises(PermissionDenied):  # the agreement first
        bidding.place(db.session, sc2.b, made.id, D("1000000"), "x", now=made.starts_at)
    db.session.rollback()
    services.register(db.session, sc2.b, made, None, agreement=True)
    bidding.place(db.session, sc2.b, made.id, D("1000000"), "x", now=made.starts_at)
    db.session.commit()
    closing.refresh(db.session, made, now=made.ends_at)
    db.session.commit()
    assert (made.status, sale.status) == ("publicity", "sold")


def test_two_bids_at_the_same_instant_never_both_win_a_step(app, make) -> None:
    sc = scene(make)
    auction, _op, b1, b2 = _running(make, sc, deposit_amount=D("0"))
    auction_id, at = auction.id, T0 + dt.timedelta(minutes=10)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def bid(who, key: str) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                bidding.place(db.session, who, auction_id, D("100000"), key, now=at)
                db.session.commit()
                outcomes.append("accepted")
            except ValidationFailed:
                outcomes.append("refused")
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=bid, args=(who, k)) for who, k in ((b1, "p"), (b2, "q"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["accepted", "refused"]
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count(Bid.id)).where(Bid.auction_id == auction_id)) == 1
    assert db.session.get(Auction, auction_id).bid_count == 1
