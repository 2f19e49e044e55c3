"""Disbursements of post-subsidies from saved statements: due within 30 working days of the transfer notice
(clause (二十二)), the deadline from the policy engine's ``disbursement-deadline`` calculator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today
from techmarket.core.errors import Conflict, NotFound, ValidationFailed
from techmarket.core.transitions import transition
from techmarket.core.workflow import Machine, apply
from techmarket.incentives.models import Disbursement, Statement
from techmarket.incentives.statement import DEADLINE, require_operator, subsidy_total
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


def _authorise(session: Session, actor: Actor, row: Disbursement, who: str) -> None:
    require_operator(actor)


def _guard_paid(session: Session, actor: Actor, row: Disbursement, data: Mapping[str, Any]) -> None:
    paid_on, today = data.get("paid_on"), data.get("today") or local_today()
    if paid_on is None or paid_on > today or paid_on < row.notice_on:
        msg = _l("Enter the date the funds were passed on: not before the notice, not in the future.")
        raise ValidationFailed(msg, field_errors={"paid_on": msg})


def _on_paid(session: Session, actor: Actor, row: Disbursement, data: Mapping[str, Any]) -> dict[str, Any]:
    row.paid_on = data["paid_on"]
    return {"late": row.paid_on > row.due_on}


def _snapshot(row: Disbursement) -> dict[str, Any]:
    return {"status": row.status, "paid_on": row.paid_on, "amount": row.amount, "due_on": row.due_on}


_PAID_ALREADY = Conflict(_l("This disbursement was already marked as paid. Reload to see its state."))
MACHINE: Machine[Disbursement] = Machine(
    name="contract_disbursement",
    transitions=(transition("pay", {"due"}, "paid", "operator", "paid", guard=_guard_paid, effect=_on_paid),),
    authorise=_authorise, snapshot=_snapshot,
    not_possible=lambda row, action: _PAID_ALREADY, stale=lambda row: _PAID_ALREADY,
)


def mark_paid(session: Session, actor: Actor, row: Disbursement, paid_on: dt.date | None, *,
              expected_version: int | None = None, today: dt.date | None = None) -> Disbursement:
    """The operator records the day the funds were passed on."""
    apply(session, actor, MACHINE, row, "pay", expected_version=expected_version, paid_on=paid_on, today=today)
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
