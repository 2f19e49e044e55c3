"""A subsidy claim in a real browser: the buyer applies with its registered contract and payment voucher, the
county science bureau passes the pre-review, the operator approves; then a visitor checks the certificate."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from techmarket.accounts.models import User
from techmarket.accounts.services import actor_for
from techmarket.extensions import db
from techmarket.incentives.claims import review
from techmarket.incentives.claims.models import SubsidyClaim
from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import sign_in
from tests.factories import PASSWORD, Factories
from tests.incentives.support import setup

pytestmark = pytest.mark.browser


def test_claim_through_county_pre_review_to_approval_and_a_certificate_check(
        page: Page, browser: Browser, live_app: Flask, live_server: str) -> None:
    with live_app.app_context():
        s = setup(Factories(live_app))
        buyer, county, city_id, operator = s.d.buyer.email, s.county.email, s.city.id, s.operator.email
        buyer_org = s.d.buyer_org.name
        org_id, number, code = s.d.buyer_org.id, s.contract.registration_number, s.contract.verification_code

    # the buyer applies: its contract of the window with the confirmed payment as voucher
    sign_in(page, live_server, buyer, PASSWORD)
    page.goto(f"{live_server}/claims/")
    start = page.get_by_test_id("claim-start")
    start.locator("#organisation_id").select_option(str(org_id))
    start.locator("#role").select_option("buyer")
    start.locator('button[type="submit"]').click()
    form = page.get_by_test_id("claim-form")
    form.get_by_label(number, exact=False).check()
    form.locator('input[name="vouchers"]').first.check()
    form.locator('button[type="submit"]').click()
    expect(page.get_by_test_id("claim-status")).to_have_text("草稿")
    expect(page.get_by_test_id("claim-amounts")).to_contain_text("8.00 万元")
    page.locator('button[data-action="submit"]').click()
    expect(page.get_by_test_id("claim-status")).to_have_text("旗县初审")

    # the county bureau of 昆都仑区 finds it in its queue and passes the pre-review
    bureau = browser.new_page(locale="zh-CN")
    sign_in(bureau, live_server, county, PASSWORD)
    bureau.goto(f"{live_server}/claims/review")
    bureau.get_by_test_id("claims").get_by_role("link").first.click()
    bureau.locator('button[data-action="pre_pass"]').click()
    expect(bureau.get_by_test_id("claim-status")).to_have_text("盟市审核")
    with live_app.app_context():
        claim = db.session.query(SubsidyClaim).one()
        review.decide(db.session, actor_for(db.session.get(User, city_id)), claim, "city_pass")
        db.session.commit()
        claim_id = claim.id

    # the operator approves
    desk = browser.new_page(locale="zh-CN")
    sign_in(desk, live_server, operator, PASSWORD)
    desk.goto(f"{live_server}/claims/{claim_id}")
    desk.locator('button[data-action="approve"]').click()
    expect(desk.get_by_test_id("claim-status")).to_have_text("已核准")
    expect(desk.get_by_test_id("claim-granted")).to_contain_text("8.00 万元")
    desk.screenshot(path=str(SCREENSHOTS / "claim-approved.png"), full_page=True)

    # anyone checks the certificate with its number and code
    visitor = browser.new_page(locale="zh-CN")
    visitor.goto(f"{live_server}/contracts/check")
    check = visitor.get_by_test_id("check-form")
    check.locator("#number").fill(number)
    check.locator("#code").fill(code.lower())
    check.locator('button[type="submit"]').click()
    expect(visitor.get_by_test_id("check-state")).to_contain_text("已登记")
    expect(visitor.get_by_test_id("check-result")).to_contain_text(buyer_org)
    visitor.screenshot(path=str(SCREENSHOTS / "certificate-check.png"), full_page=True)
