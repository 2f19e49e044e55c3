"""Pages as a browser renders them: stylesheets and scripts load, the strict CSP holds, JS enhancements work."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from techmarket.core.roles import Role
from tests.browser.conftest import PASSWORD, ConsoleWatch
from tests.browser.helpers import sign_in
from tests.factories import Factories

pytestmark = pytest.mark.browser


def test_pages_load_their_styles_and_scripts_within_the_csp(
    page: Page, live_server: str, console: ConsoleWatch,
) -> None:
    for path in ("/", "/account/register", "/account/login"):
        page.goto(f"{live_server}{path}")
        page.wait_for_load_state("load")
        # Bootstrap's stylesheet is applied (the body is a flex column) and its script ran.
        assert page.evaluate("getComputedStyle(document.body).display") == "flex", path
        assert page.evaluate("typeof window.bootstrap") == "object", path
    assert not console.failed, "requests that failed:\n" + "\n".join(console.failed)
    # The browser's own /favicon.ico request is not the page's doing (the site has no icon yet).
    errors = [e for e in console.errors if not e.endswith("/favicon.ico]")]
    assert not errors, "browser console errors:\n" + "\n".join(errors)


def test_org_form_shows_only_the_region_fields_that_apply(
    page: Page, live_server: str, live_app: Flask, console: ConsoleWatch,
) -> None:
    with live_app.app_context():
        email = Factories(live_app).user(Role.ENTERPRISE, email="li@example.cn").email
    sign_in(page, live_server, email, PASSWORD)
    page.goto(f"{live_server}/orgs/new")
    form = page.get_by_test_id("org-form")
    code, division = form.locator("#credit_code"), form.locator("#division_code")
    province, country = form.locator("#province"), form.locator("#country")
    foreign = form.locator("#foreign_registration")

    # Inner Mongolia is the default: credit code and league/banner, nothing else.
    expect(form.locator('input[name="region_kind"][value="local"]')).to_be_checked()
    expect(code).to_be_visible()
    expect(division).to_be_visible()
    expect(province).to_be_hidden()
    expect(country).to_be_hidden()
    expect(foreign).to_be_hidden()

    form.locator('input[name="region_kind"][value="domestic"]').check()
    expect(code).to_be_visible()
    expect(province).to_be_visible()
    expect(division).to_be_hidden()
    expect(country).to_be_hidden()

    form.locator('input[name="region_kind"][value="abroad"]').check()
    expect(country).to_be_visible()
    expect(foreign).to_be_visible()
    expect(code).to_be_hidden()
    expect(division).to_be_hidden()
    expect(province).to_be_hidden()

    form.locator('input[name="region_kind"][value="local"]').check()
    expect(division).to_be_visible()
    expect(country).to_be_hidden()

    # The league/city and banner/county list is grouped by league/city.
    expect(division.locator('optgroup[label="包头市"] option[value="150207"]')).to_have_text("九原区")
    expect(division.locator("optgroup")).to_have_count(12)


def test_staff_menu_labels_stay_on_one_line_and_the_phone_menu_opens(
    page: Page, live_server: str, operator: tuple[str, str], console: ConsoleWatch,
) -> None:
    sign_in(page, live_server, *operator)  # the operator has the longest menu
    page.goto(f"{live_server}/admin/organisations")
    for lang in ("zh-CN", "en"):
        for width in (1280, 1024):
            page.set_viewport_size({"width": width, "height": 800})
            heights = page.locator("nav .nav-link").evaluate_all(
                "els => els.map(e => [e.textContent.trim(), e.getBoundingClientRect().height,"
                " parseFloat(getComputedStyle(e).lineHeight)])")
            wrapped = [(text, h) for text, h, line in heights if h > 2 * line]  # padding < one line
            assert not wrapped, f"{lang} at {width}px: menu labels broken over lines: {wrapped}"
        if lang == "zh-CN":
            page.get_by_test_id("lang-switch").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")

    # On a phone the main menu folds away behind the toggler, and Bootstrap's script opens it (CSP allowing);
    # the console bar stays, scrolling sideways.
    page.set_viewport_size({"width": 390, "height": 800})
    achievements = page.locator('#nav a[href="/listings/achievements"]')
    expect(achievements).to_be_hidden()
    page.locator(".navbar-toggler").click()
    expect(achievements).to_be_visible()
    expect(page.locator('[data-testid="staff-nav"] a[href="/admin/organisations"]')).to_be_attached()

    # The signed-in person's menu opens without JavaScript tricks and closes with Escape.
    page.set_viewport_size({"width": 1280, "height": 800})
    menu = page.get_by_test_id("user-menu")
    menu.locator("summary").click()
    expect(menu.locator('a[href="/orgs/"]')).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu.locator('a[href="/orgs/"]')).to_be_hidden()
