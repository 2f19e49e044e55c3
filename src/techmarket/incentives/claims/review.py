"""The reviewers' side: decisions of the county and 盟市 bureaus and the operator, the year's budget with its
pro-rata reduction (the ``subsidy-budget`` calculator over the stored rule set), publicity (公示) with objections,
and listing approved claims for disbursement (30 working days, clause (二十二))."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.core.transitions import transition
from techmarket.core.workflow import Machine, apply
from techmarket.incentives.claims import workflow as wf
from techmarket.incentives.claims.machine import MACHINE, MAX_REASON, base_amount
from techmarket.incentives.claims.models import ClaimObjection, SubsidyClaim
from techmarket.incentives.models import Disbursement
from techmarket.policy.calculators.common import year_end
from techmarket.policy.defaults import SUBSIDY_BUDGET
from techmarket.policy.money import money
from techmarket.policy.typed import Outcome, SubsidyBudgetInput
from techmarket.rulesets.services import calculate, evaluate, rulebook

BUDGET = "subsidy-budget"
DEADLINE = "disbursement-deadline"
DECIDING = frozenset(a for actions in wf.DECISIONS.values() for a in actions)


def decide(session: Session, actor: Actor, claim: SubsidyClaim, action: str, reason: str = "", *,
           expected_version: int | None = None) -> None:
    """A reviewer passes, returns or refuses (with the reason the claimant reads); the operator approves."""
    if action not in DECIDING:
        raise NotFound(_l("Unknown action."))
    apply(session, actor, MACHINE, claim, action, expected_version=expected_version, reason=reason[:MAX_REASON])


def _require_operator(actor: Actor) -> None:
    if not actor.has(Role.OPERATOR):
        raise PermissionDenied(_l("Only the market operator manages the year's budget and publicity."))


@dataclass(frozen=True)
class YearBudget:
    year: int
    approved: list[SubsidyClaim]
    """Approved, not yet published: the claims a reduction applies to."""
    committed: Decimal
    """Granted to the year's claims already in publicity or listed."""
    outcome: Outcome
    """The calculator over the approved claims' full amounts (requested, at most computed)."""

    @property
    def granted(self) -> Decimal:
        """What the approved claims are granted now (after any earlier reduction)."""
        return money(sum((c.granted_amount or Decimal(0) for c in self.approved), Decimal(0)))

    @property
    def over(self) -> bool:
        """Whether the approved claims, as granted now, pass what is left of the budget."""
        return self.granted > Decimal(str(self.outcome.raw["left"]))


def budget(session: Session, actor: Actor, year: int) -> YearBudget:
    """The year's budget against the approved claims, through the ``subsidy-budget`` calculator."""
    _require_operator(actor)
    approved = list(session.scalars(select(SubsidyClaim).where(
        SubsidyClaim.claim_year == year, SubsidyClaim.status == wf.Status.APPROVED)
        .order_by(SubsidyClaim.submitted_at, SubsidyClaim.id)))
    committed = session.scalar(select(func.coalesce(func.sum(SubsidyClaim.granted_amount), 0)).where(
        SubsidyClaim.claim_year == year,
        SubsidyClaim.status.in_([wf.Status.PUBLICITY, wf.Status.LISTED]))) or Decimal(0)
    total = sum((base_amount(c) for c in approved), Decimal(0))
    outcome = evaluate(session, BUDGET, SubsidyBudgetInput(claim_year=year, approved_total=money(total),
                                                           committed=money(Decimal(committed))))
    return YearBudget(year, approved, money(Decimal(committed)), outcome)


def reduce_to_budget(session: Session, actor: Actor, year: int) -> YearBudget:
    """When the approved total passes what is left of the year's budget: ``pro_rata`` reduces every approved
    claim by the same factor; ``first_come`` grants in the order of submission until the budget runs out."""
    found = budget(session, actor, year)
    raw = found.outcome.raw
    if not found.over:
        raise Conflict(_l("The approved claims fit in the year's budget: there is nothing to reduce."))
    if raw.get("overrun_rule") == "pro_rata":
        factor = Decimal(str(raw["factor"]))
        for claim in found.approved:
            apply(session, actor, MACHINE, claim, "reduce", factor=factor)
    else:
        left = Decimal(str(raw["left"]))
        for claim in found.approved:
            granted = min(base_amount(claim), left)
            left -= granted
            factor = (granted / base_amount(claim)).quantize(Decimal("0.000001")) if base_amount(claim) else Decimal(0)
            apply(session, actor, MACHINE, claim, "reduce", factor=factor, granted=granted)
    audit.record(session, actor, "subsidy_budget", year, "reduce", None, {
        "claims": [c.id for c in found.approved], "factor": raw.get("factor"), "rule": raw.get("overrun_rule"),
        "rule_sets": raw.get("rule_sets")})
    return budget(session, actor, year)


def publicity_days(session: Session, year: int) -> int:
    return rulebook(session).resolve(SUBSIDY_BUDGET, year_end(year)).integer("publicity_working_days")


def publish(session: Session, actor: Actor, claim: SubsidyClaim, *, today: dt.date,
            expected_version: int | None = None) -> None:
    """Start the claim's publicity (公示) for the rule set's working days."""
    apply(session, actor, MACHINE, claim, "publish", expected_version=expected_version, today=today,
          days=publicity_days(session, claim.claim_year))


def publish_year(session: Session, actor: Actor, year: int, *, today: dt.date) -> int:
    """Publish every approved claim of the year with a granted amount; returns how many."""
    _require_operator(actor)
    claims = session.scalars(select(SubsidyClaim).where(SubsidyClaim.claim_year == year,
                                                        SubsidyClaim.status == wf.Status.APPROVED,
                                                        SubsidyClaim.granted_amount > 0)).all()
    days = publicity_days(session, year)
    for claim in claims:
        apply(session, actor, MACHINE, claim, "publish", today=today, days=days)
    return len(claims)


def list_for_disbursement(session: Session, actor: Actor, claim: SubsidyClaim, notice_on: dt.date | None, *,
                          today: dt.date, expected_version: int | None = None) -> Disbursement:
    """After its publicity with no open objection, the claim enters the disbursement list: due 30 working days
    after the transfer notice (the ``disbursement-deadline`` calculator)."""
    _require_operator(actor)
    if notice_on is None or notice_on > today:
        msg = _l("Enter the date the transfer notice arrived (not in the future).")
        raise ValidationFailed(msg, field_errors={"notice_on": msg})
    apply(session, actor, MACHINE, claim, "list", expected_version=expected_version, today=today)
    result = calculate(session, DEADLINE, {"start_date": notice_on.isoformat()}, today=today)
    row = Disbursement(claim_id=claim.id, statement_id=None, organisation_id=claim.organisation_id,
                       kind="claim_subsidy", amount=claim.granted_amount or Decimal(0), notice_on=notice_on,
                       due_on=dt.date.fromisoformat(result["deadline"]), due_provisional=bool(result["provisional"]),
                       result=result, created_by_id=actor.user_id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "contract_disbursement", row.id, "create", None, {
        "claim_id": claim.id, "amount": row.amount, "notice_on": notice_on, "due_on": row.due_on,
        "rule_sets": result["rule_sets"]})
    return row


# --- objections during publicity ----------------------------------------------------------------------------

MAX_NAME, MAX_CONTACT, MAX_TEXT = 100, 200, 4000


def public_claim(session: Session, claim_id: int, today: dt.date) -> SubsidyClaim:
    """A claim in publicity (anyone may see it and object); any other is not found."""
    claim = session.get(SubsidyClaim, claim_id)
    if claim is None or claim.status != wf.Status.PUBLICITY:
        raise NotFound(_l("No such claim in publicity."))
    return claim


def publicity(today: dt.date) -> Any:
    return (select(SubsidyClaim).where(SubsidyClaim.status == wf.Status.PUBLICITY)
            .order_by(SubsidyClaim.publicity_until.desc(), SubsidyClaim.id))


def object_to(session: Session, claim: SubsidyClaim, name: str, contact: str, text: str, *,
              today: dt.date) -> ClaimObjection:
    """Anyone raises an objection during the publicity, with a name and a way to reach them."""
    if claim.status != wf.Status.PUBLICITY or claim.publicity_until is None or today > claim.publicity_until:
        raise Conflict(_l("The publicity of this claim is over; objections are no longer taken."))
    name, contact, text = (name or "").strip(), (contact or "").strip(), (text or "").strip()
    errors: dict[str, Any] = {}
    if not name or len(name) > MAX_NAME:
        errors["name"] = _l("Give your name or your organisation's (at most %(n)d characters).", n=MAX_NAME)
    if not contact or len(contact) > MAX_CONTACT:
        errors["contact"] = _l("Give a telephone number or an email address to reach you.")
    if len(text) < 10 or len(text) > MAX_TEXT:
        errors["text"] = _l("Describe the objection (10 to %(n)d characters).", n=MAX_TEXT)
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)
    row = ClaimObjection(claim_id=claim.id, name=name, contact=contact, text=text)
    session.add(row)
    session.flush()
    audit.record(session, Actor(user_id=None, label="public"), "subsidy_claim_objection", row.id, "create", None,
                 {"claim_id": claim.id, "name": name})
    return row


def _authorise_objection(session: Session, actor: Actor, row: ClaimObjection, who: str) -> None:
    _require_operator(actor)


def _guard_answer(session: Session, actor: Actor, row: ClaimObjection, data: Mapping[str, Any]) -> None:
    answer = str(data.get("reason") or "").strip()
    if not answer or len(answer) > MAX_REASON:
        msg = _l("Give the answer (at most %(n)d characters).", n=MAX_REASON)
        raise ValidationFailed(msg, field_errors={"answer": msg})


def _on_answer(session: Session, actor: Actor, row: ClaimObjection, data: Mapping[str, Any]) -> None:
    row.answer, row.decided_by_id = str(data["reason"]).strip(), actor.user_id


_ANSWERED = Conflict(_l("This objection was already answered."))
OBJECTION_MACHINE: Machine[ClaimObjection] = Machine(
    name="subsidy_claim_objection",
    transitions=tuple(transition(action, {"open"}, target, wf.OPERATOR, target, guard=_guard_answer,
                                 effect=_on_answer) for action, target in (("uphold", "upheld"),
                                                                           ("dismiss", "dismissed"))),
    authorise=_authorise_objection,
    snapshot=lambda row: {"status": row.status, "answer": row.answer},
    not_possible=lambda row, action: _ANSWERED,
)


def decide_objection(session: Session, actor: Actor, objection_id: int, uphold: bool, answer: str) -> ClaimObjection:
    """The operator answers an objection; upholding it takes the claim out of publicity back to review."""
    row = session.get(ClaimObjection, objection_id)
    if row is None:
        raise NotFound(_l("No such objection."))
    apply(session, actor, OBJECTION_MACHINE, row, "uphold" if uphold else "dismiss", reason=answer)
    claim = session.get(SubsidyClaim, row.claim_id)
    if uphold and claim is not None and claim.status == wf.Status.PUBLICITY:
        apply(session, actor, MACHINE, claim, "suspend", reason=answer)
    return row
