"""The statement pages over HTTP: compute, keep input on error, save, permissions, PDF and XLSX downloads."""

from __future__ import annotations

import io
import os
import re

import openpyxl
import pytest

from techmarket.accounts.services import actor_for
from techmarket.contracts import registration
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.incentives import statement, statement_export
from techmarket.incentives.models import Statement
from techmarket.rulesets import services as rulesets
from tests.accounts.support import reread
from tests.contracts.test_statement import COSTS, YEAR, seller_year
from tests.factories import PASSWORD


def _key(contract_id: int, field: str) -> str:
    return f"cost_{contract_id}_{field}"


def _form(transfer_id: int, **given: str) -> dict[str, str]:
    data = {_key(transfer_id, f): v for f, v in COSTS.items()}
    data.update({_key(transfer_id, f): v for f, v in given.items()})
    return data


def test_start_form_leads_to_the_compute_page_with_figures_citations_and_versions(make, login):
    d, transfer, licence = seller_year(make)
    client = login(d.seller)
    page = client.get("/statements/")
    assert page.status_code == 200 and 'data-testid="start-form"' in page.text
    resp = client.post("/statements/", data={"organisation_id": d.seller_org.id, "tax_year": str(YEAR)})
    assert resp.status_code == 302 and resp.location.endswith(f"/statements/org/{d.seller_org.id}/{YEAR}")
    page = client.get(resp.location)
    assert page.status_code == 200
    html = page.text
    assert transfer.registration_number in html and licence.registration_number in html
    assert 'value="1000000.00"' in html  # technology income starts as the registered technical amount
    assert "transfer-income-tax" in html and "v1" in html and "(四)" in html and "(十一)" in html
    assert 'data-testid="estimate-note"' in html
    assert str(YEAR + 1) in html  # the claim year is named


def test_bad_figures_keep_the_input_show_errors_and_save_nothing(make, login):
    d, transfer, _licence = seller_year(make)
    client = login(d.seller)
    url = f"/statements/org/{d.seller_org.id}/{YEAR}"
    for field, value in (("tax_basis", "-5"), ("related_taxes", "lots"), ("accumulated_amortization", "400000")):
        resp = client.post(url, data={**_form(transfer.id, **{field: value}), "action": "save"})
        assert resp.status_code == 400
        assert f'value="{value}"' in resp.text
        assert re.search(rf'id="{_key(transfer.id, field)}-error"', resp.text)
    resp = client.post(url, data={**_form(transfer.id), "cit_rate": "2", "action": "compute"})
    assert resp.status_code == 400 and 'id="cit_rate-error"' in resp.text and 'value="2"' in resp.text
    resp = client.post("/statements/", data={"organisation_id": d.seller_org.id, "tax_year": "1800"})
    assert resp.status_code == 400 and 'value="1800"' in resp.text and 'id="tax_year-error"' in resp.text
    assert client.get(f"/statements/org/{d.seller_org.id}/2999").status_code == 400
    reread()
    assert db.session.query(Statement).count() == 0


def test_saving_shows_the_snapshot_and_flags(make, login):
    d, transfer, _licence = seller_year(make)
    client = login(d.seller)
    url = f"/statements/org/{d.seller_org.id}/{YEAR}"
    resp = client.post(url, data={**_form(transfer.id), "label": "年度汇算", "action": "save"})
    assert resp.status_code == 302
    saved_url = resp.location
    page = client.get(saved_url)
    assert page.status_code == 200 and "年度汇算" in page.text and 'data-testid="statement-flags"' not in page.text
    reread()
    saved = db.session.query(Statement).one()
    assert saved.inputs["costs"][str(transfer.id)] == {**COSTS, "technology_receipts": "1000000.00"}
    assert saved.contract_ids == [c["id"] for c in saved.result["contracts"]]
    assert saved.result["transfer"]["result"]["total_gain"] == "1780000.00"

    registration.amend(db.session, actor_for(make.user(Role.REGISTRAR)), transfer, reason="价款调整",
                       total_amount=transfer.total_amount, technical_amount=transfer.technical_amount - 1000)
    db.session.commit()
    page = client.get(saved_url)
    assert 'data-testid="statement-flags"' in page.text and transfer.registration_number in page.text
    assert "价款调整" in page.text
    assert client.get("/statements/").text.count(f"#{saved.id}") >= 1


@pytest.fixture()
def saved(make):
    d, transfer, _licence = seller_year(make)
    row = statement.save(db.session, actor_for(d.seller), d.seller_org, YEAR, {transfer.id: COSTS})
    db.session.commit()
    return d, transfer, row


def test_strangers_get_404_and_403_staff_see_everything(make, app, saved):
    d, _transfer, row = saved
    stranger = make.user(Role.ENTERPRISE)
    make.org(stranger, status="verified")
    c = app.test_client()
    c.post("/account/login", data={"email": stranger.email, "password": PASSWORD})
    assert c.get(f"/statements/{row.id}").status_code == 404
    assert c.get(f"/statements/{row.id}.xlsx").status_code == 404
    assert c.get(f"/statements/org/{d.seller_org.id}/{YEAR}").status_code == 403
    assert c.get("/statements/all").status_code == 403
    assert c.get("/statements/disbursements").status_code == 403
    assert f"#{row.id}" not in c.get("/statements/").text
    assert app.test_client().get(f"/statements/{row.id}").status_code == 302  # anonymous: sign in first

    registrar = make.user(Role.REGISTRAR)
    r = app.test_client()
    r.post("/account/login", data={"email": registrar.email, "password": PASSWORD})
    assert r.get(f"/statements/{row.id}").status_code == 200
    page = r.get(f"/statements/all?org={d.seller_org.name[:4]}&year={YEAR}")
    assert page.status_code == 200 and f"#{row.id}" in page.text
    assert f"#{row.id}" not in r.get(f"/statements/all?year={YEAR - 1}").text
    assert r.get(f"/statements/org/{d.seller_org.id}/{YEAR}").status_code == 200  # staff may look
    assert r.post(f"/statements/org/{d.seller_org.id}/{YEAR}", data={"action": "save"}).status_code == 403
    assert r.get("/statements/disbursements").status_code == 403  # the operator's list


def test_pdf_and_xlsx_carry_figures_citations_and_versions(make, login, app, saved):
    if statement_export.pdf_font(app.config) is None:
        if os.environ.get("TECHMARKET_TEST_REQUIRE_SERVICES") == "1":
            pytest.fail("TECHMARKET_TEST_REQUIRE_SERVICES=1 but no CJK font is installed (fonts-noto-cjk)")
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    d, transfer, row = saved
    client = login(d.seller)
    page = client.get(f"/statements/{row.id}")
    assert 'data-testid="pdf-link"' in page.text
    pdf = client.get(f"/statements/{row.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    xlsx = client.get(f"/statements/{row.id}.xlsx")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    cells = [c for r in sheet.iter_rows(values_only=True) for c in r if c is not None]
    text = " ".join(str(c) for c in cells)
    assert transfer.registration_number in text
    assert 1780000 in [float(c) for c in cells if isinstance(c, int | float)]  # the year's gain as a number
    assert "技术转让所得减免企业所得税 第 1 版" in text and "transfer-income-tax" not in text
    assert "(四)" in text and "技术交易额" in text


def test_without_a_cjk_font_the_pdf_link_says_so(make, login, app, saved):
    d, _transfer, row = saved
    app.config["PDF_FONT"] = "/nonexistent/font.ttc"
    client = login(d.seller)
    page = client.get(f"/statements/{row.id}")
    assert 'data-testid="pdf-missing-font"' in page.text and 'data-testid="pdf-link"' not in page.text
    resp = client.get(f"/statements/{row.id}.pdf")
    assert resp.status_code == 503
    assert client.get(f"/statements/{row.id}.xlsx").status_code == 200


def test_english_pages_and_calculator_messages(make, login, saved):
    d, transfer, row = saved
    client = login(d.seller)
    client.get("/lang/en")
    page = client.get(f"/statements/{row.id}").text
    assert "Tax saved" in page and "¥445,000.00" in page and "transfer-income-tax" in page
    bad = client.post(f"/statements/org/{d.seller_org.id}/{YEAR}",
                      data={**_form(transfer.id, tax_basis="-1"), "action": "compute"})
    assert bad.status_code == 400 and "must not be negative" in bad.text
    assert client.get(f"/statements/{row.id}.pdf").data.startswith(b"%PDF")


def test_the_saved_page_keeps_version_1_after_a_rule_change_while_a_fresh_computation_uses_version_2(
        make, login, saved):
    d, _transfer, row = saved
    rulesets.seed_defaults(db.session)
    latest = rulesets.latest_version(db.session, "transfer-income-tax")
    assert latest is not None
    rulesets.new_version(db.session, actor_for(make.operator()), "transfer-income-tax",
                         {**latest.params, "exemption_threshold": "1000000.00"}, f"{YEAR}-01-01", "假设的新国家规定")
    db.session.commit()
    client = login(d.seller)
    old = client.get(f"/statements/{row.id}").text
    versions = re.findall(r'data-testid="rule-set-version">(?:v|第 )(\d+)', old)
    assert versions and "2" not in versions
    assert re.search(r'data-key="exempt">1,780,000\.00 元', old)
    fresh = client.get(f"/statements/org/{d.seller_org.id}/{YEAR}").text
    assert "2" in re.findall(r'data-testid="rule-set-version">(?:v|第 )(\d+)', fresh)
    assert re.search(r'data-key="exempt">1,000,000\.00 元', fresh)
