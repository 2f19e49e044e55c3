"""The trading pages through the Flask test client: the box on the achievement's page, offers and answers,
挂牌 with intended buyers and the operator's console, my trading, bad input (never a 500)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from techmarket.accounts.services import actor_for
from techmarket.core.clock import local_today
from techmarket.extensions import db
from techmarket.trading import sales
from techmarket.trading.models import Deal, Negotiation, Registration, Sale
from tests.trading.builders import scene


def _offer_form(**extra: str) -> dict[str, str]:
    return {"mode": "transfer", "price": "880000", "payment_note": "一次付清",
            "valid_until": (local_today() + dt.timedelta(days=7)).isoformat(), **extra}


def test_offer_answer_and_deal_pages(make, signin) -> None:
    sc = scene(make)
    buyer, seller = signin(sc.buyer), signin(sc.seller)
    page = buyer.get(f"/listings/{sc.listing.id}").get_data(as_text=True)
    assert 'data-testid="trading-box"' in page and 'data-testid="make-offer"' in page
    assert 'data-testid="sell"' in seller.get(f"/listings/{sc.listing.id}").get_data(as_text=True)
    assert seller.get(f"/trading/listings/{sc.listing.id}/offer").status_code == 403  # own listing

    bad = buyer.post(f"/trading/listings/{sc.listing.id}/offer", data=_offer_form(price="NaN", payment_note="分两期"))
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "请以元为单位填写金额" in text and "分两期" in text
    for price in ("-1", "99999999999999999999999"):
        assert buyer.post(f"/trading/listings/{sc.listing.id}/offer", data=_offer_form(price=price)).status_code == 400
    past = buyer.post(f"/trading/listings/{sc.listing.id}/offer",
                      data=_offer_form(valid_until=(local_today() - dt.timedelta(days=1)).isoformat()))
    assert past.status_code == 400 and "有效期已过" in past.get_data(as_text=True)

    sent = buyer.post(f"/trading/listings/{sc.listing.id}/offer", data=_offer_form())
    assert sent.status_code == 302
    thread = db.session.scalar(select(Negotiation))
    assert thread is not None
    offer = thread.offers[0]
    again = buyer.get(f"/trading/listings/{sc.listing.id}/offer")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/trading/threads/{thread.id}")
    box = seller.get(f"/listings/{sc.listing.id}").get_data(as_text=True)
    assert 'data-testid="my-negotiations"' in box and sc.buyer_org.name in box
    shown = seller.get(f"/trading/threads/{thread.id}").get_data(as_text=True)
    assert 'data-testid="accept"' in shown and "一次付清" in shown
    stranger = signin(make.org(status="verified").memberships[0].user)
    assert stranger.get(f"/trading/threads/{thread.id}").status_code == 403

    rejected = seller.post(f"/trading/offers/{offer.id}/reject", data={"version": offer.version, "reason": ""})
    assert rejected.status_code == 400 and "请填写原因" in rejected.get_data(as_text=True)
    accepted = seller.post(f"/trading/offers/{offer.id}/accept", data={"version": offer.version})
    assert accepted.status_code == 302
    deal = db.session.scalar(select(Deal))
    assert deal is not None and accepted.headers["Location"].endswith(f"/trading/deals/{deal.id}")
    again = seller.post(f"/trading/offers/{offer.id}/accept", data={"version": offer.version})
    assert again.status_code == 409
    deal_page = buyer.get(f"/trading/deals/{deal.id}").get_data(as_text=True)
    assert f"/contracts/{deal.contract_id}" in deal_page and 'data-testid="contract-link"' in deal_page
    mine = buyer.get("/trading/?tab=deals")
    assert mine.status_code == 200 and sc.listing.title in mine.get_data(as_text=True)
    for tab in ("offers", "registrations", "sales", "nonsense"):
        assert buyer.get(f"/trading/?tab={tab}&page=x").status_code == 200


def test_listed_sale_registration_console_and_lazy_close(make, signin) -> None:
    sc = scene(make)
    seller, buyer = signin(sc.seller), signin(sc.buyer)
    operator_user = make.operator()
    operator = signin(operator_user)
    bad = seller.post(f"/trading/listings/{sc.listing.id}/sell",
                      data={"price": "abc", "mode": "transfer", "working_days": "5", "related_parties": "91X"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "挂牌期为" in text and "91X" in text
    assert seller.post(f"/trading/listings/{sc.listing.id}/sell",
                       data={"price": "1000000", "mode": "transfer", "working_days": "20"}).status_code == 302
    sale = db.session.scalar(select(Sale))
    assert sale is not None
    assert buyer.get(f"/trading/sales/{sale.id}").status_code == 404  # not public before approval
    assert buyer.get("/trading/console").status_code == 403
    console = operator.get("/trading/console").get_data(as_text=True)
    assert sc.listing.title in console and "交易审核" in operator.get("/").get_data(as_text=True)
    assert operator.post(f"/trading/sales/{sale.id}/approve",
                         data={"version": sale.version, "next": "console"}).headers["Location"].endswith("/console")

    box = buyer.get(f"/listings/{sc.listing.id}").get_data(as_text=True)
    assert 'data-testid="listed-price"' in box and "还剩 20 个工作日" in box and 'data-testid="register-link"' in box
    empty = buyer.post(f"/trading/sales/{sale.id}/register", data={"org_id": sc.buyer_org.id, "statement": ""})
    assert empty.status_code == 400
    assert buyer.post(f"/trading/sales/{sale.id}/register",
                      data={"org_id": sc.buyer_org.id, "statement": "用于产线升级"}).status_code == 302
    reg = db.session.scalar(select(Registration))
    assert reg is not None
    assert 'data-testid="register-form"' not in buyer.get(f"/trading/sales/{sale.id}").get_data(as_text=True)
    assert buyer.post(f"/trading/registrations/{reg.id}/qualify", data={"version": reg.version}).status_code == 403
    assert operator.post(f"/trading/registrations/{reg.id}/qualify", data={"version": reg.version}).status_code == 302

    db.session.expire_all()
    sale = db.session.get(Sale, sale.id)
    sale.ends_on = local_today() - dt.timedelta(days=1)
    db.session.commit()
    page = buyer.get(f"/trading/sales/{sale.id}")  # reading the page closes the period
    assert page.status_code == 200 and "已成交" in page.get_data(as_text=True)
    assert db.session.scalar(select(Deal).where(Deal.sale_id == sale.id)) is not None


def test_counter_offer_from_an_inquiry_and_odd_input(make, signin) -> None:
    sc = scene(make, modes=["licence_ordinary", "transfer"])
    buyer, seller = signin(sc.buyer), signin(sc.seller)
    assert buyer.post(f"/listings/{sc.listing.id}/ask", data={"org_id": sc.buyer_org.id,
                                                             "body": "请问可以许可吗？"}).status_code == 302
    inquiry = buyer.get("/listings/inquiries").get_data(as_text=True)
    thread_path = inquiry[inquiry.index("/listings/inquiries/"):].split('"')[0]
    shown = buyer.get(thread_path).get_data(as_text=True)
    assert 'data-testid="offer-from-inquiry"' in shown
    odd = buyer.post(f"/trading/listings/{sc.listing.id}/offer",
                     data=_offer_form(valid_until="2026-13-45", licence_years="many", mode="licence_ordinary"))
    text = odd.get_data(as_text=True)
    assert odd.status_code == 400 and "Not a valid" not in text
    assert buyer.post(f"/trading/listings/{sc.listing.id}/offer", data=_offer_form(
        mode="licence_ordinary", licence_scope="电机冷却", licence_years="3", territory="内蒙古")).status_code == 302
    thread = db.session.scalar(select(Negotiation))
    assert thread is not None
    offer = thread.offers[0]
    bad = seller.post(f"/trading/offers/{offer.id}/counter", data=_offer_form(price="1e999", version=offer.version))
    assert bad.status_code == 400 and "1e999" in bad.get_data(as_text=True)
    assert seller.post(f"/trading/offers/{offer.id}/counter",
                       data=_offer_form(price="990000", version=offer.version)).status_code == 302
    db.session.expire_all()
    thread = db.session.get(Negotiation, thread.id)
    assert [(o.side, o.status) for o in thread.offers] == [("buyer", "countered"), ("seller", "pending")]
    page = buyer.get(f"/trading/threads/{thread.id}").get_data(as_text=True)
    assert "已还价" in page and 'data-testid="accept"' in page
    assert buyer.post(f"/trading/offers/{thread.offers[1].id}/reject",
                      data={"version": thread.offers[1].version, "reason": "价格偏高"}).status_code == 302


def test_operator_refuses_and_chooses_among_competing_buyers(make, signin) -> None:
    sc = scene(make)
    operator_user = make.operator()
    operator, seller = signin(operator_user), signin(sc.seller)
    sale = sales.list_for_sale(db.session, sc.s, sc.listing, sales.SaleData(Decimal("500000"), "transfer"))
    db.session.commit()
    blank = operator.post(f"/trading/sales/{sale.id}/refuse", data={"version": sale.version, "reason": ""})
    assert blank.status_code == 302 and db.session.get(Sale, sale.id).status == "pending"
    assert operator.post(f"/trading/sales/{sale.id}/refuse",
                         data={"version": sale.version, "reason": "权属证明不全"}).status_code == 302
    db.session.expire_all()
    sale = db.session.get(Sale, sale.id)
    assert (sale.status, sale.reason) == ("refused", "权属证明不全")
    assert seller.post(f"/trading/sales/{sale.id}/relist", data={
        "price": "500000", "mode": "transfer", "working_days": "10", "version": sale.version}).status_code == 302
    db.session.expire_all()
    sale = db.session.get(Sale, sale.id)
    op = actor_for(operator_user)
    sales.approve(db.session, op, sale)
    second = make.org(status="verified")
    regs = [sales.register(db.session, sc.b, sale, None, "意向一"),
            sales.register(db.session, actor_for(second.memberships[0].user), sale, None, "意向二")]
    for r in regs:
        sales.qualify(db.session, op, r)
    sale.ends_on = local_today() - dt.timedelta(days=1)
    db.session.commit()
    page = operator.get(f"/trading/sales/{sale.id}").get_data(as_text=True)
    assert 'data-testid="competing"' in page and 'data-testid="choose-form"' in page
    low = operator.post(f"/trading/sales/{sale.id}/choose", data={
        "registration_id": regs[1].id, "price": "400000", "version": db.session.get(Sale, sale.id).version})
    assert low.status_code == 400 and "不能低于挂牌价格" in low.get_data(as_text=True)
    db.session.expire_all()
    chosen = operator.post(f"/trading/sales/{sale.id}/choose", data={
        "registration_id": regs[1].id, "price": "520000", "version": db.session.get(Sale, sale.id).version})
    assert chosen.status_code == 302
    deal = db.session.scalar(select(Deal).where(Deal.sale_id == sale.id))
    assert deal is not None and deal.buyer_org_id == second.id


def test_the_public_list_of_sales(app, make, client) -> None:
    """挂牌项目: open sales first, each with its price and working days left; a sale waiting for approval is not
    listed; the state filter and the tabs to the auctions."""
    sc = scene(make)
    sale = sales.list_for_sale(db.session, sc.s, sc.listing, sales.SaleData(Decimal("950000"), "transfer"))
    db.session.commit()
    page = client.get("/trading/sales/").get_data(as_text=True)
    assert sc.listing.title not in page and 'data-testid="empty-state"' in page  # not approved yet
    sales.approve(db.session, actor_for(make.operator()), sale)
    db.session.commit()
    page = client.get("/trading/sales/").get_data(as_text=True)
    assert sc.listing.title in page and "95.00 万元" in page and "个工作日" in page
    assert 'data-testid="floor-tabs"' in page and "/auctions/" in page
    assert sc.listing.title not in client.get("/trading/sales/?status=sold").get_data(as_text=True)
    assert client.get("/trading/sales/?status=nonsense&page=-3&per_page=x").status_code == 200
