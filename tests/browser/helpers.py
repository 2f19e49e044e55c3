"""Steps a person takes in the browser, shared by the browser tests."""

from __future__ import annotations

import re

from flask import Flask
from flask_babel import force_locale
from playwright.sync_api import Page, expect

from techmarket.orgs.constants import STATUS_LABELS, OrgStatus

CHINESE = "zh_Hans_CN"


def label(app: Flask, text: object, locale: str = CHINESE) -> str:
    """A lazy label as the site shows it in ``locale`` (whatever the catalogue holds today)."""
    with app.test_request_context(), force_locale(locale):
        return str(text)


def status_label(app: Flask, status: OrgStatus, locale: str = CHINESE) -> str:
    return label(app, STATUS_LABELS[status], locale)


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/")
    page.locator('nav a[href^="/account/login"]').click()
    form = page.get_by_test_id("login-form")
    form.locator("#email").fill(email)
    form.locator("#password").fill(password)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(re.escape(base) + r"/$"))
    expect(page.get_by_test_id("user-menu")).to_be_visible()


def open_user_menu(page: Page) -> None:
    """The signed-in person's menu (a <details> disclosure in the header)."""
    menu = page.get_by_test_id("user-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()


def fill_local_org(page: Page, name: str, code: str, division: str = "150207") -> None:
    """The organisation form for an enterprise registered in Inner Mongolia."""
    form = page.get_by_test_id("org-form")
    form.locator("#name").fill(name)
    form.locator("#org_type").select_option("enterprise")
    form.locator('input[name="region_kind"][value="local"]').check()
    form.locator("#credit_code").fill(code)
    form.locator("#division_code").select_option(division)
