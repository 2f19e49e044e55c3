"""The challenge state machines applied: who may take each step, the audit snapshots, the messages for a step
that the current state does not allow. The tables themselves are in :mod:`techmarket.challenges.workflow`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from techmarket.challenges import access, workflow
from techmarket.challenges.constants import (
    APP_STATUS_LABELS,
    CALL_STATUS_LABELS,
    MEMBER_STATUS_LABELS,
    MILESTONE_STATUS_LABELS,
    OBJECTION_STATUS_LABELS,
    PUBLICITY_WORKING_DAYS,
    REVIEW_STATUS_LABELS,
    TRANSFER_STATUS_LABELS,
    MilestoneStatus,
)
from techmarket.challenges.funds import funding
from techmarket.challenges.models import Application, Call, CallObjection, Member, Milestone, Review, Transfer
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today, utcnow
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.core.transitions import Transition
from techmarket.core.workflow import Machine
from techmarket.policy.calendar import add_working_days
from techmarket.policy.money import jsonable


def _conflict(labels: Mapping[Any, Any]) -> Callable[[Any, str], Conflict]:
    def not_possible(obj: Any, action: str) -> Conflict:
        state = labels.get(obj.status, obj.status)
        return Conflict(_l("This is “%(state)s” now: that step is not possible. Reload to see what happened.",
                           state=state))

    return not_possible


def _system(actor: Actor, who: str) -> bool:
    """Rows taken inside a deciding service, which has checked its actor already."""
    return who == workflow.SYSTEM


def _authorise_call(session: Session, actor: Actor, call: Call, who: str) -> None:
    if _system(actor, who):
        return
    if who == workflow.OPERATOR:
        access.require_operator(actor)
    else:
        access.require_poster(session, actor, call)


def _authorise_application(session: Session, actor: Actor, app: Application, who: str) -> None:
    if _system(actor, who):
        return
    if who == workflow.OPERATOR:
        access.require_operator(actor)
    else:
        access.require_lead(session, actor, app)


def _authorise_member(session: Session, actor: Actor, member: Member, who: str) -> None:
    if member.organisation_id not in access.org_ids_of(session, actor):
        raise PermissionDenied(_l("Only members of the invited organisation may answer this invitation."))


def _authorise_review(session: Session, actor: Actor, review: Review, who: str) -> None:
    if actor.user_id == review.expert_id or (actor.user_id is None and actor.has(Role.ADMIN)):
        return  # the expert, or the system recusing on a detected conflict
    raise PermissionDenied(_l("Only the assigned expert may do this."))


def _authorise_objection(session: Session, actor: Actor, objection: CallObjection, who: str) -> None:
    access.require_operator(actor)


def _authorise_milestone(session: Session, actor: Actor, m: Milestone, who: str) -> None:
    if who == workflow.POSTER:
        access.require_poster(session, actor, m.application.call)
    elif who == workflow.WINNER:
        access.require_lead(session, actor, m.application)
    elif not actor.has(Role.EXPERT):
        raise PermissionDenied(_l("Only an expert records the acceptance or the diligence opinion."))
    elif m.application.org_ids & access.org_ids_of(session, actor):
        raise PermissionDenied(_l("You cannot judge your own organisation's work."))


def _authorise_transfer(session: Session, actor: Actor, t: Transfer, who: str) -> None:
    access.require_operator(actor)


def need_reason(session: Session, actor: Actor, obj: Any, data: Mapping[str, Any]) -> None:
    reason = str(data.get("reason") or "").strip()
    if not reason:
        raise ValidationFailed(_l("Give the reason."), field_errors={"reason": _l("Give the reason.")})
    if len(reason) > 2000:
        raise ValidationFailed(_l("At most %(n)d characters.", n=2000),
                               field_errors={"reason": _l("At most %(n)d characters.", n=2000)})


def _with_reasons(rows: tuple[Transition, ...], actions: set[str], attr: str) -> tuple[Transition, ...]:
    def keep(session: Session, actor: Actor, obj: Any, data: Mapping[str, Any]) -> None:
        setattr(obj, attr, str(data.get("reason") or "").strip())
        if hasattr(obj, "decided_at"):
            obj.decided_at = utcnow()

    return tuple(replace(t, guard=need_reason, effect=keep) if t.action in actions else t for t in rows)


def _publish(session: Session, actor: Actor, call: Call, data: Mapping[str, Any]) -> None:
    """Approved: published now (set before the event, so its listeners, the statistics, see the date)."""
    call.published_at = utcnow()
    call.return_reason = ""


def _publicise(session: Session, actor: Actor, call: Call, data: Mapping[str, Any]) -> Mapping[str, Any]:
    call.decision_reason = str(data.get("reason") or "").strip()
    call.publicity_from = local_today()
    call.publicity_until, call.publicity_provisional = add_working_days(call.publicity_from,
                                                                        PUBLICITY_WORKING_DAYS)
    return {"application_ids": list(data.get("application_ids") or [])}


def _award(session: Session, actor: Actor, call: Call, data: Mapping[str, Any]) -> Mapping[str, Any]:
    call.awarded_at = utcnow()
    return {"application_ids": list(data.get("application_ids") or [])}


def _close(session: Session, actor: Actor, call: Call, data: Mapping[str, Any]) -> None:
    call.decision_reason = str(data.get("reason") or "").strip()


def _call_rows() -> tuple[Transition, ...]:
    rows = _with_reasons(workflow.CALL, {"return"}, "return_reason")
    effects = {"approve": _publish, "propose": _publicise, "finalise": _award, "no_award": _close}
    guards = {"propose": need_reason, "no_award": need_reason}
    return tuple(replace(t, effect=effects.get(t.action, t.effect), guard=guards.get(t.action, t.guard))
                 for t in rows)


def _funded(session: Session, actor: Actor, m: Milestone, data: Mapping[str, Any]) -> None:
    """An accepted milestone releases its part of the bounty: only out of confirmed funding not yet released or
    committed to an earlier release (the platform never pays out money it does not hold)."""
    available = funding(session, m.application).available
    if m.amount > available:
        msg = _l("The bounty is not funded enough to accept this milestone: its release of %(amount)s yuan needs "
                 "confirmed funding, and %(available)s yuan is funded and not yet released. The poster records the "
                 "funding transfer and the operator confirms it first.",
                 amount=f"{m.amount:,.2f}", available=f"{max(available, Decimal(0)):,.2f}")
        raise ValidationFailed(msg)


def _milestone_rows() -> tuple[Transition, ...]:
    rows = _with_reasons(workflow.MILESTONE, {"reject", "expert_fail", "ask_diligence", "diligent", "not_diligent"},
                         "reason")
    return tuple(replace(t, guard=_funded) if t.target == MilestoneStatus.ACCEPTED else t for t in rows)


def call_snapshot(c: Call) -> dict[str, Any]:
    return jsonable({"status": c.status, "title": c.title, "bounty": c.bounty, "deadline": c.deadline.isoformat()
                     if c.deadline else None, "field": c.field, "selection_mode": c.selection_mode,
                     "publicity_until": c.publicity_until, "nda_version": c.nda_version})


def application_snapshot(a: Application) -> dict[str, Any]:
    return jsonable({"status": a.status, "lead": a.lead_org_id, "budget": a.budget,
                     "members": sorted(a.org_ids), "formal_reason": a.formal_reason})


def review_snapshot(r: Review) -> dict[str, Any]:
    return jsonable({"status": r.status, "total": r.total, "scores": r.scores, "recusal": r.recusal_reason})


CALL: Machine[Call] = Machine("call", _call_rows(), _authorise_call, call_snapshot, _conflict(CALL_STATUS_LABELS))
APPLICATION: Machine[Application] = Machine(
    "application", _with_reasons(workflow.APPLICATION, {"fail"}, "formal_reason"), _authorise_application,
    application_snapshot, _conflict(APP_STATUS_LABELS))
MEMBER: Machine[Member] = Machine("consortium_member", workflow.MEMBER, _authorise_member,
                                  lambda m: jsonable({"status": m.status, "org": m.organisation_id}),
                                  _conflict(MEMBER_STATUS_LABELS))
REVIEW: Machine[Review] = Machine("review", workflow.REVIEW, _authorise_review, review_snapshot,
                                  _conflict(REVIEW_STATUS_LABELS))
MILESTONE: Machine[Milestone] = Machine(
    "milestone", _milestone_rows(), _authorise_milestone,
    lambda m: jsonable({"status": m.status, "reason": m.reason, "amount": m.amount}),
    _conflict(MILESTONE_STATUS_LABELS))
TRANSFER: Machine[Transfer] = Machine(
    "bounty_transfer", _with_reasons(workflow.TRANSFER, {"reject"}, "reason"), _authorise_transfer,
    lambda t: jsonable({"status": t.status, "kind": t.kind, "amount": t.amount, "reference": t.reference}),
    _conflict(TRANSFER_STATUS_LABELS))
OBJECTION: Machine[CallObjection] = Machine(
    "call_objection", _with_reasons(workflow.OBJECTION, {"uphold", "dismiss"}, "reason"), _authorise_objection,
    lambda o: {"status": o.status, "reason": o.reason}, _conflict(OBJECTION_STATUS_LABELS))
