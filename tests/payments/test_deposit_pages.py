"""The deposit pages: paying from the auction page's box, the operator's deposits page (overdue first)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from flask import render_template_string

from techmarket.core.clock import local_today
from techmarket.demo.payments_loader import load_payments
from techmarket.extensions import db
from techmarket.payments.models import MarketPayment
from techmarket.trading.auctions import closing
from tests.contracts.builders import PDF
from tests.payments.test_deposits import _auction
from tests.trading.builders import scene


def _box(app, deposit) -> str:
    with app.test_request_context("/"):
        return render_template_string('{% include "payments/_deposit_action.html" %}', deposit=deposit)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)  # the gateway matters here, not the database
def test_pay_deposits_from_the_box_and_the_operator_gives_back(app, make, signin):
    sc = scene(make)
    auction, _op, (_b1, d1), (b2, d2) = _auction(make, sc)
    box = _box(app, d1)
    assert f"/payments/deposits/{d1.id}/pay" in box and 'value="stripe"' in box and 'value="offline"' in box

    first = signin(sc.buyer)
    auction_page = first.get(f"/auctions/{auction.id}").get_data(as_text=True)
    assert 'data-testid="deposit-action"' in auction_page and f"/payments/deposits/{d1.id}/pay" in auction_page
    resp = first.post(f"/payments/deposits/{d1.id}/pay", data={"method": "stripe", "payment_method": "pm_card_visa"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert d1.status == "secured" and "/payments/" in _box(app, d1)
    assert first.post(f"/payments/deposits/{d1.id}/pay", data={"method": "offline"}).status_code == 409

    second_user = db.session.get(type(sc.buyer), b2.user_id)
    second = signin(second_user)
    resp = second.post(f"/payments/deposits/{d2.id}/pay", data={"method": "offline"})
    transfer = db.session.query(MarketPayment).filter_by(subject_id=d2.id).one()
    page = second.get(resp.headers["Location"]).get_data(as_text=True)
    assert transfer.gateway_reference in page and 'data-testid="receipt-form"' in page
    assert f'href="/auctions/{auction.id}" data-testid="payment-auction"' in page  # back to the auction
    bad = second.post(f"/payments/{transfer.id}/receipt", data={"file": (io.BytesIO(b"MZ"), "x.exe")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400 and 'data-testid="receipt-form"' in bad.get_data(as_text=True)
    ok = second.post(f"/payments/{transfer.id}/receipt", data={"file": (io.BytesIO(PDF), "回单.pdf")},
                     content_type="multipart/form-data")
    assert ok.status_code == 302

    operator = signin(make.operator())
    console = operator.get("/admin/payments/").get_data(as_text=True)
    assert transfer.gateway_reference in console
    assert second.get("/admin/payments/").status_code == 403
    confirmed = operator.post(f"/admin/payments/{transfer.id}/confirm", data={"version": transfer.version})
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert d2.status == "secured"

    closing.refresh(db.session, auction, now=auction.ends_at)  # no bids: the auction fails, both are released
    db.session.commit()
    db.session.expire_all()
    assert d1.status == "refunded"  # the card hold went back by itself (a job)
    assert d2.status == "released"
    d2.refund_due_on = local_today() - dt.timedelta(days=1)
    db.session.commit()
    page = operator.get("/admin/payments/deposits").get_data(as_text=True)
    assert "deposits-to-refund" in page and "table-danger" in page, page[page.find("<main"):][:3000]
    assert second.get("/admin/payments/deposits").status_code == 403
    assert operator.post(f"/admin/payments/deposits/{d2.id}/refund", data={"reference": ""}).status_code == 400
    assert operator.post(f"/admin/payments/deposits/{d2.id}/refund",
                         data={"reference": "ICBC-BACK-1"}).status_code == 302
    db.session.expire_all()
    assert d2.status == "refunded" and transfer.status == "refunded"


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_demo_pays_due_deposits_by_bank_transfer(app, make):
    _auction(make, scene(make))
    make.operator()
    assert load_payments(db.session) == 2
    db.session.commit()
    payments = db.session.query(MarketPayment).order_by(MarketPayment.id).all()
    assert [(p.gateway, p.status, len(p.receipts)) for p in payments] == [("offline", "requires_action", 1),
                                                                         ("offline", "succeeded", 1)]
    assert load_payments(db.session) == 0  # again: nothing added
