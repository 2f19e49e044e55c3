"""Steps a person takes in the browser, shared by the browser tests."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask_babel import force_locale
from playwright.sync_api import Page, expect

from techmarket.extensions import db
from techmarket.orgs.constants import STATUS_LABELS, OrgStatus
from tests.factories import Factories
from tests.listings.test_import_export import achievement, csv_file, table

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


def upload_import(page: Page, app: Flask, base: str, operator: tuple[str, str], folder: Path,
                  titles: list[str]) -> int:
    """The operator uploads a sheet of achievements (one per title, of a new verified organisation) on the
    import page; the run's page is open and its id returned."""
    with app.app_context():
        code = Factories(app).org(status="verified").credit_code or ""
        db.session.remove()
    path = folder / "listings.csv"
    path.write_bytes(csv_file(table([achievement(code, title=title) for title in titles])))
    sign_in(page, base, *operator)
    page.goto(f"{base}/admin/imports/")
    form = page.get_by_test_id("import-form")
    form.locator('input[type="file"]').set_input_files(str(path))
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/admin/imports/\d+$"))
    return int(page.url.rsplit("/", 1)[-1])
