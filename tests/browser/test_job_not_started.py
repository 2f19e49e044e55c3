"""Pages of a background job that no worker takes up: "Queued", then the notice that the worker may not be
running; the import page's script brings the notice and, once a worker starts, the progress bar by itself."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, expect

from techmarket.core import jobs, progress
from techmarket.core.clock import utcnow
from techmarket.core.progress import NOT_STARTED_SECONDS, JobRun
from techmarket.extensions import db
from techmarket.reporting.models import YearlyReport
from tests.browser.conftest import SCREENSHOTS, ConsoleWatch
from tests.browser.helpers import sign_in, upload_import

NOTICE_ZH = "任务排队中，尚未开始：后台任务进程可能未运行，请联系运营方。"


def _age(app: Flask, run_id: int) -> None:
    with app.app_context():
        run = db.session.get(JobRun, run_id)
        assert run is not None and run.status == "queued"
        run.created_at = utcnow() - dt.timedelta(seconds=NOT_STARTED_SECONDS + 5)
        db.session.commit()
        db.session.remove()


def test_the_import_page_shows_the_notice_then_the_progress_without_a_reload_by_hand(
        page: Page, live_app: Flask, live_server: str, operator: tuple[str, str], console: ConsoleWatch,
        tmp_path: Path) -> None:
    live_app.extensions["techmarket.jobs"] = jobs.LocalQueue(live_app)  # and no worker
    run_id = upload_import(page, live_app, live_server, operator, tmp_path,
                           [f"无人处理的导入 {i}" for i in range(4)])
    expect(page.get_by_test_id("run-status")).to_have_text("排队中")
    expect(page.locator("#import-progress")).to_have_count(0)
    expect(page.get_by_test_id("job-not-started")).to_have_count(0)

    _age(live_app, run_id)
    expect(page.get_by_test_id("job-not-started")).to_contain_text(NOTICE_ZH, timeout=10_000)
    expect(page.get_by_test_id("job-not-started")).to_contain_text("techmarket jobs worker")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "import-not-started.png"), full_page=True)

    with live_app.app_context():  # a worker takes it up
        run = db.session.get(JobRun, run_id)
        assert run is not None
        progress.update(db.session, run, status="running", total=4, done=1)
        db.session.commit()
        db.session.remove()
    expect(page.locator("#import-progress")).to_have_attribute("value", "25", timeout=10_000)
    expect(page.get_by_test_id("job-not-started")).to_have_count(0)


def test_the_report_page_of_a_report_no_worker_took_up(
        page: Page, live_app: Flask, live_server: str, operator: tuple[str, str], console: ConsoleWatch) -> None:
    live_app.extensions["techmarket.jobs"] = jobs.LocalQueue(live_app)  # and no worker
    sign_in(page, live_server, *operator)
    page.goto(f"{live_server}/admin/reporting/reports")
    page.locator("#prefecture").select_option("150200")
    page.locator("#year").fill("2024")
    page.locator('form:has(#prefecture) button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/admin/reporting/reports/\d+$"))
    expect(page.get_by_test_id("report-state")).to_contain_text("排队中")
    with live_app.app_context():
        run_id = db.session.scalars(db.select(YearlyReport.job_run_id)).one()
        db.session.remove()
    assert run_id is not None
    _age(live_app, run_id)
    expect(page.get_by_test_id("job-not-started")).to_contain_text(NOTICE_ZH, timeout=10_000)  # its refresh
    expect(page.get_by_role("progressbar")).to_have_count(0)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report-not-started.png"), full_page=True)
