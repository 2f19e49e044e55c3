"""The auction pages through the test client, with the server's clock injected: the owner asks, the operator
approves, a bidder registers, the operator marks the deposit received (offline), quick bids and a double click,
the polled status with its ETag, the close on a read, the result with its PDF and the objection form."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from sqlalchemy import select

from techmarket.core.clock import to_local
from techmarket.extensions import db
from techmarket.trading.auctions.models import Auction, AuctionDeposit, Bid
from techmarket.trading.models import Deal
from tests.trading.builders import scene

T0 = dt.datetime(2031, 6, 2, 1, 0, tzinfo=dt.UTC)


def _local(value: dt.datetime) -> str:
    return to_local(value).strftime("%Y-%m-%dT%H:%M")


def test_auction_pages_from_request_to_result(app, make, signin) -> None:
    clock = {"now": T0 - dt.timedelta(days=1)}
    app.config["AUCTION_CLOCK"] = lambda: clock["now"]
    sc = scene(make)
    seller, buyer, op = signin(sc.seller), signin(sc.buyer), signin(make.operator())
    assert 'data-testid="auction-create"' in seller.get(f"/listings/{sc.listing.id}").get_data(as_text=True)
    assert buyer.get(f"/auctions/listings/{sc.listing.id}/new").status_code == 403
    form = {"mode": "english", "trade_mode": "transfer", "start_price": "100000", "increment": "abc",
            "reserve": "", "deposit_amount": "10000", "starts_at": _local(T0),
            "free_ends_at": _local(T0 + dt.timedelta(hours=1)), "timed_minutes": "30", "extension_minutes": "5"}
    bad = seller.post(f"/auctions/listings/{sc.listing.id}/new", data=form)
    assert bad.status_code == 400 and "abc" in bad.get_data(as_text=True) and db.session.scalar(select(Auction)) is None
    assert seller.post(f"/auctions/listings/{sc.listing.id}/new", data=form | {"increment": "5000"}).status_code == 302
    auction = db.session.scalar(select(Auction))
    assert auction is not None and auction.status == "draft"
    assert buyer.get(f"/auctions/{auction.id}").status_code == 404  # a draft is not public yet
    assert buyer.get(f"/auctions/{auction.id}/operate").status_code == 403
    assert 'data-testid="approve"' in op.get(f"/auctions/{auction.id}/operate").get_data(as_text=True)
    assert op.post(f"/auctions/{auction.id}/decide/approve", data={"version": auction.version}).status_code == 302

    no_agreement = buyer.post(f"/auctions/{auction.id}/register", data={"org_id": sc.buyer_org.id})
    assert no_agreement.status_code == 400
    assert buyer.post(f"/auctions/{auction.id}/register",
                      data={"org_id": sc.buyer_org.id, "agreement": "y"}).status_code == 302
    db.session.expire_all()
    bidder = auction.bidders[0]
    deposit = db.session.scalar(select(AuctionDeposit))
    page = buyer.get(f"/auctions/{auction.id}").get_data(as_text=True)
    assert f"竞买人 {bidder.pseudonym}" in page and 'data-testid="deposit-status"' in page
    operate = op.get(f"/auctions/{auction.id}/operate").get_data(as_text=True)
    assert f'data-testid="secure-{deposit.id}"' in operate
    assert op.post(f"/auctions/bidders/{bidder.id}/qualify", data={"version": bidder.version}).status_code == 302
    assert op.post(f"/auctions/deposits/{deposit.id}/secure", data={"reference": ""}).status_code == 400
    assert op.post(f"/auctions/deposits/{deposit.id}/secure", data={"reference": "ICBC-7"}).status_code == 302
    assert "银行转账 · ICBC-7" in op.get(f"/auctions/{auction.id}/operate").get_data(as_text=True)

    clock["now"] = T0 + dt.timedelta(minutes=3)
    page = buyer.get(f"/auctions/{auction.id}").get_data(as_text=True)
    assert 'data-testid="quick-1"' in page and 'data-testid="server-time"' in page
    key = {"key": "dbl-1", "quick": "100000"}
    assert buyer.post(f"/auctions/{auction.id}/bid", data=key).status_code == 302
    assert buyer.post(f"/auctions/{auction.id}/bid", data=key).status_code == 302  # the double click
    off = buyer.post(f"/auctions/{auction.id}/bid", data={"key": "k2", "amount": "101000"})
    assert off.status_code == 400 and "您已是当前最优报价人" in off.get_data(as_text=True)
    late = buyer.post(f"/auctions/{auction.id}/bid", data={"key": "k3", "amount": "100000"},
                      headers={"Accept": "application/json"})  # a refusal tells the high: bid again without a poll
    assert late.status_code == 400 and late.get_json()["high"] == "100000.00"
    assert late.get_json()["error"]["reason"] == "already_high" and late.get_json()["error"]["fields"]["amount"]
    again = buyer.post(f"/auctions/{auction.id}/bid", data=key, headers={"Accept": "application/json"})
    assert again.status_code == 201 and again.get_json()["repeated"] is True  # the double click, answered in JSON
    assert db.session.scalar(select(db.func.count(Bid.id))) == 1
    lead = re.search(r'<span [^>]*data-testid="you-lead"[^>]*>', buyer.get(f"/auctions/{auction.id}").get_data(
        as_text=True))
    assert lead is not None and "hidden" not in lead.group(0)  # the bidder sees that they lead
    assert seller.post(f"/auctions/{auction.id}/bid", data={"key": "s", "amount": "105000"}).status_code == 403

    status = buyer.get(f"/auctions/{auction.id}/status.json")
    body = status.get_json()
    assert status.status_code == 200 and body["high"] == "100000.00" and body["bid_count"] == 1
    assert body["high_bidder"] == bidder.pseudonym and body["quick_bids"][0] == [1, "105000.00"]
    assert buyer.get(f"/auctions/{auction.id}/status.json",
                     headers={"If-None-Match": status.headers["ETag"]}).status_code == 304
    assert 'data-testid="auctions"' in buyer.get("/auctions/?status=open").get_data(as_text=True)

    clock["now"] = T0 + dt.timedelta(hours=2)  # after the end: the next read closes it
    page = buyer.get(f"/auctions/{auction.id}").get_data(as_text=True)
    assert 'data-testid="result"' in page and sc.buyer_org.name in page
    db.session.expire_all()
    assert db.session.get(Auction, auction.id).status == "publicity"
    assert db.session.scalar(select(Deal).where(Deal.auction_id == auction.id)).amount == Decimal("100000")
    pdf = buyer.get(f"/auctions/{auction.id}/confirmation.pdf")
    assert pdf.status_code in (200, 503)
    if pdf.status_code == 200:
        assert pdf.data.startswith(b"%PDF")
    assert signin(make.org(status="verified").memberships[0].user).get(
        f"/auctions/{auction.id}/confirmation.pdf").status_code == 403
    assert seller.post(f"/auctions/{auction.id}/objections", data={"text": "x"}).status_code == 400
    assert seller.post(f"/auctions/{auction.id}/objections", data={"text": "报价记录有疑问"}).status_code == 302
    assert "报价记录有疑问" in op.get("/auctions/console").get_data(as_text=True)
    operate = op.get(f"/auctions/{auction.id}/operate")  # the operator's page lists the objection with its state
    assert operate.status_code == 200 and "报价记录有疑问" in operate.get_data(as_text=True)
    assert "等待运营方处理" in operate.get_data(as_text=True)
