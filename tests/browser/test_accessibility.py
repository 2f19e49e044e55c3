"""axe-core (WCAG 2.1 A and AA) over the main pages of every role: no serious or critical violation.

axe-core comes from npm at test time (see ``tests/browser/axe.py``); it is never committed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page

from techmarket.core.roles import Role
from techmarket.listings.constants import Kind
from tests.browser.axe import describe, install_axe, violations
from tests.browser.conftest import PASSWORD, REQUIRE, ConsoleWatch
from tests.browser.helpers import sign_in
from tests.contracts.builders import deal, registered, submitted
from tests.factories import Factories
from tests.listings.pages_support import make_listing

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def axe_source() -> str:
    return install_axe(REQUIRE)


@dataclass
class Market:
    member_email: str
    registrar_email: str
    achievement_id: int
    demand_id: int
    contract_id: int
    queued_id: int


def _market(app: Flask) -> Market:
    with app.app_context():
        make = Factories(app)
        d = deal(make)
        achievement = make_listing(d.seller_org, Kind.ACHIEVEMENT, title="高性能钕铁硼永磁材料制备技术")
        make_listing(d.seller_org, Kind.ACHIEVEMENT, title="稀土抛光粉再生技术", status="draft")
        demand = make_listing(d.buyer_org, Kind.DEMAND, title="稀土永磁电机高温退磁问题攻关")
        make_listing(d.buyer_org, Kind.DEMAND, title="仅限认证单位查看的稀土需求", confidentiality="verified_only")
        registrar = make.user(Role.REGISTRAR, email="registrar@example.cn", name="登记员")
        contract = registered(make, d, registrars=(registrar, make.user(Role.REGISTRAR)))
        queued = submitted(d)
        return Market(d.seller.email, registrar.email, achievement.id, demand.id, contract.id, queued.id)


def _check(page: Page, base: str, paths: list[str], axe_source: str) -> None:
    problems = []
    for path in paths:
        resp = page.goto(f"{base}{path}")
        assert resp is not None and resp.status == 200, f"{path}: {resp.status if resp else 'no response'}"
        page.wait_for_load_state("load")
        found = violations(page, axe_source)
        if found:
            problems.append(f"{path}\n{describe(found)}")
    assert not problems, "axe-core (WCAG 2.1 A/AA) serious or critical violations:\n" + "\n".join(problems)


def test_anonymous_pages(page: Page, live_server: str, live_app: Flask, console: ConsoleWatch,
                         axe_source: str) -> None:
    m = _market(live_app)
    _check(page, live_server, ["/", "/listings/achievements", "/listings/demands", "/search?q=稀土",
                               f"/listings/{m.achievement_id}", f"/listings/{m.demand_id}", "/account/login",
                               "/account/register"], axe_source)
    page.goto(f"{live_server}/lang/en")
    _check(page, live_server, ["/", "/search?q=稀土"], axe_source)


def test_member_pages(page: Page, live_server: str, live_app: Flask, console: ConsoleWatch,
                      axe_source: str) -> None:
    m = _market(live_app)
    sign_in(page, live_server, m.member_email, PASSWORD)
    _check(page, live_server, ["/", "/listings/mine", "/listings/new/achievement", "/listings/new/demand",
                               f"/listings/{m.achievement_id}/edit", "/contracts/", f"/contracts/{m.contract_id}",
                               "/contracts/new", "/notifications/", "/orgs/", "/statements/"], axe_source)


def test_operator_console_pages(page: Page, live_server: str, live_app: Flask, operator: tuple[str, str],
                                console: ConsoleWatch, axe_source: str) -> None:
    m = _market(live_app)
    sign_in(page, live_server, *operator)
    _check(page, live_server, ["/admin/organisations", "/admin/listings/", "/admin/users", "/admin/audit",
                               "/admin/outbox", "/admin/imports/", "/admin/contracts/payments",
                               "/admin/contracts/search", "/admin/contracts/stats", "/statements/all",
                               f"/contracts/{m.contract_id}"], axe_source)


def test_registrar_pages(browser: Browser, page: Page, live_server: str, live_app: Flask, console: ConsoleWatch,
                         axe_source: str) -> None:
    m = _market(live_app)
    sign_in(page, live_server, m.registrar_email, PASSWORD)
    _check(page, live_server, ["/admin/contracts/", f"/contracts/{m.queued_id}", "/admin/contracts/search",
                               "/admin/contracts/stats"], axe_source)
