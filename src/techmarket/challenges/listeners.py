"""Who hears of what in challenges: posters, applicants, consortium members, experts and the operator."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts.notifications import notify
from techmarket.challenges.access import expert_ids, member_ids, operator_ids
from techmarket.challenges.constants import AppStatus
from techmarket.challenges.models import Application, Call, CallObjection, Member, Milestone, Question, Review, Transfer
from techmarket.core import events
from techmarket.core.events import DomainEvent


def _applicant_users(session: Session, call: Call) -> set[int]:
    org_ids = set(session.scalars(select(Member.organisation_id).join(Application).where(
        Application.call_id == call.id, Application.status != AppStatus.DRAFT)))
    return member_ids(session, *org_ids)


def on_call(session: Session, event: DomainEvent) -> None:
    call: Call = event.subject
    verb = event.verb
    params = {"title": call.title, "reason": str(event.data.get("reason") or "")[:300],
              "until": str(call.publicity_until or "")}
    poster = member_ids(session, call.poster_org_id)
    if verb == "submitted":
        notify(session, operator_ids(session), "call_submitted", params, "challenges.detail", call_id=call.id)
    elif verb in ("published", "returned", "review_reopened"):
        notify(session, poster, f"call_{verb}", params, "challenges.detail", call_id=call.id)
    elif verb == "closed":
        notify(session, poster | operator_ids(session), "call_closed", params, "challenges.detail", call_id=call.id)
    elif verb in ("results_publicised", "awarded", "closed_without_award"):
        notify(session, poster | _applicant_users(session, call), f"call_{verb}", params, "challenges.detail",
               call_id=call.id, tab="results")


def on_application(session: Session, event: DomainEvent) -> None:
    app: Application = event.subject
    params = {"title": app.call.title, "org": app.lead_org.name, "reason": str(event.data.get("reason") or "")[:300]}
    verb = event.verb
    if verb == "submitted":
        notify(session, member_ids(session, app.call.poster_org_id), "application_received", params,
               "challenges.detail", call_id=app.call_id)
    elif verb in ("passed_formal_check", "failed_formal_check", "awarded", "not_awarded"):
        notify(session, member_ids(session, *app.org_ids), f"application_{verb}", params, "challenges.application",
               application_id=app.id)


def on_member(session: Session, event: DomainEvent) -> None:
    member: Member = event.subject
    app = member.application
    verb = event.verb
    if verb == "invited":
        notify(session, member_ids(session, member.organisation_id), "member_invited",
               {"title": app.call.title, "org": app.lead_org.name}, "challenges.application", application_id=app.id)
    elif verb in ("confirmed", "declined"):
        notify(session, member_ids(session, app.lead_org_id), f"member_{verb}",
               {"title": app.call.title, "org": member.organisation.name}, "challenges.application",
               application_id=app.id)


def on_review(session: Session, event: DomainEvent) -> None:
    review: Review = event.subject
    params = {"title": review.application.call.title, "reason": review.recusal_reason[:300]}
    if event.verb == "assigned":
        notify(session, {review.expert_id}, "review_assigned", params, "challenges.review", review_id=review.id)
    elif event.verb == "recused":
        notify(session, operator_ids(session), "review_recused", params, "challenges.panel",
               call_id=review.call_id)


def on_question(session: Session, event: DomainEvent) -> None:
    q: Question = event.subject
    call = q.call
    if event.verb == "asked":
        notify(session, member_ids(session, call.poster_org_id), "question_asked", {"title": call.title},
               "challenges.detail", call_id=call.id, tab="qa")
    elif event.verb == "answered":
        to = _applicant_users(session, call) | ({q.asked_by_id} if q.asked_by_id else set())
        notify(session, to, "question_answered", {"title": call.title}, "challenges.detail", call_id=call.id,
               tab="qa")


def on_objection(session: Session, event: DomainEvent) -> None:
    obj: CallObjection = event.subject
    params = {"title": obj.call.title, "reason": obj.reason[:300]}
    if event.verb == "raised":
        notify(session, operator_ids(session), "objection_raised", params, "challenges.detail", call_id=obj.call_id,
               tab="results")
    elif event.verb in ("upheld", "dismissed") and obj.raised_by_id:
        notify(session, {obj.raised_by_id}, "objection_decided", params, "challenges.detail", call_id=obj.call_id,
               tab="results")


def on_milestone(session: Session, event: DomainEvent) -> None:
    m: Milestone = event.subject
    app = m.application
    params = {"title": app.call.title, "seq": m.seq, "reason": m.reason[:300]}
    verb = event.verb
    if verb == "delivered":
        to = member_ids(session, app.call.poster_org_id)
    elif verb in ("sent_to_expert", "diligence_requested"):
        to = operator_ids(session) | expert_ids(session)
    elif verb in ("accepted", "rejected", "failed_diligent", "failed"):
        to = member_ids(session, *app.org_ids)
    else:
        return
    notify(session, to, f"milestone_{verb}", params, "challenges.project", application_id=app.id)


def on_transfer(session: Session, event: DomainEvent) -> None:
    t: Transfer = event.subject
    app = session.get(Application, t.application_id)
    if event.verb == "recorded" and app is not None:
        notify(session, operator_ids(session), "transfer_recorded", {"title": app.call.title}, "challenges.project",
               application_id=app.id)


def register() -> None:
    events.on("call.*", on_call)
    events.on("application.*", on_application)
    events.on("consortium_member.*", on_member)
    events.on("review.*", on_review)
    events.on("question.*", on_question)
    events.on("call_objection.*", on_objection)
    events.on("milestone.*", on_milestone)
    events.on("bounty_transfer.*", on_transfer)
