"""``techmarket demo load`` adds a negotiation with a counter-offer, a 挂牌 sale with two intended buyers (one
qualified) and auctions (one running, one in 成交公示, six held in past months: final, 流拍 and one annulled, whose
deal and draft contract are cancelled), through the trading services, once; the statistics count the auctions in
the months they closed."""

from __future__ import annotations

from sqlalchemy import func, select

from techmarket.contracts.models import Contract
from techmarket.core.clock import local_today, to_local
from techmarket.extensions import db
from techmarket.listings.models import InquiryThread
from techmarket.reporting.queries import Filters, Reader
from techmarket.trading.auctions.models import Auction
from techmarket.trading.models import Deal, Negotiation, Offer, Registration, Sale


def test_demo_trading_loaded_once(runner) -> None:
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "demo trading: 2 added" in result.output
    assert "demo auctions: 8 added" in result.output
    assert "demo payments: 1 deposit transfer(s) added" in result.output  # the running auction's third bidder
    assert sorted(a.status for a in db.session.scalars(select(Auction))) == [
        "annulled", "failed", "failed", "final", "final", "final", "open", "publicity"]
    annulled = db.session.scalar(select(Auction).where(Auction.status == "annulled"))
    deal = db.session.scalar(select(Deal).where(Deal.auction_id == annulled.id))
    contract = db.session.get(Contract, deal.contract_id)
    assert (deal.status, contract.status) == ("cancelled", "cancelled")
    assert contract.signed_on == to_local(annulled.closed_at).date() < local_today()
    today = local_today()
    reader = Reader(db.session, Filters(f"{today.year - 1}-{today.month:02d}", f"{today.year}-{today.month:02d}"))
    assert reader.headline("auction").count == 7 and reader.headline("auction_failed").count == 2
    assert reader.headline("auction_concluded").count == 4
    assert len([r for r in reader.table("auction", "month").rows if r.count]) >= 6
    threads = db.session.scalars(select(InquiryThread)).all()  # enterprises asked, the owners answered
    assert "demo inquiries: 10 threads added" in result.output and len(threads) == 10
    assert all([m.from_owner for m in t.messages] == [False, True] for t in threads)
    assert all(t.organisation.org_type == "enterprise" and t.organisation_id != t.listing.organisation_id
               for t in threads)
    assert len({t.created_at.strftime("%Y-%m") for t in threads}) >= 8
    assert reader.headline("inquiry").count >= 5  # the last twelve months' statistics count them
    thread = db.session.scalar(select(Negotiation))
    assert thread is not None and [(o.side, o.status) for o in thread.offers] == [
        ("buyer", "countered"), ("seller", "pending")]
    sale = db.session.scalar(select(Sale))
    assert sale is not None and sale.status == "open"
    assert sorted(r.status for r in sale.registrations) == ["pending", "qualified"]
    again = runner.invoke(args=["demo", "load"])
    assert "demo trading: 0 added" in again.output
    assert "demo auctions: 0 added" in again.output
    assert "demo inquiries: 0 threads added" in again.output
    assert db.session.scalar(select(func.count()).select_from(Offer)) == 2
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 2



def test_demo_buyers_are_distinct_people_outside_the_seller(make) -> None:
    """The demo's bidders alternate between two buyers: one person acting for two organisations would be one
    bidder, and the demo load stopped at the second bid ("you hold the best bid already") on days when the
    listing picked for a past auction belonged to somebody else than that person."""
    from techmarket.demo.trading_loader import _buyers

    seller_org = make.org(status="verified")
    seller = seller_org.memberships[0].user
    busy = make.user()
    twice = [make.org(busy, status="verified"), make.org(busy, status="verified")]
    also_seller = make.org(seller, status="verified")
    other = make.org(status="verified")
    buyers = _buyers(db.session, seller_org.id, seller)
    users = [u.id for _o, u in buyers]
    assert len(users) == len(set(users)) and seller.id not in users
    assert [o.id for o, _u in buyers] == [twice[0].id, other.id]
    assert also_seller.id not in [o.id for o, _u in buyers]
