"""The parties' pages over HTTP: the editor keeps input and places errors; who sees what; the seller's steps."""

from __future__ import annotations

import datetime as dt
import io

from techmarket.contracts.models import Contract
from techmarket.core.clock import local_today
from techmarket.core.roles import Role
from techmarket.extensions import db
from tests.contracts.builders import PDF, deal, draft, registered, submitted
from tests.listings.pages_support import isolated  # noqa: F401


def form_data(d, **overrides):
    signed = local_today() - dt.timedelta(days=5)
    data = {
        "seller_org_id": str(d.seller_org.id), "title": "稀土永磁电机控制技术转让合同", "type_key": "transfer.patent",
        "signed_on": signed.isoformat(), "total_amount": "150万",
        "buyer-credit_code": d.buyer_org.credit_code, "related_holding_pct": "0",
        "non_tech-0-category": "equipment", "non_tech-0-amount": "30万", "non_tech-0-description": "试验台",
        "instalments-0-due_on": (signed + dt.timedelta(days=30)).isoformat(), "instalments-0-amount": "100万",
        "instalments-1-due_on": (signed + dt.timedelta(days=60)).isoformat(), "instalments-1-amount": "50万",
        "ip_items-0-ip_kind": "invention_patent", "ip_items-0-number": "ZL202010123456.7",
    }
    data.update(overrides)
    return data


def test_create_then_detail_shows_both_amounts(make, signin):
    d = deal(make)
    c = signin(d.seller)
    assert c.get("/contracts/new").status_code == 200
    resp = c.post("/contracts/new", data=form_data(d))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    contract = db.session.scalar(db.select(Contract))
    assert contract.total_amount == 1500000 and contract.technical_amount == 1200000
    assert contract.buyer.organisation_id == d.buyer_org.id and contract.buyer.name == d.buyer_org.name
    page = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "稀土永磁电机控制技术转让合同" in page and d.buyer_org.name in page


def test_bad_input_keeps_everything_and_saves_nothing(make, signin):
    d = deal(make)
    c = signin(d.seller)
    bad = form_data(d, **{"instalments-1-amount": "40万", "buyer-credit_code": "91150207MA0N2QXX9",
                           "buyer-name": "外省某公司", "non_tech-0-amount": "-5"})
    resp = c.post("/contracts/new", data=bad)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "稀土永磁电机控制技术转让合同" in page and "外省某公司" in page  # input kept
    assert "统一社会信用代码" in page  # the code error beside the buyer's field
    assert db.session.scalar(db.select(db.func.count(Contract.id))) == 0


def test_parts_larger_than_total_and_sum_mismatch(make, signin):
    d = deal(make)
    c = signin(d.seller)
    resp = c.post("/contracts/new", data=form_data(d, **{"non_tech-0-amount": "200万"}))
    assert resp.status_code == 400
    assert "非技术部分" in resp.get_data(as_text=True)  # the message beside the total, in Chinese
    resp = c.post("/contracts/new", data=form_data(d, **{"instalments-1-amount": "10万"}))
    assert resp.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Contract.id))) == 0


def test_non_numeric_amount_and_dates_out_of_order(make, signin):
    d = deal(make)
    c = signin(d.seller)
    resp = c.post("/contracts/new", data=form_data(d, total_amount="一百万", starts_on="2026-05-01",
                                                   ends_on="2026-04-01"))
    assert resp.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Contract.id))) == 0


def test_who_sees_a_contract(make, signin):
    d = deal(make)
    contract = draft(d)
    url = f"/contracts/{contract.id}"
    assert signin(d.seller).get(url).status_code == 200
    assert signin(d.buyer).get(url).status_code == 200
    assert signin(make.user(Role.REGISTRAR)).get(url).status_code == 200
    assert signin(make.user(Role.OPERATOR)).get(url).status_code == 200
    assert signin(make.user(Role.ENTERPRISE)).get(url).status_code == 404
    assert signin(d.buyer).get(f"{url}/edit").status_code == 403


def test_submit_needs_the_signed_contract(make, signin):
    d = deal(make)
    contract = draft(d, signed_doc=False)
    c = signin(d.seller)
    resp = c.post(f"/contracts/{contract.id}/act/submit", data={"version": contract.version},
                  follow_redirects=True)
    assert "signed contract" in resp.get_data(as_text=True) or "签署的合同" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).status == "draft"
    resp = c.post(f"/contracts/{contract.id}/documents",
                  data={"kind": "signed_contract", "file": (io.BytesIO(PDF), "合同.pdf")},
                  content_type="multipart/form-data")
    assert resp.status_code == 302
    c.post(f"/contracts/{contract.id}/act/submit", data={"version": str(db.session.get(Contract,
                                                                                        contract.id).version)})
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).status == "submitted"


def test_registrar_decides_and_certificate(make, signin):
    d = deal(make)
    contract = submitted(d)
    registrar = signin(make.user(Role.REGISTRAR))
    resp = registrar.post(f"/contracts/{contract.id}/decide", data={"decision": "approve",
                                                                    "version": str(contract.version)})
    assert resp.status_code == 302
    db.session.expire_all()
    contract = db.session.get(Contract, contract.id)
    assert contract.status == "registered"
    cert = signin(d.seller).get(f"/contracts/{contract.id}/certificate").get_data(as_text=True)
    assert contract.registration_number in cert
    assert "1,200,000.00" in cert and "1,000,000.00" in cert
    assert d.buyer_org.credit_code in cert


def test_a_stale_decision_is_told_it_lost(make, signin):
    d = deal(make)
    contract = submitted(d)
    version = str(contract.version)
    first, second = signin(make.user(Role.REGISTRAR)), signin(make.user(Role.REGISTRAR))
    assert first.post(f"/contracts/{contract.id}/decide", data={"decision": "approve",
                                                                 "version": version}).status_code == 302
    resp = second.post(f"/contracts/{contract.id}/decide", data={"decision": "refuse", "reasons": ["invalid"],
                                                                  "version": version})
    assert resp.status_code == 409
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).status == "registered"


def test_payment_with_receipt_confirmed_by_operator(make, signin):
    d = deal(make)
    contract = registered(make, d)
    buyer = signin(d.buyer)
    inst = contract.instalments[0]
    resp = buyer.post(f"/contracts/{contract.id}/payments", data={
        "instalment_id": str(inst.id), "paid_on": local_today().isoformat(), "amount": "50万",
        "reference": "BANK-001", "file": (io.BytesIO(PDF), "回单.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 302
    db.session.expire_all()
    payment = db.session.get(Contract, contract.id).payments[0]
    assert payment.status == "pending" and payment.document is not None
    operator = signin(make.user(Role.OPERATOR))
    resp = operator.post(f"/contracts/payments/{payment.id}/confirm", data={"version": str(payment.version)})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).confirmed_paid == 500000


def test_the_operator_finds_payments_to_confirm(make, signin):
    d = deal(make)
    contract = registered(make, d)
    buyer = signin(d.buyer)
    buyer.post(f"/contracts/{contract.id}/payments", data={
        "instalment_id": str(contract.instalments[0].id), "paid_on": local_today().isoformat(), "amount": "10万",
        "reference": "BANK-XYZ-42", "file": (io.BytesIO(PDF), "回单.pdf")}, content_type="multipart/form-data")
    page = signin(make.user(Role.OPERATOR)).get("/admin/contracts/payments").get_data(as_text=True)
    assert "BANK-XYZ-42" in page and contract.title in page
    assert signin(make.user(Role.REGISTRAR)).get("/admin/contracts/payments").status_code == 403
    assert buyer.get("/admin/contracts/payments").status_code == 403


def test_staff_cannot_add_receipts_to_a_contract_they_are_not_a_party_to(make, signin):
    """A registrar or the operator could attach a ``receipt`` to any draft: only parties record receipts."""
    d = deal(make)
    contract = draft(d)
    before = len(contract.documents)
    for role in (Role.REGISTRAR, Role.OPERATOR):
        staff = signin(make.user(role))
        resp = staff.post(f"/contracts/{contract.id}/documents", data={
            "kind": "receipt", "file": (io.BytesIO(PDF), "回单.pdf")}, content_type="multipart/form-data")
        assert resp.status_code in (302, 403)
        db.session.expire_all()
        assert len(db.session.get(Contract, contract.id).documents) == before, role
    buyer = signin(d.buyer)
    resp = buyer.post(f"/contracts/{contract.id}/documents", data={
        "kind": "receipt", "file": (io.BytesIO(PDF), "回单.pdf")}, content_type="multipart/form-data")
    db.session.expire_all()
    assert len(db.session.get(Contract, contract.id).documents) == before + 1
