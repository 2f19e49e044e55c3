"""A call's whole life in Chromium, one signed-in page per role: an enterprise posts it, the operator publishes
it, a university applies, the operator checks it and builds the panel, an expert scores, the poster proposes
the winner, the 公示 runs its 5 working days (the server's clock moved on through ``CHALLENGES_CLOCK``), the
operator makes the award final (a draft contract appears) and the single, final milestone is delivered and
accepted. The call, review and project pages are photographed in Chinese and in English."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from techmarket.challenges.constants import (
    APP_STATUS_LABELS,
    CALL_STATUS_LABELS,
    MILESTONE_STATUS_LABELS,
    REVIEW_STATUS_LABELS,
    AppStatus,
    CallStatus,
    MilestoneStatus,
    ReviewStatus,
)
from techmarket.core.clock import local_today, utcnow
from techmarket.core.roles import Role
from techmarket.extensions import db
from tests.browser.conftest import PASSWORD, SCREENSHOTS, ConsoleWatch
from tests.browser.helpers import label, sign_in
from tests.factories import Factories

pytestmark = pytest.mark.browser

TITLE = "低品位铁矿高效分选技术攻关"


def _shoot(page: Page, base: str, path: str, name: str) -> None:
    """The page at ``path`` in Chinese and in English (the header's language switch), back to Chinese."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for code, suffix in (("en", "en"), ("zh_Hans_CN", "zh")):
        page.goto(f"{base}/lang/{code}?next={path}")
        page.screenshot(path=str(SCREENSHOTS / f"call-{name}-{suffix}.png"), full_page=True)


def test_call_from_posting_to_accepted_final_milestone(page: Page, browser: Browser, live_app: Flask,
                                                       live_server: str, operator: tuple[str, str],
                                                       console: ConsoleWatch) -> None:
    # The sign-ins happen on the real clock and last 30 days (LOGIN_DAYS), read on the injected one: the whole
    # story fits in 27 days from now -- the 5 working days of 公示 stay inside it even over the Spring Festival.
    t0 = utcnow()
    clock = {"now": t0}
    live_app.config["CHALLENGES_CLOCK"] = lambda: clock["now"]
    with live_app.app_context():
        make = Factories(live_app)
        poster_org = make.org(status="verified", name="包头测试钢铁集团")
        applicant_org = make.org(status="verified", name="内蒙古测试大学")
        expert = make.user(Role.EXPERT, name="王评审")
        poster, applicant, expert_email = (poster_org.memberships[0].user.email,
                                           applicant_org.memberships[0].user.email, expert.email)
        expert_id = expert.id
        db.session.commit()

    def signed_in(email: str, password: str = PASSWORD) -> Page:
        other = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
        other.set_default_timeout(10_000)
        console.watch(other)
        sign_in(other, live_server, email, password)
        return other

    # The enterprise posts the call and sends it to the operator.
    sign_in(page, live_server, poster, PASSWORD)
    page.goto(f"{live_server}/challenges/new")
    form = page.get_by_test_id("call-form")
    form.locator("#title").fill(TITLE)
    form.locator("#public_summary").fill("征集低品位铁矿高效分选技术")
    form.locator("#problem").fill("低品位铁矿回收率不足60%。")
    form.locator("#targets").fill("铁回收率 | ≥80 | % | 第三方检测")
    form.locator("#field").select_option(index=1)
    form.locator("#bounty").fill("2000000")
    form.locator("#fund_source").select_option("enterprise")
    form.locator("#deadline_on").fill((local_today() + dt.timedelta(days=3)).isoformat())
    form.locator("#rubric").fill("技术路线 | 60 | 10\n团队 | 40 | 10")
    form.locator('button[type="submit"]').click()
    page.get_by_test_id("submit-call").click()
    expect(page.get_by_test_id("call-status")).to_have_text(label(live_app, CALL_STATUS_LABELS[CallStatus.PENDING]))
    call_path = page.url.removeprefix(live_server).split("?")[0]

    desk = signed_in(*operator)
    desk.goto(live_server + call_path)
    desk.get_by_test_id("approve-call").click()
    expect(desk.get_by_test_id("call-status")).to_have_text(label(live_app, CALL_STATUS_LABELS[CallStatus.OPEN]))

    # The university applies alone, with one milestone that is also the final one.
    uni = signed_in(applicant)
    uni.goto(live_server + call_path)
    uni.get_by_test_id("apply-form").locator('button[type="submit"]').click()
    form = uni.get_by_test_id("application-form")
    form.locator("#section_c1").fill("强磁-浮选联合流程")
    form.locator("#section_c2").fill("选矿团队15人")
    form.locator("#budget").fill("200万")
    form.locator("#milestones").fill(f"工业试验报告 | {local_today() + dt.timedelta(days=300)} | 铁回收率≥80% | 100")
    form.locator('button[type="submit"]').click()
    uni.get_by_test_id("submit-application").click()
    expect(uni.get_by_test_id("app-status")).to_have_text(label(live_app, APP_STATUS_LABELS[AppStatus.SUBMITTED]))
    application_url = uni.url

    # After the deadline: the formal check and the panel.
    clock["now"] = t0 + dt.timedelta(days=5)
    desk.goto(application_url)
    desk.get_by_role("button", name="合格：通过形式审查").click()
    expect(desk.get_by_test_id("applications")).to_contain_text(
        label(live_app, APP_STATUS_LABELS[AppStatus.ELIGIBLE]))
    panel = desk.get_by_test_id("panel-form")
    panel.locator(f"#expert-{expert_id}").check()
    panel.locator('button[type="submit"]').click()
    expect(desk.get_by_test_id("reviews")).to_contain_text("王评审")

    judge = signed_in(expert_email)
    judge.goto(f"{live_server}/challenges/mine")
    judge.get_by_test_id("my-reviews").get_by_role("link").first.click()
    scores = judge.get_by_test_id("score-form")
    for key, score in (("c1", "8"), ("c2", "7")):
        scores.locator(f"#score_{key}").fill(score)
        scores.locator(f"#comment_{key}").fill("路线可行，数据扎实")
    judge.get_by_test_id("submit-scores").click()
    expect(judge.get_by_test_id("review-status")).to_have_text(
        label(live_app, REVIEW_STATUS_LABELS[ReviewStatus.SUBMITTED]))
    _shoot(judge, live_server, judge.url.removeprefix(live_server), "review")

    # The poster proposes the winner: the 公示 starts.
    page.goto(f"{live_server}{call_path}?tab=results")
    decide = page.get_by_test_id("decide-form")
    decide.get_by_role("checkbox", name="内蒙古测试大学").check()
    decide.locator("#decide-reason").fill("综合评分第一")
    page.get_by_test_id("propose").click()
    expect(page.get_by_test_id("publicity")).to_contain_text("内蒙古测试大学")

    # Five working days later the operator makes the award final; the draft contract exists.
    clock["now"] = t0 + dt.timedelta(days=27)
    desk.goto(f"{live_server}{call_path}?tab=results")
    desk.get_by_test_id("finalise").click()
    awarded = desk.get_by_test_id("awarded")
    expect(awarded.get_by_role("link", name="合同草稿")).to_be_visible()
    expect(desk.get_by_test_id("call-status")).to_have_text(label(live_app, CALL_STATUS_LABELS[CallStatus.AWARDED]))

    # The winner delivers the final milestone, the poster accepts it.
    uni.goto(f"{live_server}{call_path}?tab=results")
    uni.get_by_test_id("project-link").click()
    project_url = uni.url
    final = uni.get_by_test_id("milestone-1")
    final.locator("textarea[name=note]").fill("工业试验报告及检测报告")
    final.get_by_test_id("deliver").click()
    expect(uni.get_by_test_id("milestone-1").get_by_test_id("milestone-status")).to_have_text(
        label(live_app, MILESTONE_STATUS_LABELS[MilestoneStatus.DELIVERED]))
    # The poster funds the bounty by bank transfer, the operator confirms it: only then can a milestone be accepted.
    page.goto(project_url)
    expect(page.get_by_test_id("milestone-1").get_by_test_id("accept-milestone")).to_have_count(0)
    page.locator("#amount").fill("2000000")
    page.locator("#reference").fill("ICBC-BOUNTY-1")
    page.get_by_role("button", name="登记拨款转账").click()
    desk.goto(project_url)
    desk.get_by_role("button", name="确认", exact=True).click()
    expect(desk.get_by_test_id("funded")).to_contain_text("200.00 万元")
    page.goto(project_url)
    page.get_by_test_id("milestone-1").get_by_test_id("accept-milestone").click()
    expect(page.get_by_test_id("milestone-1").get_by_test_id("milestone-status")).to_have_text(
        label(live_app, MILESTONE_STATUS_LABELS[MilestoneStatus.ACCEPTED]))

    _shoot(page, live_server, f"{call_path}?tab=results", "page")
    _shoot(page, live_server, project_url.removeprefix(live_server), "project")
    assert not live_app.extensions["browser_test_errors"]
