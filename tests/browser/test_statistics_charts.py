"""The public statistics page in a browser: each chart (ECharts, fetched from npm by ``make install``) is drawn
over its table, with no CSP violation or script error; the table stays for readers without the chart."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ConsoleWatch
from tests.factories import Factories

pytestmark = pytest.mark.browser
ECHARTS = Path(__file__).resolve().parents[2] / "vendor" / "node_modules" / "echarts" / "dist" / "echarts.min.js"


def test_charts_are_drawn_over_their_tables(page: Page, live_server: str, live_app: Flask,
                                            console: ConsoleWatch) -> None:
    with live_app.app_context():
        Factories(live_app).listing()
    page.goto(f"{live_server}/statistics/")
    expect(page.get_by_test_id("headline-listing")).to_have_text("1")
    expect(page.locator("#tbl-listing-field tfoot")).to_contain_text("1")
    charts = page.locator(".report-chart")
    if not ECHARTS.is_file():  # no npm where `make install` ran: tables only, and no request for the script
        expect(charts).to_have_count(0)
        return
    chart = page.locator('.report-chart[data-table="tbl-listing-field"]')
    expect(chart).to_be_visible()
    expect(chart.locator("svg")).to_have_count(1)
    assert not console.csp_violations, console.csp_violations
