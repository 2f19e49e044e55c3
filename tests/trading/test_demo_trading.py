"""``techmarket demo load`` adds a negotiation with a counter-offer and a 挂牌 sale with two intended buyers,
one qualified, through the trading services, once."""

from __future__ import annotations

from sqlalchemy import func, select

from techmarket.extensions import db
from techmarket.trading.models import Negotiation, Offer, Registration, Sale


def test_demo_trading_loaded_once(runner) -> None:
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "demo trading: 2 added" in result.output
    thread = db.session.scalar(select(Negotiation))
    assert thread is not None and [(o.side, o.status) for o in thread.offers] == [
        ("buyer", "countered"), ("seller", "pending")]
    sale = db.session.scalar(select(Sale))
    assert sale is not None and sale.status == "open"
    assert sorted(r.status for r in sale.registrations) == ["pending", "qualified"]
    again = runner.invoke(args=["demo", "load"])
    assert "demo trading: 0 added" in again.output
    assert db.session.scalar(select(func.count()).select_from(Offer)) == 2
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 2
