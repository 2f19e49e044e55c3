"""The market's main flow in a real browser: a researcher posts an achievement, the operator approves it,
it appears in the public list, an enterprise asks about it and the owner replies."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from techmarket.accounts import services as accounts
from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.roles import Role
from techmarket.demo.loader import demo_code
from techmarket.extensions import db
from techmarket.orgs import services as orgs
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "Browser-pass-2026"
OPERATOR = Actor(user_id=None, label="browser test operator", roles=frozenset({Role.OPERATOR}))


def _member(app: Flask, email: str, org_name: str, division: str) -> None:
    """A confirmed user owning a verified organisation, made through the services."""
    with app.app_context():
        user = accounts.register(db.session, email=email, password=PASSWORD, name=email.split("@")[0],
                                 language="zh_Hans_CN", role=Role.RESEARCHER)
        user.email_confirmed_at = utcnow()
        data = orgs.OrgData(name=org_name, org_type="enterprise", region_kind="local",
                            credit_code=demo_code("91", division, org_name), division_code=division)
        org = orgs.create(db.session, accounts.actor_for(user), data)
        orgs.decide(db.session, OPERATOR, org, verify=True, reason="", expected_version=org.version)
        db.session.commit()


def test_post_approve_find_ask_reply(page: Page, browser: Browser, live_app: Flask, live_server: str,
                                     operator: tuple[str, str]) -> None:
    _member(live_app, "owner@research.cn", "包头稀土新材料研究所", "150207")
    _member(live_app, "buyer@enterprise.cn", "鄂尔多斯磁材制造有限公司", "150602")
    title = "高矫顽力钕铁硼永磁体晶界扩散技术"

    # The researcher posts an achievement and submits it for review.
    sign_in(page, live_server, "owner@research.cn", PASSWORD)
    page.goto(f"{live_server}/listings/new/achievement")
    form = page.get_by_test_id("listing-form")
    form.locator("#title").fill(title)
    form.locator("#summary").fill("晶界扩散重稀土，矫顽力提高 30% 以上，重稀土用量减少一半。")
    form.locator("#description").fill("## 技术内容\n\n适用于新能源汽车驱动电机用高性能磁体。")
    form.locator('input[name="fields"][value="rare_earth"]').check()
    form.locator('input[name="modes"][value="licence_ordinary"]').check()
    form.locator("#maturity").select_option("pilot")
    form.locator('button[type="submit"]').first.click()
    expect(page.get_by_test_id("listing-title")).to_have_text(title)
    page.get_by_test_id("action-submit").click()
    expect(page.get_by_test_id("status-banner")).to_be_visible()

    # The operator approves it from the review queue.
    op = browser.new_page(locale="zh-CN")
    sign_in(op, live_server, *operator)
    op.goto(f"{live_server}/admin/listings/")
    op.get_by_role("link", name=title).first.click()
    decision = op.get_by_test_id("decision-form")
    decision.locator('input[name="decision"][value="approve"]').check()
    decision.locator('button[type="submit"]').click()
    expect(op.locator(".alert-success").first).to_be_visible()
    op.close()

    # Anyone finds it in the public list of achievements.
    visitor = browser.new_page(locale="zh-CN")
    visitor.goto(f"{live_server}/listings/achievements")
    expect(visitor.get_by_role("link", name=title)).to_be_visible()
    visitor.close()

    # An enterprise asks about it.
    buyer = browser.new_page(locale="zh-CN")
    sign_in(buyer, live_server, "buyer@enterprise.cn", PASSWORD)
    buyer.goto(f"{live_server}/listings/achievements")
    buyer.get_by_role("link", name=title).click()
    ask = buyer.get_by_test_id("ask-form")
    ask.locator("textarea").fill("请问普通许可的费用和技术服务安排？")
    ask.locator('button[type="submit"]').click()
    expect(buyer.get_by_test_id("messages")).to_contain_text("普通许可的费用")

    # The owner sees the inquiry and replies; the enterprise sees the answer.
    page.goto(f"{live_server}/listings/inquiries")
    page.get_by_role("link", name=title).first.click()
    expect(page.get_by_test_id("messages")).to_contain_text("普通许可的费用")
    reply = page.get_by_test_id("reply-form")
    reply.locator("textarea").fill("普通许可费 80 万元，含三个月现场技术服务。")
    reply.locator('button[type="submit"]').click()
    expect(page.get_by_test_id("messages")).to_contain_text("80 万元")
    buyer.reload()
    expect(buyer.get_by_test_id("messages")).to_contain_text("80 万元")
    buyer.close()
