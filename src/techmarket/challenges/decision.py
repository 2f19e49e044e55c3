"""The decision: proposed winners (or none) with reasons, the result publicity (公示) of 5 working days with
objections the operator decides, and the final award (``call.awarded``, which the contracts domain answers
with a draft technology development contract)."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.challenges import access, machines, project, review
from techmarket.challenges.constants import AppStatus, CallStatus, ObjectionStatus
from techmarket.challenges.models import Application, Call, CallObjection
from techmarket.core import audit, events, workflow
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today
from techmarket.core.errors import PermissionDenied, ValidationFailed


def propose(session: Session, actor: Actor, call: Call, application_ids: Iterable[int], reason: str,
            expected_version: int | None = None) -> Call:
    """The poster (with the operator for a fiscal call) proposes the winners; the publicity starts."""
    chosen = set(application_ids)
    eligible = {a.id: a for a in review.eligible_applications(session, call) if a.status == AppStatus.ELIGIBLE}
    if not chosen:
        raise ValidationFailed(_l("Choose the winners, or close the call without an award."),
                               field_errors={"winners": _l("Choose at least one application.")})
    if chosen - set(eligible):
        raise ValidationFailed(_l("Only applications that passed the formal check can win."))
    if len(chosen) > call.max_winners:
        raise ValidationFailed(_l("This call funds at most %(n)d winners.", n=call.max_winners),
                               field_errors={"winners": _l("This call funds at most %(n)d winners.",
                                                           n=call.max_winners)})
    workflow.apply(session, actor, machines.CALL, call, "propose", expected_version=expected_version, reason=reason,
                   application_ids=sorted(chosen))
    for app_id in sorted(chosen):
        workflow.apply(session, actor, machines.APPLICATION, eligible[app_id], "propose")
    return call


def no_award(session: Session, actor: Actor, call: Call, reason: str, expected_version: int | None = None) -> Call:
    workflow.apply(session, actor, machines.CALL, call, "no_award", expected_version=expected_version, reason=reason)
    for app in review.eligible_applications(session, call):
        if app.status == AppStatus.ELIGIBLE:
            workflow.apply(session, actor, machines.APPLICATION, app, "not_award")
    return call


def in_publicity(call: Call) -> bool:
    return call.status == CallStatus.PUBLICITY and call.publicity_until is not None \
        and local_today() <= call.publicity_until


def object_to(session: Session, actor: Actor, call: Call, text: str) -> CallObjection:
    """Anyone signed in may object while the results are in publicity."""
    if actor.user_id is None:
        raise PermissionDenied(_l("Sign in to raise an objection."))
    if not in_publicity(call):
        raise ValidationFailed(_l("Objections are taken during the publicity period only."))
    text = (text or "").strip()
    if not text or len(text) > 4000:
        raise ValidationFailed(_l("Write 1 to 4000 characters."), field_errors={"text": _l("Write 1 to 4000 "
                                                                                              "characters.")})
    row = CallObjection(call_id=call.id, raised_by_id=actor.user_id, text=text, status=ObjectionStatus.PENDING.value)
    session.add(row)
    session.flush()
    audit.record(session, actor, "call_objection", row.id, "raise", None, {"call_id": call.id})
    events.publish(session, events.DomainEvent("call_objection.raised", "call_objection", row.id, actor,
                                               {"call_id": call.id}, subject=row))
    return row


def decide_objection(session: Session, actor: Actor, objection: CallObjection, uphold: bool, reason: str,
                     expected_version: int | None = None) -> CallObjection:
    """The operator decides; an upheld objection sends the call back to review (the proposal is undone)."""
    workflow.apply(session, actor, machines.OBJECTION, objection, "uphold" if uphold else "dismiss",
                   expected_version=expected_version, reason=reason)
    call = objection.call
    if uphold and call.status == CallStatus.PUBLICITY:
        workflow.apply(session, actor, machines.CALL, call, "reopen_review", reason=reason)
        for app in proposed(session, call):
            workflow.apply(session, actor, machines.APPLICATION, app, "unpropose")
    return objection


def pending_objections(session: Session, call: Call) -> list[CallObjection]:
    return list(session.scalars(select(CallObjection).where(CallObjection.call_id == call.id,
                                                        CallObjection.status == ObjectionStatus.PENDING)))


def proposed(session: Session, call: Call) -> list[Application]:
    return list(session.scalars(select(Application).where(Application.call_id == call.id,
                                                          Application.status == AppStatus.PROPOSED)
                                .order_by(Application.id)))


def finalise(session: Session, actor: Actor, call: Call, expected_version: int | None = None) -> Call:
    """After the publicity, with no objection left open, the award is final (``call.awarded``)."""
    access.require_operator(actor)
    if call.status == CallStatus.PUBLICITY and in_publicity(call):
        raise ValidationFailed(_l("The publicity runs until %(day)s; the award is final after it.",
                                  day=call.publicity_until))
    if pending_objections(session, call):
        raise ValidationFailed(_l("Decide the open objections first."))
    winners = proposed(session, call)
    if call.status == CallStatus.PUBLICITY:
        for app in winners:
            workflow.apply(session, actor, machines.APPLICATION, app, "award")
        for app in review.eligible_applications(session, call):
            if app.status == AppStatus.ELIGIBLE:
                workflow.apply(session, actor, machines.APPLICATION, app, "not_award")
    workflow.apply(session, actor, machines.CALL, call, "finalise", expected_version=expected_version,
                   application_ids=[a.id for a in winners])
    for app in winners:  # the bounty is shared equally when several winners are funded in parallel
        project.create_milestones(session, app, (call.bounty / len(winners)).quantize(project.CENT))
    return call
