"""The claim pages over HTTP: the claimant's form, the reviewers' buttons, the operator's year, publicity and the
objection form; the public certificate check."""

from __future__ import annotations

import re

from techmarket.accounts.services import actor_for
from techmarket.contracts import registration
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.incentives.claims import claiming, review
from techmarket.incentives.claims.models import SubsidyClaim
from tests.accounts.support import reread
from tests.incentives.support import claim, setup


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    return found.group(1) if found else ""  # the test configuration may switch CSRF off


def test_apply_pre_review_and_approve_through_the_pages(make, signin):
    s = setup(make)
    client = signin(s.d.buyer)
    page = client.get(f"/claims/new/{s.d.buyer_org.id}/buyer")
    assert page.status_code == 200 and s.contract.registration_number in page.text
    voucher = s.contract.payments[0].id
    bad = client.post(f"/claims/new/{s.d.buyer_org.id}/buyer", data={"csrf_token": _csrf(page.text),
                                                                     "contracts": s.contract.id})
    assert bad.status_code == 400 and "付款凭证" in bad.text
    made = client.post(f"/claims/new/{s.d.buyer_org.id}/buyer", data={
        "csrf_token": _csrf(page.text), "contracts": s.contract.id, "vouchers": voucher, "requested": ""})
    assert made.status_code == 302
    reread()
    c = db.session.query(SubsidyClaim).one()
    detail = client.get(f"/claims/{c.id}")
    assert "8.00 万元" in detail.text and 'data-action="submit"' in detail.text
    client.post(f"/claims/{c.id}/act/submit", data={"csrf_token": _csrf(detail.text), "version": c.version})
    reread()
    assert db.session.get(SubsidyClaim, c.id).status == "county_review"
    county = signin(s.county)
    queue = county.get("/claims/review")
    assert f"#{c.id}" in queue.text
    page = county.get(f"/claims/{c.id}")
    assert 'data-action="pre_pass"' in page.text and 'data-action="approve"' not in page.text
    nothing = county.post(f"/claims/{c.id}/act/pre_return", data={"csrf_token": _csrf(page.text), "reason": ""})
    assert nothing.status_code == 302
    reread()
    assert db.session.get(SubsidyClaim, c.id).status == "county_review"
    county.post(f"/claims/{c.id}/act/pre_pass", data={"csrf_token": _csrf(page.text)})
    reread()
    assert db.session.get(SubsidyClaim, c.id).status == "city_review"
    stranger = signin(make.user())
    assert stranger.get(f"/claims/{c.id}").status_code == 404


def test_operator_year_publicity_and_objection(make, signin, client):
    s = setup(make)
    c = claim(s)
    claiming.submit(db.session, actor_for(s.d.buyer), c)
    for who, action in ((s.county, "pre_pass"), (s.city, "city_pass"), (s.operator, "approve")):
        review.decide(db.session, actor_for(who), c, action)
    db.session.commit()
    public = client.get("/claims/publicity")
    assert public.status_code == 200 and s.d.buyer_org.name not in public.text
    operator = signin(s.operator)
    year = operator.get(f"/claims/year/{c.claim_year}")
    assert year.status_code == 200 and "3,000.00 万元" in year.text
    done = operator.post(f"/claims/year/{c.claim_year}", data={"csrf_token": _csrf(year.text), "do": "publish"})
    assert done.status_code == 302
    reread()
    anonymous = client.get("/claims/publicity")
    assert s.d.buyer_org.name in anonymous.text
    form = client.get(f"/claims/publicity/{c.id}")
    assert form.status_code == 200
    sent = client.post(f"/claims/publicity/{c.id}", data={"csrf_token": _csrf(form.text), "name": "张三",
                                                          "contact": "13800000000", "text": "短"})
    assert sent.status_code == 400
    sent = client.post(f"/claims/publicity/{c.id}", data={
        "csrf_token": _csrf(form.text), "name": "张三", "contact": "13800000000",
        "text": "该合同并未实际履行，补助不实。"})
    assert sent.status_code == 302
    reread()
    assert db.session.get(SubsidyClaim, c.id).objections[0].name == "张三"


def test_the_public_certificate_check_answers_only_with_number_and_code(make, client, signin):
    s = setup(make)
    number, code = s.contract.registration_number, s.contract.verification_code
    assert code and len(code) == 8
    ok = client.get("/contracts/check", query_string={"number": number, "code": code.lower()})
    assert ok.status_code == 200 and s.d.buyer_org.name in ok.text and "100.00 万元" in ok.text
    assert 'data-testid="check-state"' in ok.text and "已登记" in ok.text
    assert s.contract.title not in ok.text and (s.d.buyer_org.credit_code or "") not in ok.text
    wrong = client.get("/contracts/check", query_string={"number": number, "code": "AAAAAAAA"})
    unknown = client.get("/contracts/check", query_string={"number": "2099000000", "code": code})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.text.replace(number, "N").replace("AAAAAAAA", "C") == unknown.text.replace("2099000000", "N").replace(
        code, "C")  # the same answer: nothing tells a real number with a wrong code from an unknown number
    certificate = signin(s.d.seller).get(f"/contracts/{s.contract.id}/certificate")
    assert code in certificate.text and "<svg" in certificate.text
    registration.rescind(db.session, actor_for(make.user(Role.REGISTRAR)), s.contract, reason="双方解除")
    db.session.commit()
    gone = client.get("/contracts/check", query_string={"number": number, "code": code})
    assert gone.status_code == 200 and "该登记已于" in gone.text and "撤销" in gone.text


def test_the_claim_form_says_so_when_every_contract_is_claimed_already(make, signin):
    """With every contract counted by a claim the form still offered "compute and save", which could only fail."""
    s = setup(make)
    claim(s)
    client = signin(s.d.buyer)
    page = client.get(f"/claims/new/{s.d.buyer_org.id}/buyer?lang=zh_Hans_CN")
    assert page.status_code == 200 and 'data-testid="nothing-to-claim"' in page.text
    assert "上列合同均已计入其他申请" in page.text and 'name="requested"' not in page.text
