"""A demand owner sees a suggestion, marks it useful, saves a search as a daily digest; the digest arrives --
in Chromium, in Chinese."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from techmarket.listings.constants import Kind
from techmarket.matching import alert_tasks
from tests.browser.conftest import PASSWORD, SCREENSHOTS
from tests.browser.helpers import sign_in
from tests.factories import Factories
from tests.listings.builders import make_listing

pytestmark = pytest.mark.browser


def test_owner_judges_a_suggestion_and_gets_a_daily_digest(page: Page, live_app: Flask, live_server: str) -> None:
    with live_app.app_context():
        make = Factories(live_app)
        buyer, seller = make.org(status="verified"), make.org(status="verified")
        demand = make_listing(buyer, Kind.DEMAND, title="寻求稀土永磁电机冷却方案", summary="稀土永磁电机散热。",
                              keywords=["稀土", "电机"], fields=["rare_earth"])
        found = make_listing(seller, Kind.ACHIEVEMENT, title="稀土永磁电机高效冷却技术", keywords=["稀土", "电机"],
                             summary="稀土永磁电机的高效冷却结构。", fields=["rare_earth"])
        demand_id, found_id, owner = demand.id, found.id, buyer.memberships[0].user.email

    sign_in(page, live_server, owner, PASSWORD)
    page.goto(f"{live_server}/listings/{demand_id}")
    suggestion = page.locator(f'[data-testid="match"][data-listing="{found_id}"]')
    expect(suggestion).to_contain_text("稀土永磁电机高效冷却技术")
    suggestion.get_by_role("button", name="有用").click()
    expect(page.locator(f'[data-testid="match"][data-listing="{found_id}"]')
           .get_by_role("button", name="有用")).to_have_attribute("aria-pressed", "true")

    page.goto(f"{live_server}/search?q=稀土永磁")
    save = page.get_by_test_id("save-search")
    save.locator("select").select_option("daily")
    save.get_by_role("button", name="保存此搜索").click()
    expect(page.get_by_test_id("save-search").get_by_role("button")).to_have_text("搜索已保存")

    page.goto(f"{live_server}/alerts/")
    rows = page.get_by_test_id("subscription")
    expect(rows).to_have_count(2)  # the saved search, and the demand's matches (subscribed when it was published)
    expect(page.get_by_test_id("subscriptions")).to_contain_text("保存的搜索“稀土永磁”")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "alerts-settings.png", full_page=True)

    with live_app.app_context():
        make_listing(make.org(status="verified"), Kind.ACHIEVEMENT, title="稀土永磁电机转子散热结构",
                     keywords=["稀土", "电机"], summary="稀土永磁电机转子的散热。", fields=["rare_earth"])
        report = alert_tasks.digest("daily")
        assert len(report.digests) >= 1
    page.goto(f"{live_server}/notifications/")
    note = page.get_by_test_id("notifications").get_by_role("link", name="每日摘要", exact=False).first
    expect(note).to_contain_text("2 条新内容")  # both achievements came after the demand was published
    note.click()
    expect(page.get_by_test_id("digest-items")).to_contain_text("稀土永磁电机转子散热结构")
