"""Screenshots of the home page and the listing form in Chinese and English (saved in <project>/screenshots/)."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from techmarket.core.roles import Role
from techmarket.listings.constants import Kind
from tests.browser.conftest import PASSWORD, ConsoleWatch
from tests.browser.helpers import sign_in
from tests.browser.test_screenshots import shot
from tests.factories import Factories
from tests.listings.pages_support import make_listing

pytestmark = pytest.mark.browser

TITLES = {Kind.ACHIEVEMENT: ("烧结钕铁硼晶界扩散重稀土减量技术", "全钒液流电池大功率电堆技术",
                             "高活性乳酸菌直投式发酵剂制备技术"),
          Kind.DEMAND: ("钕铁硼磁体表面高耐蚀防护涂层", "煤化工高盐废水分盐结晶零排放技术攻关")}


def test_screenshots_of_the_home_page_and_the_listing_form(page: Page, live_server: str, live_app: Flask,
                                                            console: ConsoleWatch) -> None:
    with live_app.app_context():
        make = Factories(live_app)
        owner = make.user(Role.ENTERPRISE, email="owner@example.cn", name="刘晓东")
        org = make.org(owner, status="verified", name="包头稀土永磁科技有限公司", contact_name="白经理",
                       contact_phone="0472-5123456", contact_email="office@example.cn")
        for kind, titles in TITLES.items():
            for title in titles:
                make_listing(org, kind, title=title)
        email = owner.email

    for lang in ("zh", "en"):
        page.goto(f"{live_server}/lang/{'zh_Hans_CN' if lang == 'zh' else 'en'}")
        expect(page.get_by_test_id("newest-achievement").get_by_test_id("newest-item")).to_have_count(3)
        shot(page, f"10-home-{lang}")
    page.goto(f"{live_server}/lang/zh_Hans_CN")
    sign_in(page, live_server, email, PASSWORD)
    for lang in ("zh", "en"):
        page.goto(f"{live_server}/lang/{'zh_Hans_CN' if lang == 'zh' else 'en'}?next=/listings/new/achievement")
        expect(page.get_by_test_id("listing-form")).to_be_visible()
        shot(page, f"11-listing-form-{lang}")
    page.goto(f"{live_server}/lang/zh_Hans_CN?next=/listings/new/demand")
    form = page.get_by_test_id("listing-form")
    form.locator("#title").fill("钕铁硼磁体表面高耐蚀防护涂层")
    form.locator("#summary").fill("湿热环境下磁体易腐蚀失效。")
    form.locator('input[name="fields"]').first.check()
    form.locator('input[name="modes"]').first.check()
    form.locator('button[type="submit"]').last.click()
    expect(page.get_by_test_id("duplicate-warning")).to_be_visible()
    shot(page, "12-listing-duplicate-warning-zh")
