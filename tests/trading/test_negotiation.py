"""Negotiation through the services: offers, counter-offers, answers, expiry, and the deal with its draft
contract (the contracts domain listens to ``deal.concluded``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from techmarket.accounts.notifications import Notification
from techmarket.accounts.services import actor_for
from techmarket.contracts.models import Contract
from techmarket.core.clock import local_today
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.extensions import db
from techmarket.trading import negotiation
from techmarket.trading.models import Offer
from tests.trading.builders import offer, scene


def test_offer_counter_accept_makes_a_deal_and_a_draft_contract(make) -> None:
    sc = scene(make)
    first = negotiation.open_offer(db.session, sc.b, sc.listing, sc.buyer_org.id, offer("800000"))
    db.session.commit()
    told = db.session.scalars(select(Notification.kind).where(Notification.user_id == sc.seller.id)).all()
    assert "offer_made" in told
    second = negotiation.counter(db.session, sc.s, first, offer("950000"), expected_version=first.version)
    db.session.commit()
    assert (first.status, second.status, second.side) == ("countered", "pending", "seller")
    deal = negotiation.accept(db.session, sc.b, second, expected_version=second.version)
    db.session.commit()
    assert deal.status == "concluded" and deal.amount == Decimal("950000")
    assert second.negotiation.status == "agreed"
    contract = db.session.get(Contract, deal.contract_id)
    assert contract is not None and contract.status == "draft"
    assert (contract.type_code, contract.subtype_code) == ("transfer", "patent")
    assert contract.total_amount == Decimal("950000") and contract.listing_id == sc.listing.id
    assert {p.role: p.organisation_id for p in contract.parties} == {"seller": sc.seller_org.id,
                                                                     "buyer": sc.buyer_org.id}
    assert [h.seq for h in second.negotiation.offers] == [1, 2]


def test_licence_terms_go_into_the_contract(make) -> None:
    sc = scene(make, modes=["licence_exclusive", "transfer"])
    with pytest.raises(ValidationFailed) as exc:
        negotiation.open_offer(db.session, sc.b, sc.listing, None, offer(mode="licence_exclusive"))
    assert {"licence_scope", "licence_years", "territory"} <= set(exc.value.field_errors)
    db.session.rollback()
    first = negotiation.open_offer(db.session, sc.b, sc.listing, None, offer(
        mode="licence_exclusive", licence_scope="永磁电机冷却结构", licence_years=5, territory="中国大陆"))
    deal = negotiation.accept(db.session, sc.s, first)
    db.session.commit()
    contract = db.session.get(Contract, deal.contract_id)
    assert contract is not None
    assert (contract.type_code, contract.exclusivity, contract.licence_years, contract.territory) == (
        "licence", "exclusive", 5, "中国大陆")


@pytest.mark.parametrize("price", ["-5", "0", "1e30", "12.345"])
def test_bad_prices_are_refused(make, price: str) -> None:
    sc = scene(make)
    with pytest.raises(ValidationFailed) as exc:
        negotiation.open_offer(db.session, sc.b, sc.listing, None, offer(price))
    assert "price" in exc.value.field_errors


def test_bad_terms_are_refused(make) -> None:
    sc = scene(make)
    data = offer(None, mode="equity", days=-1)
    with pytest.raises(ValidationFailed) as exc:
        negotiation.open_offer(db.session, sc.b, sc.listing, None, data)
    assert {"price", "mode", "valid_until"} <= set(exc.value.field_errors)


def test_own_listing_and_unverified_organisations_cannot_offer(make) -> None:
    sc = scene(make)
    with pytest.raises(PermissionDenied):
        negotiation.open_offer(db.session, sc.s, sc.listing, None, offer())
    pending = make.org()
    with pytest.raises(PermissionDenied):
        negotiation.open_offer(db.session, actor_for(pending.memberships[0].user), sc.listing, None, offer())


def test_range_cannot_be_accepted_and_double_accept_is_a_conflict(make) -> None:
    sc = scene(make)
    ranged = negotiation.open_offer(db.session, sc.b, sc.listing, None, offer(
        None, negotiable=True, price_min=Decimal(500000), price_max=Decimal(900000)))
    db.session.commit()
    with pytest.raises(Conflict):
        negotiation.accept(db.session, sc.s, ranged)
    db.session.rollback()
    priced = negotiation.counter(db.session, sc.s, ranged, offer("700000"))
    db.session.commit()
    with pytest.raises(PermissionDenied):  # the side that made it cannot accept its own offer
        negotiation.accept(db.session, sc.s, priced)
    db.session.rollback()
    version = priced.version
    negotiation.accept(db.session, sc.b, priced, expected_version=version)
    db.session.commit()
    with pytest.raises(Conflict):
        negotiation.accept(db.session, sc.b, priced, expected_version=version)


def test_reject_needs_a_reason_and_then_a_new_offer_may_follow(make) -> None:
    sc = scene(make)
    first = negotiation.open_offer(db.session, sc.b, sc.listing, None, offer())
    db.session.commit()
    with pytest.raises(ValidationFailed):
        negotiation.reject(db.session, sc.s, first, "  ")
    db.session.rollback()
    negotiation.reject(db.session, sc.s, first, "价格过低")
    db.session.commit()
    assert (first.status, first.reason) == ("rejected", "价格过低")
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == sc.buyer.id)).all()
    assert "offer_rejected" in kinds
    again = negotiation.offer_in(db.session, sc.b, first.negotiation, offer("900000"))
    db.session.commit()
    assert again.seq == 2
    with pytest.raises(Conflict):  # one offer waits at a time
        negotiation.offer_in(db.session, sc.s, first.negotiation, offer("990000"))


def test_offers_expire_lazily_and_by_the_job(make, runner) -> None:
    sc = scene(make)
    first = negotiation.open_offer(db.session, sc.b, sc.listing, None, offer(days=1))
    db.session.commit()
    first.valid_until = local_today() - dt.timedelta(days=1)  # time passes
    db.session.commit()
    with pytest.raises(Conflict):
        negotiation.accept(db.session, sc.s, first)
    db.session.rollback()
    result = runner.invoke(args=["trading", "expire"])
    assert result.exit_code == 0 and "1 offer(s) expired" in result.output
    db.session.expire_all()
    assert db.session.get(Offer, first.id).status == "expired"
