"""挂牌 sales through the services: approval, the period in working days, intended buyers and their
qualification, the end of the period (one buyer, none, several), publicity of publicly funded results."""

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
from techmarket.policy.calendar import add_working_days
from techmarket.trading import sales
from techmarket.trading.models import Deal, Sale
from tests.trading.builders import scene


def _open_sale(make, sc, price: str = "1000000", **extra):
    sale = sales.list_for_sale(db.session, sc.s, sc.listing, sales.SaleData(Decimal(price), "transfer", **extra))
    op = actor_for(make.operator())
    sales.approve(db.session, op, sale)
    db.session.commit()
    return sale, op


def _period_over(sale: Sale) -> None:
    sale.ends_on = local_today() - dt.timedelta(days=1)
    db.session.commit()


def test_listing_period_and_validation(make) -> None:
    sc = scene(make)
    for data, key in ((sales.SaleData(Decimal("-1"), "transfer"), "price"),
                      (sales.SaleData(Decimal("1000"), "transfer", working_days=9), "working_days"),
                      (sales.SaleData(Decimal("1000"), "equity"), "mode")):
        with pytest.raises(ValidationFailed) as exc:
            sales.list_for_sale(db.session, sc.s, sc.listing, data)
        assert key in exc.value.field_errors
        db.session.rollback()
    with pytest.raises(PermissionDenied):
        sales.list_for_sale(db.session, sc.b, sc.listing, sales.SaleData(Decimal("1000"), "transfer"))
    db.session.rollback()
    sale = sales.list_for_sale(db.session, sc.s, sc.listing, sales.SaleData(Decimal("1000"), "transfer"))
    with pytest.raises(PermissionDenied):
        sales.approve(db.session, sc.s, sale)
    db.session.rollback()
    sale, _op = _open_sale(make, sc)
    assert sale.status == "open" and sale.working_days == 20
    assert sale.ends_on == add_working_days(local_today(), 20)[0]
    assert sales.days_left(sale) == 20


def test_one_qualified_buyer_makes_the_deal_at_the_listed_price(make, runner) -> None:
    sc = scene(make)
    other = make.org(status="verified")
    sale, op = _open_sale(make, sc, related_parties=other.credit_code)
    reg = sales.register(db.session, sc.b, sale, None, "用于电机产线升级")
    related = sales.register(db.session, actor_for(other.memberships[0].user), sale, None, "关联方也想买")
    db.session.commit()
    with pytest.raises(Conflict):  # twice for one organisation
        sales.register(db.session, sc.b, sale, None, "再来一次")
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        sales.register(db.session, sc.s, sale, None, "卖方自己")
    db.session.rollback()
    with pytest.raises(Conflict):  # a declared related party does not qualify
        sales.qualify(db.session, op, related)
    db.session.rollback()
    sales.refuse_registration(db.session, op, related, "卖方声明的关联方")
    sales.qualify(db.session, op, reg)
    db.session.commit()
    _period_over(sale)
    result = runner.invoke(args=["trading", "close-due"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    sale = db.session.get(Sale, sale.id)
    deal = db.session.scalar(select(Deal).where(Deal.sale_id == sale.id))
    assert sale.status == "sold" and deal is not None
    assert (deal.status, deal.amount, deal.buyer_org_id) == ("concluded", Decimal("1000000"), sc.buyer_org.id)
    contract = db.session.get(Contract, deal.contract_id)
    assert contract is not None and contract.total_amount == Decimal("1000000")


def test_no_buyer_ends_unsold_and_may_be_relisted_lower(make) -> None:
    sc = scene(make)
    sale, _op = _open_sale(make, sc)
    _period_over(sale)
    assert sales.settle(db.session, sale) is None
    db.session.commit()
    assert sale.status == "unsold"
    with pytest.raises(ValidationFailed):  # a higher price is not a relisting
        sales.relist(db.session, sc.s, sale, sales.SaleData(Decimal("2000000"), "transfer"))
    db.session.rollback()
    sales.relist(db.session, sc.s, sale, sales.SaleData(Decimal("800000"), "transfer", working_days=10))
    db.session.commit()
    assert (sale.status, sale.price, sale.ends_on) == ("pending", Decimal("800000"), None)


def test_two_qualified_buyers_need_competing_bids_and_the_operator_chooses(make) -> None:
    sc = scene(make)
    sale, op = _open_sale(make, sc)
    second = make.org(status="verified")
    regs = [sales.register(db.session, sc.b, sale, None, "意向一"),
            sales.register(db.session, actor_for(second.memberships[0].user), sale, None, "意向二")]
    for r in regs:
        sales.qualify(db.session, op, r)
    db.session.commit()
    _period_over(sale)
    assert sales.settle(db.session, sale) is None
    db.session.commit()
    assert sale.status == "competing"
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == op.user_id)).all()
    assert "sale_competing" in kinds
    with pytest.raises(ValidationFailed):  # below the listed price
        sales.choose(db.session, op, sale, regs[1], Decimal("999999"))
    db.session.rollback()
    deal = sales.choose(db.session, op, sale, regs[1], Decimal("1200000"))
    db.session.commit()
    assert (sale.status, deal.buyer_org_id, deal.amount, deal.status) == (
        "sold", second.id, Decimal("1200000"), "concluded")


def test_publicly_funded_deal_waits_in_publicity(make, runner) -> None:
    sc = scene(make, fiscal_funded=True, approval_document="内科发〔2024〕12号")
    sale, op = _open_sale(make, sc)
    sales.qualify(db.session, op, sales.register(db.session, sc.b, sale, None, "产业化应用"))
    db.session.commit()
    sale.starts_on = local_today() - dt.timedelta(days=3)  # public for three days only
    _period_over(sale)
    deal = sales.settle(db.session, sale)
    db.session.commit()
    assert deal is not None and deal.status == "publicity" and deal.contract_id is None
    assert deal.publicity_until == sale.starts_on + dt.timedelta(days=15)
    assert runner.invoke(args=["trading", "close-due"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Deal, deal.id).status == "publicity"  # not yet
    deal = db.session.get(Deal, deal.id)
    deal.publicity_until = local_today()
    db.session.commit()
    assert "1 deal(s) concluded" in runner.invoke(args=["trading", "close-due"]).output
    db.session.expire_all()
    deal = db.session.get(Deal, deal.id)
    assert deal.status == "concluded" and deal.contract_id is not None
