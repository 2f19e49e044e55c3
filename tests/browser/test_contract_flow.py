"""A technology contract in a real browser: the seller records and submits it, a registrar registers it, the
seller opens the certificate and downloads the yearly statement."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from techmarket.accounts import services as accounts
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today, utcnow
from techmarket.core.roles import Role
from techmarket.demo.loader import demo_code
from techmarket.extensions import db
from techmarket.orgs import services as orgs
from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import sign_in
from tests.contracts.builders import PDF

pytestmark = pytest.mark.browser

PASSWORD = "Browser-pass-2026"
OPERATOR = Actor(user_id=None, label="browser test operator", roles=frozenset({Role.OPERATOR}))


def _person(app: Flask, email: str, *roles: Role, org: tuple[str, str] | None = None) -> str | None:
    """A confirmed user, optionally owning a verified organisation; returns the organisation's code."""
    with app.app_context():
        user = accounts.register(db.session, email=email, password=PASSWORD, name=email.split("@")[0],
                                 language="zh_Hans_CN", role=Role.RESEARCHER)
        user.email_confirmed_at = utcnow()
        if roles:
            accounts.set_roles(db.session, Actor.system("browser test"), user, roles)
        code = None
        if org is not None:
            name, division = org
            code = demo_code("91", division, name)
            data = orgs.OrgData(name=name, org_type="enterprise", region_kind="local", credit_code=code,
                                division_code=division)
            created = orgs.create(db.session, accounts.actor_for(user), data)
            orgs.decide(db.session, OPERATOR, created, verify=True, reason="", expected_version=created.version)
        db.session.commit()
        return code


def test_record_submit_register_certificate(page: Page, browser: Browser, live_app: Flask, live_server: str,
                                            tmp_path) -> None:
    _person(live_app, "seller@research.cn", org=("包头稀土永磁研究院", "150207"))
    buyer_code = _person(live_app, "buyer@enterprise.cn", org=("鄂尔多斯电机制造有限公司", "150602"))
    _person(live_app, "registrar@market.cn", Role.REGISTRAR)
    signed = local_today() - dt.timedelta(days=3)

    # The seller writes the contract; a schedule that does not add up is refused and the input kept.
    sign_in(page, live_server, "seller@research.cn", PASSWORD)
    page.goto(f"{live_server}/contracts/new")
    form = page.get_by_test_id("contract-form")
    form.locator("#title").fill("高矫顽力钕铁硼磁体专利权转让合同")
    form.locator("#type_key").select_option("transfer.patent")
    form.locator("#signed_on").fill(signed.isoformat())
    form.locator("#total_amount").fill("180万")
    form.locator("#buyer-credit_code").fill(buyer_code or "")
    form.locator("#ip_items-0-ip_kind").select_option("invention_patent")
    form.locator("#ip_items-0-number").fill("ZL202010123456.7")
    form.locator("#non_tech-0-category").select_option("equipment")
    form.locator("#non_tech-0-amount").fill("30万")
    form.locator("#instalments-0-due_on").fill((signed + dt.timedelta(days=30)).isoformat())
    form.locator("#instalments-0-amount").fill("100万")
    form.locator("#instalments-1-due_on").fill((signed + dt.timedelta(days=90)).isoformat())
    form.locator("#instalments-1-amount").fill("70万")
    form.locator('button[type="submit"]').click()
    expect(page.get_by_test_id("instalments-error")).to_be_visible()
    expect(page.locator("#title")).to_have_value("高矫顽力钕铁硼磁体专利权转让合同")
    page.locator("#instalments-1-amount").fill("80万")
    page.get_by_test_id("contract-form").locator('button[type="submit"]').click()
    expect(page.get_by_test_id("contract-title")).to_have_text("高矫顽力钕铁硼磁体专利权转让合同")
    expect(page.get_by_test_id("technical-amount")).to_contain_text("150")

    # It needs the signed contract before it can be submitted.
    pdf = tmp_path / "合同.pdf"
    pdf.write_bytes(PDF)
    page.get_by_test_id("document-form").locator("#file").set_input_files(str(pdf))
    page.get_by_test_id("document-form").locator('button[type="submit"]').click()
    expect(page.get_by_test_id("documents")).to_contain_text("合同.pdf")
    page.get_by_test_id("act-submit").click()
    expect(page.get_by_test_id("review-deadline")).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "contract-submitted.png"), full_page=True)
    contract_url = page.url

    # A registrar registers it.
    reg = browser.new_page(locale="zh-CN")
    sign_in(reg, live_server, "registrar@market.cn", PASSWORD)
    reg.goto(contract_url)
    decision = reg.get_by_test_id("decision-form")
    expect(decision.locator("#decision")).to_have_value("")  # no outcome is chosen for the registrar
    for outcome in ("approve", "return", "refuse"):
        expect(decision.locator(f'[data-outcome="{outcome}"]')).to_be_hidden()
    decision.locator("#decision").select_option("refuse")
    expect(decision.locator('[data-outcome="refuse"]')).to_be_visible()
    expect(decision.locator('[data-outcome="return"]')).to_be_hidden()
    reg.screenshot(path=str(SCREENSHOTS / "contract-decision-refuse.png"), full_page=True)
    reg.get_by_test_id("decision-form").locator("#decision").select_option("approve")
    expect(decision.locator('[data-outcome="refuse"]')).to_be_hidden()
    reg.get_by_test_id("decision-form").locator('button[type="submit"]').click()
    expect(reg.get_by_test_id("registration-number")).to_be_visible()
    number = reg.get_by_test_id("registration-number").inner_text()
    reg.close()

    # The seller sees the registration and opens the printable certificate.
    page.goto(contract_url)
    expect(page.get_by_test_id("registration-number")).to_have_text(number)
    page.get_by_test_id("certificate-link").click()
    expect(page.get_by_test_id("cert-number")).to_have_text(number)
    expect(page.get_by_test_id("certificate")).to_contain_text("1,800,000.00")
    expect(page.get_by_test_id("certificate")).to_contain_text("1,500,000.00")
    page.screenshot(path=str(SCREENSHOTS / "contract-certificate.png"), full_page=True)

    # The seller computes the year's statement, corrects a bad figure, saves it and downloads it.
    page.goto(f"{live_server}/statements/")
    start = page.get_by_test_id("start-form")
    start.locator("#tax_year").fill(str(local_today().year))
    start.locator('button[type="submit"]').click()
    costs = page.locator('[data-testid^="costs-"]').first
    basis = costs.locator('input[name$="_tax_basis"]')
    basis.fill("-5")
    page.get_by_test_id("statement-form").locator('button[value="compute"]').click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(basis).to_have_value("-5")
    basis.fill("200000")
    page.get_by_test_id("save-statement").click()
    expect(page.get_by_test_id("saved-meta")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "statement-saved.png"), full_page=True)
    with page.expect_download() as xlsx:
        page.get_by_test_id("xlsx-link").click()
    target = tmp_path / "statement.xlsx"
    xlsx.value.save_as(target)
    assert target.read_bytes()[:2] == b"PK"
    if page.get_by_test_id("pdf-link").count():
        with page.expect_download() as pdf_download:
            page.get_by_test_id("pdf-link").click()
        pdf_path = tmp_path / "statement.pdf"
        pdf_download.value.save_as(pdf_path)
        assert pdf_path.read_bytes()[:5] == b"%PDF-"
    assert not live_app.extensions["browser_test_errors"]
