"""The calculator pages over real HTTP: form, breakdown, field errors, saving, saved list and detail."""

from __future__ import annotations

import re

from techmarket.accounts.services import actor_for
from techmarket.extensions import db
from techmarket.rulesets import services
from techmarket.rulesets.models import SavedCalculation
from tests.accounts.support import field_error, field_value, reread
from tests.rulesets.support import member_with_org, signin

TRANSFER_FORM = {
    "tax_year": "2024",
    "contracts-0-id": "HT-2024-001",
    "contracts-0-kind": "ownership",
    "contracts-0-subject": "patent",
    "contracts-0-registered": "true",
    "contracts-0-technology_receipts": "8,000,000",
}


def _text(resp) -> str:
    return resp.get_data(as_text=True)


def _figure(page: str, key: str) -> str:
    found = re.search(rf'data-key="{key}">(.*?)</td>', page, re.S)
    assert found, f"no figure {key}"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in ("/policy/", "/policy/transfer-income-tax", "/policy/saved", "/policy/rules"):
        resp = client.get(path)
        assert resp.status_code == 302 and "/account/login" in resp.headers["Location"], path


def test_users_without_an_organisation_are_told_to_join_one(make, login):
    client = login(make.user())
    resp = client.get("/policy/")
    assert resp.status_code == 403
    message = _text(resp).split('data-testid="error-message">')[1].split("<")[0]
    assert "机构" in message or "organisation" in message


def test_index_lists_every_calculator_in_the_users_language(make, login):
    user, _org = member_with_org(make)
    client = login(user)
    page = _text(client.get("/policy/"))
    assert "技术转让所得减免企业所得税" in page and "(二十三)" in page
    assert 'href="/policy/disbursement-deadline"' in page
    assert "/policy/rules" not in page  # the console link is for operators
    nav = _text(client.get("/"))
    assert 'href="/policy/"' in nav


def test_transfer_income_tax_known_case_shows_breakdown_citations_and_versions(make, login):
    user, _org = member_with_org(make)
    client = login(user)
    form_page = _text(client.get("/policy/transfer-income-tax"))
    assert 'name="contracts-4-technology_receipts"' in form_page  # five contract rows
    assert 'name="contracts-5-id"' not in form_page
    resp = client.post("/policy/transfer-income-tax", data=TRANSFER_FORM)
    assert resp.status_code == 200
    page = _text(resp)
    assert "8,000,000.00" in _figure(page, "total_gain")
    assert _figure(page, "exempt").startswith("5,000,000.00 元")
    assert _figure(page, "tax_on_gain").startswith("375,000.00 元")
    assert _figure(page, "tax_saved").startswith("1,625,000.00 元")
    assert "162.50 万元" in _figure(page, "tax_saved")
    assert 'data-testid="steps"' in page and "年度符合条件的技术转让所得合计 S" in page
    citations = page[page.index('data-testid="citations"'):]
    assert "(四)" in citations and "第九十条" in citations
    versions = page[page.index('data-testid="rule-sets"'):]
    assert "transfer-income-tax" in versions and "v1" in versions and "2008-01-01" in versions
    # The typed values stay in the form below the result; blank rows were ignored.
    assert field_value(page, "contracts-0-technology_receipts") == "8,000,000"
    assert 'data-testid="save-form"' in page


def test_english_labels_and_messages(make, login, client):
    user, _org = member_with_org(make)
    login(user)
    client.get("/lang/en")
    page = _text(client.post("/policy/indirect-cost-cap", data={"direct_costs": "12000000",
                                                                "equipment_costs": "1000000"}))
    assert "Indirect-cost cap of a research project" in page
    assert _figure(page, "cap") == "¥2,950,000.00"
    assert "(二十三)" in page
    bad = _text(client.post("/policy/indirect-cost-cap", data={"direct_costs": "-1"}))
    assert field_error(bad, "direct_costs") == "must not be negative"


def test_bad_input_keeps_the_typed_values_and_shows_the_field_errors(make, login):
    user, _org = member_with_org(make)
    client = login(user)
    data = {**TRANSFER_FORM, "tax_year": "二〇二四", "contracts-0-technology_receipts": "-5",
            "contracts-0-kind": "", "contracts-1-id": " ", "contracts-1-kind": "", "contracts-1-registered": "",
            "contracts-2-id": "HT-3", "contracts-2-kind": "gift"}
    page = _text(client.post("/policy/transfer-income-tax", data=data))
    assert 'data-testid="result"' not in page
    assert field_value(page, "tax_year") == "二〇二四"
    assert field_error(page, "tax_year") == "应为整数"
    assert field_value(page, "contracts-0-technology_receipts") == "-5"
    assert field_error(page, "contracts-0-technology_receipts") == "金额不能为负数"
    assert field_error(page, "contracts-0-kind") == "必填"
    # The blank second row was ignored: the second contract is form row 3, and its errors land there.
    assert field_value(page, "contracts-2-id") == "HT-3"
    assert "未知取值" in (field_error(page, "contracts-2-kind") or "")
    assert field_error(page, "contracts-1-kind") is None
    assert field_error(page, "contracts-2-registered") == "必填"


def test_a_missing_list_is_reported_above_its_rows(make, login):
    user, _org = member_with_org(make)
    client = login(user)
    page = _text(client.post("/policy/transfer-income-tax", data={"tax_year": "2024"}))
    section = page[page.index('data-testid="list-contracts"'):]
    assert "必填" in section[:2000]


def test_saving_a_result_and_reading_it_back(make, login, app):
    user, org = member_with_org(make)
    stranger, _other = member_with_org(make)
    client = login(user)
    resp = client.post("/policy/transfer-income-tax", data=TRANSFER_FORM)
    inputs = field_value(_text(resp), "inputs")
    assert inputs and "HT-2024-001" in inputs
    resp = client.post("/policy/transfer-income-tax/save",
                       data={"organisation_id": str(org.id), "label": "2024 年度汇算", "inputs": inputs})
    assert resp.status_code == 302
    reread()
    saved = db.session.query(SavedCalculation).one()
    assert saved.organisation_id == org.id and saved.created_by_id == user.id
    assert saved.result["tax_saved"] == "1625000.00" and saved.inputs["tax_year"] == "2024"
    detail = _text(client.get(resp.headers["Location"]))
    assert "2024 年度汇算" in detail and org.name in detail and "1,625,000.00" in detail
    assert "v1" in detail[detail.index('data-testid="rule-sets"'):]
    listing = _text(client.get("/policy/saved"))
    assert "2024 年度汇算" in listing and "transfer-income-tax</code> v1" in listing

    # Another organisation's member neither sees it nor opens it, nor saves to a foreign organisation.
    other = signin(app, stranger)
    assert "2024 年度汇算" not in _text(other.get("/policy/saved"))
    assert other.get(f"/policy/saved/{saved.id}").status_code == 403
    resp = other.post("/policy/transfer-income-tax/save", data={"organisation_id": str(org.id), "inputs": inputs})
    assert resp.status_code == 200 and 'data-testid="save-form"' in _text(resp)
    reread()
    assert db.session.query(SavedCalculation).count() == 1
    # The operator sees every organisation's results.
    op = signin(app, make.operator())
    assert "2024 年度汇算" in _text(op.get("/policy/saved"))
    assert op.get(f"/policy/saved/{saved.id}").status_code == 200


def test_saved_list_is_paginated(make, login):
    user, org = member_with_org(make)
    result = services.calculate(db.session, "indirect-cost-cap", {"direct_costs": "100"})
    for n in range(23):
        services.save_calculation(db.session, actor_for(user), org, "indirect-cost-cap", {"direct_costs": "100"},
                                  result, f"第{n}号")
    db.session.commit()
    client = login(user)
    first = _text(client.get("/policy/saved"))
    assert "23" in first and 'class="pagination"' in first
    second = _text(client.get("/policy/saved?page=2"))
    assert second.count('href="/policy/saved/') == 3 and "第0号" in second
