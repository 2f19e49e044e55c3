"""End-to-end flows in headless Chromium against a live server (CSRF on)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from techmarket.core.roles import Role
from techmarket.demo.loader import demo_code
from techmarket.orgs import creditcode
from techmarket.orgs.constants import OrgStatus
from tests.browser.conftest import PASSWORD, ConsoleWatch
from tests.browser.helpers import fill_local_org, open_user_menu, sign_in, status_label
from tests.factories import Factories

pytestmark = pytest.mark.browser


def test_register_confirm_create_org_and_operator_verifies_it(
    page: Page, browser: Browser, live_server: str, live_app: Flask, operator: tuple[str, str],
    mail_links, console: ConsoleWatch,
) -> None:
    base = live_server
    email = "wang.li@example.cn"

    # A visitor registers.
    page.goto(f"{base}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.locator('nav a[href="/account/register"]').click()
    form = page.get_by_test_id("register-form")
    form.locator("#email").fill(email)
    form.locator("#name").fill("王丽")
    form.locator("#password").fill(PASSWORD)
    form.locator("#confirm").fill(PASSWORD)
    form.locator("#role").select_option(Role.ENTERPRISE.value)
    form.locator('button[type="submit"]').click()
    # Not signed in yet: a taken address gets this same answer (the site does not tell which addresses exist).
    expect(page).to_have_url(f"{base}/account/login")
    expect(page.locator(".alert-success")).to_contain_text(email)

    # She opens the link from the confirmation email, then signs in.
    links = mail_links(email)
    assert len(links) == 1, links
    assert "/account/confirm/" in links[0]
    page.goto(links[0])
    expect(page).to_have_url(f"{base}/account/login")
    sign_in(page, base, email, PASSWORD)
    page.goto(f"{base}/account/")
    expect(page.get_by_test_id("email-confirmed")).to_be_visible()
    expect(page.get_by_test_id("email-unconfirmed")).to_have_count(0)

    # She registers her company.
    open_user_menu(page)
    page.locator('nav a[href="/orgs/"]').click()
    page.locator('main a[href="/orgs/new"]').click()
    name = "包头稀土新材料科技有限公司"
    fill_local_org(page, name, demo_code("91", "150207", name))
    page.get_by_test_id("org-form").locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(re.escape(base) + r"/orgs/\d+$"))
    org_url = page.url
    expect(page.locator("h1")).to_contain_text(name)
    expect(page.get_by_test_id("org-status")).to_have_text(status_label(live_app, OrgStatus.PENDING))
    expect(page.locator("main")).to_contain_text("九原区")

    # The operator, in a browser of his own, verifies it from the queue.
    op_context = browser.new_context(locale="zh-CN")
    try:
        op = op_context.new_page()
        console.watch(op)
        sign_in(op, base, *operator)
        op.locator('nav a[href="/admin/organisations"]').click()
        queue = op.get_by_test_id("org-queue")
        expect(queue.locator("tbody tr")).to_have_count(1)
        queue.get_by_role("link", name=name).click()
        expect(op.locator("h1")).to_contain_text(name)
        decision = op.get_by_test_id("decision-form")
        decision.locator('input[name="decision"][value="verify"]').check()
        decision.locator('button[type="submit"]').click()
        expect(op).to_have_url(re.compile(re.escape(base) + r"/admin/organisations$"))
        expect(op.locator(".alert-success")).to_be_visible()
        expect(op.get_by_test_id("org-queue").get_by_role("link", name=name)).to_have_count(0)
    finally:
        op_context.close()

    # The member reloads her page and sees the organisation verified.
    page.reload()
    assert page.url == org_url
    status = page.get_by_test_id("org-status")
    expect(status).to_have_text(status_label(live_app, OrgStatus.VERIFIED))
    expect(status).to_have_class(re.compile(r"\bbadge-status-verified\b"))
    expect(page.locator(".alert-warning")).to_have_count(0)


def test_org_form_error_keeps_what_was_typed(
    page: Page, live_server: str, live_app: Flask, console: ConsoleWatch,
) -> None:
    with live_app.app_context():
        user = Factories(live_app).user(Role.ENTERPRISE, email="zhao@example.cn")
        email = user.email
    sign_in(page, live_server, email, PASSWORD)

    page.goto(f"{live_server}/orgs/new")
    name = "鄂尔多斯绿氢装备有限公司"
    good = demo_code("91", "150207", name)
    wrong = good[:17] + next(c for c in creditcode.CHARSET if c != good[17])
    fill_local_org(page, name, wrong)
    page.get_by_test_id("org-form").locator("#address").fill("包头市九原区建华南路1号")
    page.get_by_test_id("org-form").locator('button[type="submit"]').click()

    form = page.get_by_test_id("org-form")
    code = form.locator("#credit_code")
    expect(code).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(code).to_have_attribute("aria-invalid", "true")
    # The message sits right beside the field, is tied to it for screen readers, and names the character
    # the code should end with.
    error = form.locator("#credit_code ~ .invalid-feedback")
    expect(error).to_be_visible()
    expect(error).to_have_attribute("id", "credit_code-error")
    expect(code).to_have_attribute("aria-describedby", re.compile(r"(^|\s)credit_code-error(\s|$)"))
    expect(error).to_contain_text(f"应为 {good[17]}")
    expect(form.locator(".alert-danger")).to_be_visible()
    # Everything typed is still there; only the code field is marked.
    expect(form.locator("#name")).to_have_value(name)
    expect(code).to_have_value(wrong)
    expect(form.locator("#address")).to_have_value("包头市九原区建华南路1号")
    expect(form.locator("#division_code")).to_have_value("150207")
    expect(form.locator('input[name="region_kind"][value="local"]')).to_be_checked()
    expect(form.locator(".is-invalid")).to_have_count(1)
    # The box for real-but-failing codes is offered beside it.
    expect(form.locator("#claim_real_code")).to_be_visible()


def test_language_switch(page: Page, live_server: str, console: ConsoleWatch) -> None:
    page.goto(f"{live_server}/account/login")
    html = page.locator("html")
    switch = page.get_by_test_id("lang-switch")
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(switch).to_have_text("English")
    expect(switch).to_have_attribute("lang", "en")

    switch.click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server}/account/login")  # stays on the same page
    expect(switch).to_have_text("中文")
    expect(switch).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_test_id("login-form").locator('button[type="submit"]')).to_have_text("Sign in")

    page.goto(f"{live_server}/")  # the choice sticks for the session
    expect(html).to_have_attribute("lang", "en")

    page.get_by_test_id("lang-switch").click()
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_test_id("lang-switch")).to_have_text("English")
