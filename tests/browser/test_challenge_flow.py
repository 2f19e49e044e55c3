"""A university applies to a published call (揭榜) from the call's page: it accepts the NDA, fills the form
built from the call's rubric and its milestones, and submits -- in Chromium, in Chinese."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD
from tests.browser.helpers import sign_in
from tests.challenges.builders import scene
from tests.factories import Factories

pytestmark = pytest.mark.browser


def test_apply_to_a_call(page: Page, live_app: Flask, live_server: str) -> None:
    with live_app.app_context():
        sc = scene(Factories(live_app))
        call_id, applicant = sc.call.id, sc.applicant.email

    sign_in(page, live_server, applicant, PASSWORD)
    page.goto(f"{live_server}/challenges/")
    page.get_by_test_id("calls").get_by_text("高性能稀土永磁材料制备技术攻关").click()
    page.get_by_test_id("accept-nda").click()
    expect(page.get_by_test_id("confidential")).to_contain_text("配方数据")
    page.get_by_test_id("tab-targets").click()
    expect(page.get_by_test_id("targets")).to_contain_text("矫顽力")
    page.get_by_test_id("tab-overview").click()
    page.get_by_test_id("apply-form").locator('button[type="submit"]').click()

    form = page.get_by_test_id("application-form")
    form.locator("#section_c1").fill("晶界扩散重稀土减量")
    form.locator("#section_c2").fill("教授团队12人")
    form.locator("#budget").fill("300万")
    form.locator("#milestones").fill("小试样品 | 2027-06-30 | 矫顽力≥18kOe | 40\n"
                                     "中试验收 | 2027-12-31 | 矫顽力≥20kOe | 60")
    form.locator('button[type="submit"]').click()
    page.get_by_test_id("submit-application").click()
    expect(page.get_by_test_id("app-status")).to_have_text("已提交待审核")
    back = page.get_by_role("link", name="高性能稀土永磁材料制备技术攻关").get_attribute("href")
    assert back is not None and back.endswith(f"/challenges/{call_id}")
