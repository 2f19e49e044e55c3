"""The staff bar under the header: every console link can be seen and reached at common laptop widths
(1366 px and 1024 px), in Chinese and in English, with no page-wide horizontal scroll. Screenshots of the
bar go to <project>/screenshots/ for a person to look at."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser

from techmarket.core.roles import Role
from tests.browser.conftest import PASSWORD, SCREENSHOTS
from tests.browser.helpers import sign_in
from tests.factories import Factories

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1366, 1024])
@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_every_staff_link_is_visible(browser: Browser, live_server: str, live_app: Flask, width: int,
                                     language: str) -> None:
    with live_app.app_context():
        staff = Factories(live_app).user(Role.OPERATOR, Role.REGISTRAR, Role.ADMIN, email="staff@example.cn",
                                         language="en" if language == "en" else "zh_Hans_CN")
        email = staff.email
    context = browser.new_context(locale=language, viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, live_server, email, PASSWORD)
        page.goto(f"{live_server}/admin/contracts/")
        bar = page.get_by_test_id("staff-nav")
        links = bar.locator("a")
        assert links.count() >= 12
        SCREENSHOTS.mkdir(exist_ok=True)
        bar.screenshot(path=SCREENSHOTS / f"staff-bar-{width}-{language}.png")
        viewport = page.viewport_size
        assert viewport is not None
        for i in range(links.count()):
            link = links.nth(i)
            box = link.bounding_box()
            assert box is not None, link.inner_text()
            assert link.is_visible(), link.inner_text()
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (link.inner_text(), box)
            # Not clipped by a scrolling or hidden-overflow container: the centre of the link is the link.
            hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('a')?.textContent",
                                [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
            assert hit is not None and hit.strip() == link.inner_text().strip(), (link.inner_text(), hit)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
