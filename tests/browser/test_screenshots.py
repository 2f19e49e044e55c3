"""Screenshots of the key pages, for a person to look at: saved in <project>/screenshots/ (gitignored)."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from techmarket.core.roles import Role
from tests.browser.conftest import PASSWORD, SCREENSHOTS, ConsoleWatch
from tests.browser.helpers import sign_in
from tests.factories import Factories

pytestmark = pytest.mark.browser


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def test_screenshots_of_the_key_pages(
    page: Page, browser: Browser, live_server: str, live_app: Flask, operator: tuple[str, str],
    console: ConsoleWatch,
) -> None:
    base = live_server
    with live_app.app_context():
        make = Factories(live_app)
        member = make.user(Role.ENTERPRISE, email="member@example.cn", name="张伟")
        org = make.org(member, name="包头稀土新材料科技有限公司", address="包头市九原区建华南路1号",
                       contact_name="张伟", contact_phone="0472-1234567")
        make.org(member, name="呼和浩特智能制造有限公司", division="150105")
        make.org(name="赤峰生物科技有限公司", division="150402", status="verified")
        org_id, member_email = org.id, member.email

    # A visitor: the home page in Chinese and in English, the register form with errors.
    page.goto(f"{base}/")
    shot(page, "01-home-zh")
    page.get_by_test_id("lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot(page, "01-home-en")
    page.get_by_test_id("lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    page.goto(f"{base}/account/register")
    form = page.get_by_test_id("register-form")
    form.locator("#email").fill("not-an-address")
    form.locator("#password").fill("short")
    form.locator("#confirm").fill("different")
    form.locator('button[type="submit"]').click()
    expect(page.get_by_test_id("register-form").locator(".is-invalid").first).to_be_visible()
    shot(page, "02-register-errors")

    # The member: the organisation form (Inner Mongolia, then another province) and her organisation.
    member_ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    op_ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        mp = member_ctx.new_page()
        console.watch(mp)
        sign_in(mp, base, member_email, PASSWORD)
        mp.goto(f"{base}/orgs/new")
        shot(mp, "03-org-form")
        mp.get_by_test_id("org-form").locator('input[name="region_kind"][value="domestic"]').check()
        shot(mp, "03-org-form-domestic")
        mp.goto(f"{base}/orgs/{org_id}")
        expect(mp.get_by_test_id("org-status")).to_be_visible()
        shot(mp, "05-org-detail-member")

        # The operator: the verification queue and the organisation.
        op = op_ctx.new_page()
        console.watch(op)
        sign_in(op, base, *operator)
        op.goto(f"{base}/admin/organisations")
        expect(op.get_by_test_id("org-queue").locator("tbody tr")).to_have_count(2)
        shot(op, "04-operator-queue")
        op.set_viewport_size({"width": 1024, "height": 768})  # just above Bootstrap's lg breakpoint
        shot(op, "04-operator-queue-1024")
        op.set_viewport_size({"width": 1280, "height": 900})
        op.get_by_test_id("org-queue").get_by_role("link", name="包头稀土新材料科技有限公司").click()
        expect(op.get_by_test_id("decision-form")).to_be_visible()
        shot(op, "05-org-detail-operator")
        op.get_by_test_id("lang-switch").click()
        expect(op.locator("html")).to_have_attribute("lang", "en")
        shot(op, "05-org-detail-operator-en")
        op.goto(f"{base}/admin/organisations")
        shot(op, "04-operator-queue-en")
    finally:
        member_ctx.close()
        op_ctx.close()

    for name in ("01-home-zh", "01-home-en", "02-register-errors", "03-org-form", "03-org-form-domestic",
                 "04-operator-queue", "04-operator-queue-1024", "04-operator-queue-en", "05-org-detail-member",
                 "05-org-detail-operator", "05-org-detail-operator-en"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000, name
