"""The operator's disbursements of post-subsidies from saved statements: 30 working days of clause (二十二)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from techmarket.accounts.services import actor_for
from techmarket.contracts import registration
from techmarket.contracts.models import Contract
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.incentives import disbursements, statement
from techmarket.incentives.models import Disbursement, Statement
from techmarket.policy.calendar import add_working_days
from tests.accounts.support import reread
from tests.contracts.builders import deal, registered
from tests.contracts.test_statement import TODAY, YEAR, pay
from tests.factories import Factories

NOTICE = dt.date(2026, 9, 25)  # the Mid-Autumn and National Day holidays follow


def buyer_statement(make: Factories) -> Statement:
    """A buyer who paid 800,000 of a registered contract saves its statement (a post-subsidy of 80,000)."""
    d = deal(make)
    contract = registered(make, d)
    pay(make, contract, d.buyer, "800000")
    saved = statement.save(db.session, actor_for(d.buyer), d.buyer_org, YEAR, {})
    db.session.commit()
    assert statement.subsidy_total(saved) == Decimal("80000.00")
    return saved


def test_the_deadline_counts_30_working_days_across_the_national_day_holiday(make, login):
    saved = buyer_statement(make)
    client = login(make.operator())
    page = client.get(f"/statements/{saved.id}")
    assert 'data-testid="disbursement-form"' in page.text
    resp = client.post("/statements/disbursements", data={"statement_id": saved.id, "notice_on": NOTICE.isoformat()})
    assert resp.status_code == 302
    reread()
    row = db.session.query(Disbursement).one()
    due, provisional = add_working_days(NOTICE, 30)
    assert (row.due_on, row.due_provisional) == (due, provisional)
    assert due > NOTICE + dt.timedelta(days=42)  # eight holiday days on top of the weekends
    assert (row.amount, row.notice_on, row.result["rule_sets"][0]["name"]) == (
        Decimal("80000.00"), NOTICE, "disbursement-deadline")
    page = client.get("/statements/disbursements")
    assert page.status_code == 200 and due.isoformat() in page.text and "8.00 万元" in page.text


def test_a_second_submission_is_a_clear_conflict(make, login, monkeypatch):
    saved = buyer_statement(make)
    operator = make.operator()
    client = login(operator)
    first = client.post("/statements/disbursements", data={"statement_id": saved.id, "notice_on": NOTICE.isoformat()})
    assert first.status_code == 302
    again = client.post("/statements/disbursements", data={"statement_id": saved.id, "notice_on": NOTICE.isoformat()})
    assert again.status_code == 409 and f"#{saved.id}" in again.text
    # Two requests that both passed the check: the unique constraint decides, the loser is told.
    reread()
    monkeypatch.setattr(disbursements, "_earlier", lambda session, saved: None)
    with pytest.raises(Conflict, match="其他人刚刚为该报表登记了拨付"):
        disbursements.record_disbursement(db.session, actor_for(operator), db.session.get(Statement, saved.id), NOTICE)
    db.session.rollback()
    assert db.session.query(Disbursement).count() == 1


def test_overdue_first_days_left_and_marking_paid(make, login):
    old, new = buyer_statement(make), buyer_statement(make)
    operator = make.operator()
    late = disbursements.record_disbursement(db.session, actor_for(operator), old, NOTICE)
    fresh = disbursements.record_disbursement(db.session, actor_for(operator), new, TODAY)
    db.session.commit()
    assert fresh.due_provisional == add_working_days(TODAY, 30)[1]
    client = login(operator)
    html = client.get("/statements/disbursements").text
    order = [int(n) for n in re.findall(r'data-testid="disbursement-(\d+)"', html)]
    assert order == [late.id, fresh.id]
    assert late.due_on < TODAY
    assert "table-danger" in html.split(f'data-testid="disbursement-{late.id}"')[0][-200:]
    assert disbursements.days_left(fresh, TODAY) == 30  # counted from today's notice

    url = f"/statements/disbursements/{late.id}/paid"
    resp = client.post(url, data={"paid_on": TODAY.isoformat(), "version": str(late.version)})
    assert resp.status_code == 302
    again = client.post(url, data={"paid_on": TODAY.isoformat(), "version": str(late.version)})
    assert again.status_code == 409
    reread()
    assert db.session.get(Disbursement, late.id).paid_on == TODAY
    order = [int(n) for n in re.findall(r'data-testid="disbursement-(\d+)"',
                                        client.get("/statements/disbursements").text)]
    assert order == [fresh.id, late.id]  # paid ones go last


def test_only_the_operator_and_only_from_an_unflagged_statement_with_a_subsidy(make, login):
    saved = buyer_statement(make)
    registrar = make.user(Role.REGISTRAR)
    with pytest.raises(PermissionDenied):
        disbursements.record_disbursement(db.session, actor_for(registrar), saved, NOTICE)
    client = login(registrar)
    resp = client.post("/statements/disbursements", data={"statement_id": saved.id, "notice_on": NOTICE.isoformat()})
    assert resp.status_code == 403
    operator = actor_for(make.operator())
    with pytest.raises(ValidationFailed):
        disbursements.record_disbursement(db.session, operator, saved, TODAY + dt.timedelta(days=1))

    d = deal(make)
    registered(make, d)
    unpaid = statement.save(db.session, actor_for(d.buyer), d.buyer_org, YEAR, {})  # the buyer has not paid
    db.session.commit()
    assert statement.subsidy_total(unpaid) == 0
    with pytest.raises(ValidationFailed):
        disbursements.record_disbursement(db.session, operator, unpaid, NOTICE)

    contract_id = saved.contract_ids[0]
    registration.rescind(db.session, actor_for(registrar), db.session.get(Contract, contract_id), reason="解除")
    db.session.commit()
    db.session.expire_all()
    with pytest.raises(Conflict, match="发生了变化"):
        disbursements.record_disbursement(db.session, operator, db.session.get(Statement, saved.id), NOTICE)
