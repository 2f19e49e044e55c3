"""The registrars' queue: who sees the console, deadline order, working days left across the National Day
holiday, overdue and provisional deadlines."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from flask.testing import FlaskClient

from techmarket.accounts.services import actor_for
from techmarket.contracts import registrar_queries as console_queries
from techmarket.contracts import registration
from techmarket.contracts.models import Contract
from techmarket.contracts.views import console as views_console
from techmarket.core.actor import Actor
from techmarket.core.errors import PermissionDenied
from techmarket.core.roles import Role
from techmarket.extensions import db
from tests.contracts.builders import contract_data, deal, registered, submitted
from tests.factories import Factories

CONSOLE = ("/admin/contracts/", "/admin/contracts/search", "/admin/contracts/stats",
           "/admin/contracts/search/export.csv")
SEP_29 = dt.date(2026, 9, 29)  # two days before the National Day holiday (1-7 October 2026)


def _submit_on(monkeypatch: pytest.MonkeyPatch, make: Factories, day: dt.date, **overrides: object) -> Contract:
    """A contract submitted on ``day`` through the real service (the service's clock says ``day``)."""
    d = deal(make)
    overrides.setdefault("signed_on", dt.date(2026, 9, 1))
    with monkeypatch.context() as m:
        m.setattr(registration, "local_today", lambda: day)
        return submitted(d, contract_data(d, **overrides))


def _rows(html: str) -> list[tuple[int, str]]:
    """(contract id, working days left) of each queue row, in page order."""
    rows = re.findall(r'data-testid="queue-row" data-contract-id="(\d+)".*?data-testid="days-left" data-days="(-?\d*)"',
                      html, flags=re.S)
    return [(int(cid), days) for cid, days in rows]


def _today(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    monkeypatch.setattr(views_console, "local_today", lambda: day)


@pytest.mark.parametrize("url", CONSOLE)
def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient, url: str) -> None:
    resp = client.get(url)
    assert resp.status_code == 302 and "/account/login" in resp.headers["Location"]


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.ENTERPRISE, Role.EXPERT, Role.BROKER])
def test_other_users_are_refused(make: Factories, signin, role: Role) -> None:
    c = signin(make.user(role))
    for url in CONSOLE:
        assert c.get(url).status_code == 403, url


def test_a_party_of_contracts_is_refused_too(make: Factories, signin) -> None:
    d = deal(make)
    submitted(d)
    c = signin(d.seller)
    assert c.get("/admin/contracts/").status_code == 403
    assert c.get("/admin/contracts/search?party=稀土").status_code == 403


@pytest.mark.parametrize("role", [Role.REGISTRAR, Role.OPERATOR, Role.ADMIN])
def test_registrars_and_the_operator_see_the_console(make: Factories, signin, role: Role) -> None:
    c = signin(make.user(role))
    for url in CONSOLE:
        assert c.get(url).status_code == 200, url


def test_require_staff_is_the_rule() -> None:
    console_queries.require_staff(Actor(1, "r", frozenset({Role.REGISTRAR})))
    console_queries.require_staff(Actor(1, "o", frozenset({Role.OPERATOR})))
    with pytest.raises(PermissionDenied):
        console_queries.require_staff(Actor(1, "e", frozenset({Role.EXPERT})))


def test_queue_counts_working_days_across_the_national_day_holiday(
        monkeypatch: pytest.MonkeyPatch, make: Factories, signin) -> None:
    late = _submit_on(monkeypatch, make, SEP_29)  # 15 working days: due 26 October, not 20 October
    early = _submit_on(monkeypatch, make, dt.date(2026, 9, 21))  # due 19 October
    large = _submit_on(monkeypatch, make, SEP_29, total_amount=Decimal("6200000.00"))  # expert review: 30 days
    assert (late.review_due_on, early.review_due_on, large.review_due_on) == (
        dt.date(2026, 10, 26), dt.date(2026, 10, 19), dt.date(2026, 11, 16))
    assert large.expert_review and not late.expert_review
    done = registered(make, deal(make))  # decided: not in the queue
    c = signin(make.user(Role.REGISTRAR))

    _today(monkeypatch, dt.date(2026, 10, 9))  # Friday after the holiday; Saturday 10 October is a working day
    html = c.get("/admin/contracts/").get_data(as_text=True)
    assert _rows(html) == [(early.id, "7"), (late.id, "12"), (large.id, "27")]
    assert f'data-contract-id="{done.id}"' not in html
    assert 'data-overdue="1"' not in html
    assert html.count('data-testid="expert-review"') == 1

    _today(monkeypatch, dt.date(2026, 10, 28))
    html = c.get("/admin/contracts/").get_data(as_text=True)
    assert _rows(html) == [(early.id, "-7"), (late.id, "-2"), (large.id, "13")]
    assert html.count('data-overdue="1"') == 2

    _today(monkeypatch, dt.date(2026, 10, 26))
    html = c.get("/admin/contracts/").get_data(as_text=True)
    assert dict(_rows(html))[late.id] == "0"


def test_queue_rows_computed_by_the_query_module(monkeypatch: pytest.MonkeyPatch, make: Factories) -> None:
    late = _submit_on(monkeypatch, make, SEP_29)
    rows = console_queries.queue_rows(db.session.scalars(console_queries.queue()).all(), dt.date(2026, 9, 30))
    assert [(r.contract.id, r.days_left, r.overdue, r.provisional) for r in rows] == [(late.id, 14, False, False)]


def test_a_deadline_in_a_year_without_official_calendar_is_marked_provisional(
        monkeypatch: pytest.MonkeyPatch, make: Factories, signin) -> None:
    contract = _submit_on(monkeypatch, make, dt.date(2026, 12, 22))  # 15 working days run into 2027
    assert contract.review_due_provisional and contract.review_due_on.year == 2027
    _today(monkeypatch, dt.date(2026, 12, 23))
    html = signin(make.user(Role.REGISTRAR)).get("/admin/contracts/").get_data(as_text=True)
    assert 'data-testid="provisional"' in html


def test_status_filter_and_second_registrar(monkeypatch: pytest.MonkeyPatch, make: Factories, signin) -> None:
    small = _submit_on(monkeypatch, make, SEP_29)
    large = _submit_on(monkeypatch, make, SEP_29, total_amount=Decimal("9000000.00"))
    registrar = make.user(Role.REGISTRAR)
    registration.approve(db.session, actor_for(registrar), large, expert_opinion="专家组同意")
    db.session.commit()
    assert large.status == "second_review"
    c = signin(registrar)
    _today(monkeypatch, dt.date(2026, 10, 9))
    both = _rows(c.get("/admin/contracts/").get_data(as_text=True))
    assert [cid for cid, _days in both] == [small.id, large.id]
    second = _rows(c.get("/admin/contracts/?status=second_review").get_data(as_text=True))
    assert [cid for cid, _days in second] == [large.id]
    first = _rows(c.get("/admin/contracts/?status=submitted").get_data(as_text=True))
    assert [cid for cid, _days in first] == [small.id]
    # an unknown status shows the whole queue rather than failing
    assert len(_rows(c.get("/admin/contracts/?status=registered").get_data(as_text=True))) == 2
    assert c.get("/admin/contracts/?status=bogus&page=x&per_page=-3").status_code == 200
    assert c.get("/admin/contracts/?status=%00").status_code == 400  # the input boundary refuses NUL


def test_queue_pages(monkeypatch: pytest.MonkeyPatch, make: Factories, signin) -> None:
    ids = [_submit_on(monkeypatch, make, SEP_29 - dt.timedelta(days=n)).id for n in range(3)]
    c = signin(make.user(Role.OPERATOR))
    first = c.get("/admin/contracts/?per_page=2").get_data(as_text=True)
    second = c.get("/admin/contracts/?per_page=2&page=2").get_data(as_text=True)
    assert [cid for cid, _d in _rows(first)] == ids[::-1][:2]
    assert [cid for cid, _d in _rows(second)] == ids[::-1][2:]
    assert "page=2" in first
