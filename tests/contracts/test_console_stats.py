"""Registration statistics: count, total and technical amounts by type, 盟市 and month, for a chosen year."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from flask.testing import FlaskClient

from techmarket.accounts.services import actor_for
from techmarket.contracts import registrar_queries as console_queries
from techmarket.contracts import registration
from techmarket.contracts.data import InstalmentData
from techmarket.contracts.views import console as views_console
from techmarket.core.roles import Role
from techmarket.extensions import db
from tests.contracts.builders import Deal, contract_data, deal, registered, submitted
from tests.factories import Factories

TODAY = dt.date(2026, 11, 29)


def _ordos(make: Factories) -> Deal:
    seller, buyer = make.user(Role.RESEARCHER), make.user(Role.ENTERPRISE)
    return Deal(seller, make.org(seller, status="verified", name=f"鄂尔多斯煤化工研究院{seller.id}", division="150602"),
                buyer, make.org(buyer, status="verified", name=f"达拉特旗新材料有限公司{buyer.id}", division="150621"))


def _registered_on(monkeypatch: pytest.MonkeyPatch, make: Factories, day: dt.date, d: Deal | None = None,
                   **overrides: object):
    """Registered through the real services on ``day`` (the registration service's clock says ``day``)."""
    d = d or deal(make)
    with monkeypatch.context() as m:
        m.setattr(registration, "local_today", lambda: day)
        return registered(make, d, contract_data(d, signed_on=dt.date(2025, 11, 1), **overrides))


@pytest.fixture()
def client(make: Factories, signin, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    _registered_on(monkeypatch, make, dt.date(2026, 2, 10))  # 包头 transfer: 1,200,000 / 1,000,000
    d = _ordos(make)
    amount = Decimal("600000.00")
    _registered_on(monkeypatch, make, dt.date(2026, 2, 20), d, type_key="development.commissioned",
                   total_amount=amount, non_tech=[],
                   instalments=[InstalmentData(due_on=dt.date(2026, 1, 1), amount=amount)])
    _registered_on(monkeypatch, make, dt.date(2026, 7, 6), total_amount=Decimal("2000000.00"))  # 2,000,000 / 1,800,000
    _registered_on(monkeypatch, make, dt.date(2025, 12, 30), total_amount=Decimal("900000.00"))  # last year
    gone = _registered_on(monkeypatch, make, dt.date(2026, 5, 6))
    registration.rescind(db.session, actor_for(make.user(Role.REGISTRAR)), gone, reason="双方协议解除")
    db.session.commit()
    submitted(deal(make))  # not registered: not counted
    monkeypatch.setattr(views_console, "local_today", lambda: TODAY)
    return signin(make.user(Role.OPERATOR))


def _table(html: str, testid: str) -> dict[str, tuple[int, str, str]]:
    """key -> (count, total, technical) of the rows of one statistics table."""
    body = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'data-key="([^"]*)" data-count="(\d+)" data-total="([\d.]+)" data-technical="([\d.]+)"', body)
    return {key: (int(count), total, technical) for key, count, total, technical in rows}


def test_statistics_of_this_year_by_type_prefecture_and_month(client: FlaskClient) -> None:
    resp = client.get("/admin/contracts/stats")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert '<option value="2026" selected>' in html and '<option value="2025">' in html
    assert re.search(r'data-testid="overall-count">3<', html)

    by_type = _table(html, "stats-by-type")
    assert list(by_type) == ["development", "transfer", "licence", "consulting", "service"]  # every type, in order
    assert by_type["transfer"] == (2, "3200000.00", "2800000.00")
    assert by_type["development"] == (1, "600000.00", "600000.00")
    assert by_type["service"] == (0, "0", "0")

    by_prefecture = _table(html, "stats-by-prefecture")
    assert len(by_prefecture) == 12  # all 盟市, with their names from the division table
    assert by_prefecture["150200"] == (2, "3200000.00", "2800000.00")
    assert by_prefecture["150600"] == (1, "600000.00", "600000.00")
    assert by_prefecture["152900"] == (0, "0", "0")
    assert "包头市" in html and "鄂尔多斯市" in html and "阿拉善盟" in html

    by_month = _table(html, "stats-by-month")
    assert list(by_month) == [str(m) for m in range(1, 13)]
    assert by_month["2"] == (2, "1800000.00", "1600000.00")
    assert by_month["7"] == (1, "2000000.00", "1800000.00")
    assert by_month["5"] == (0, "0", "0")  # the rescinded contract no longer counts

    # each figure has its bar, drawn without inline style (the CSP forbids it)
    assert html.count('class="stat-bar') == 5 + 12 + 12
    assert 'style="' not in html.split('data-testid="stats-by-type"', 1)[1]
    # and links to the contracts behind it
    assert "/admin/contracts/search?type=transfer&amp;status=registered" in html
    assert "date_from=2026-02-01&amp;date_to=2026-02-28" in html


def test_another_year(client: FlaskClient) -> None:
    html = client.get("/admin/contracts/stats?year=2025").get_data(as_text=True)
    assert re.search(r'data-testid="overall-count">1<', html)
    assert _table(html, "stats-by-month")["12"] == (1, "900000.00", "700000.00")
    assert _table(html, "stats-by-type")["transfer"] == (1, "900000.00", "700000.00")
    empty = client.get("/admin/contracts/stats?year=2020").get_data(as_text=True)
    assert re.search(r'data-testid="overall-count">0<', empty)


def test_a_year_that_cannot_be_shown_is_said_so(client: FlaskClient) -> None:
    for year in ["abc", "1800", "2027", "-1", "2026.5", "9" * 30]:
        resp = client.get(f"/admin/contracts/stats?year={year}")
        html = resp.get_data(as_text=True)
        assert resp.status_code == 400, year
        assert 'data-testid="year-error"' in html and 'aria-describedby="year-error"' in html
        assert f'<option value="{year}" selected>' in html  # kept as given
        assert re.search(r'data-testid="overall-count">3<', html)  # this year's figures meanwhile


def test_statistics_query(client: FlaskClient) -> None:
    s = console_queries.statistics(db.session, 2026)
    assert (s.overall.count, s.overall.total, s.overall.technical) == (3, Decimal("3800000.00"),
                                                                      Decimal("3400000.00"))
    assert sum(f.count for f in s.by_type) == sum(f.count for f in s.by_prefecture) == sum(
        f.count for f in s.by_month) == 3
    assert s.peak(s.by_month) == Decimal("1800000.00")
    assert console_queries.statistics_years(db.session, TODAY) == [2026, 2025]
