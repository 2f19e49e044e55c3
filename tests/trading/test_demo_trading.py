"""``techmarket demo load`` adds a negotiation with a counter-offer, a 挂牌 sale with two intended buyers (one
qualified) and two auctions (one running, one in 成交公示), through the trading services, once."""

from __future__ import annotations

from sqlalchemy import func, select

from techmarket.extensions import db
from techmarket.trading.auctions.models import Auction
from techmarket.trading.models import Negotiation, Offer, Registration, Sale


def test_demo_trading_loaded_once(runner) -> None:
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "demo trading: 2 added" in result.output
    assert "demo auctions: 2 added" in result.output  # one running, one closed in 成交公示
    assert sorted(a.status for a in db.session.scalars(select(Auction))) == ["open", "publicity"]
    thread = db.session.scalar(select(Negotiation))
    assert thread is not None and [(o.side, o.status) for o in thread.offers] == [
        ("buyer", "countered"), ("seller", "pending")]
    sale = db.session.scalar(select(Sale))
    assert sale is not None and sale.status == "open"
    assert sorted(r.status for r in sale.registrations) == ["pending", "qualified"]
    again = runner.invoke(args=["demo", "load"])
    assert "demo trading: 0 added" in again.output
    assert "demo auctions: 0 added" in again.output
    assert db.session.scalar(select(func.count()).select_from(Offer)) == 2
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 2

