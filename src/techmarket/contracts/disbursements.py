"""Disbursements of post-subsidies from saved statements: due within 30 working days of the transfer notice
(clause (二十二)), the deadline from the policy engine's ``disbursement-deadline`` calculator."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from techmarket.contracts.models import Disbursement, Statement
from techmarket.contracts.statement import DEADLINE, require_operator, subsidy_total
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today
from techmarket.core.errors import Conflict, NotFound, ValidationFailed
from techmarket.policy.calendar import working_days_between
from techmarket.rulesets.services import calculate


def disbursement_of(session: Session, saved: Statement) -> Disbursement | None:
    return session.scalar(select(Disbursement).where(Disbursement.statement_id == saved.id))


def _earlier(session: Session, saved: Statement) -> Disbursement | None:
    """A subsidy disbursement already recorded for this statement or another of the same organisation and year."""
    return session.scalar(select(Disbursement).join(Statement, Disbursement.statement_id == Statement.id).where(
        Disbursement.kind == "subsidy", Statement.organisation_id == saved.organisation_id,
        Statement.tax_year == saved.tax_year).limit(1))


def record_disbursement(session: Session, actor: Actor, saved: Statement, notice_on: dt.date | None, *,
                        today: dt.date | None = None) -> Disbursement:
    """The operator records the transfer notice of a statement's post-subsidy; it is due 30 working days later."""
    require_operator(actor)
    today = today or local_today()
    if notice_on is None or notice_on > today:
        msg = _l("Enter the date the transfer notice arrived (not in the future).")
        raise ValidationFailed(msg, field_errors={"notice_on": msg})
    amount = subsidy_total(saved)
    if amount <= 0:
        raise ValidationFailed(_l("This statement has no post-subsidy to pay."))
    if saved.flags:
        raise Conflict(_l("A contract of this statement changed after it was saved. The organisation should save "
                          "a new statement first."))
    earlier = _earlier(session, saved)
    if earlier is not None:
        raise Conflict(_l("A disbursement for this organisation and tax year was already recorded (statement "
                          "#%(id)d).", id=earlier.statement_id))
    result = calculate(session, DEADLINE, {"start_date": notice_on.isoformat()}, today=today)
    row = Disbursement(statement_id=saved.id, organisation_id=saved.organisation_id, kind="subsidy", amount=amount,
                       notice_on=notice_on, due_on=dt.date.fromisoformat(result["deadline"]),
                       due_provisional=bool(result["provisional"]), result=result, created_by_id=actor.user_id)
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:  # the same statement recorded at the same moment by another request
        raise Conflict(_l("A disbursement for this statement was just recorded by someone else. Reload to see "
                          "it.")) from exc
    audit.record(session, actor, "contract_disbursement", row.id, "create", None, {
        "statement_id": saved.id, "amount": amount, "notice_on": notice_on, "due_on": row.due_on,
        "provisional": row.due_provisional, "rule_sets": result["rule_sets"]})
    return row


def mark_paid(session: Session, actor: Actor, row: Disbursement, paid_on: dt.date | None, *,
              expected_version: int | None = None, today: dt.date | None = None) -> Disbursement:
    require_operator(actor)
    if row.paid_on is not None or (expected_version is not None and row.version != expected_version):
        raise Conflict(_l("This disbursement was already marked as paid. Reload to see its state."))
    if paid_on is None or paid_on > (today or local_today()) or paid_on < row.notice_on:
        msg = _l("Enter the date the funds were passed on: not before the notice, not in the future.")
        raise ValidationFailed(msg, field_errors={"paid_on": msg})
    row.paid_on = paid_on
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict(_l("This disbursement was already marked as paid. Reload to see its state.")) from exc
    audit.record(session, actor, "contract_disbursement", row.id, "paid", {"paid_on": None},
                 {"paid_on": paid_on, "late": paid_on > row.due_on})
    return row


def get_disbursement(session: Session, actor: Actor, disbursement_id: int) -> Disbursement:
    require_operator(actor)
    row = session.get(Disbursement, disbursement_id)
    if row is None:
        raise NotFound(_l("No such disbursement."))
    return row


def disbursements(actor: Actor) -> Select[Any]:
    """Unpaid first, the earliest deadline (so the overdue ones) first; then the paid ones."""
    require_operator(actor)
    return select(Disbursement).order_by(Disbursement.paid_on.is_not(None), Disbursement.due_on.asc(),
                                         Disbursement.id.asc())


def days_left(row: Disbursement, today: dt.date | None = None) -> int:
    """Working days from today to the deadline (negative when overdue), by the official calendar."""
    return working_days_between(today or local_today(), row.due_on)[0]
