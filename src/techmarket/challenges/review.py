"""Review of the applications: the operator's formal check (形式审查), the expert panel with automatic recusal
on conflicts of interest, the weighted rubric scores, and the calibrated ranking."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts.models import User
from techmarket.challenges import access, calibration, conflicts, machines
from techmarket.challenges.constants import DISAGREEMENT_SPREAD, AppStatus, CallStatus, ReviewStatus
from techmarket.challenges.models import Application, Call, ExpertProfile, Review
from techmarket.core import events, workflow
from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.errors import PermissionDenied, ValidationFailed
from techmarket.core.roles import Role


def formal_check(session: Session, actor: Actor, app: Application, eligible: bool, reason: str = "",
                 expected_version: int | None = None) -> Application:
    """The operator's formal check: eligible, or not with reasons (the applicant is told)."""
    if app.call.status != CallStatus.REVIEWING:
        raise ValidationFailed(_l("The formal check starts when the application deadline has passed."))
    workflow.apply(session, actor, machines.APPLICATION, app, "pass" if eligible else "fail",
                   expected_version=expected_version, reason=reason)
    if eligible:
        app.formal_reason = reason.strip()
        session.flush()
    return app


def expert_pool(session: Session, field: str) -> list[tuple[User, bool]]:
    """Users with the expert role, those of the call's field first: (user, in the field)."""
    experts = session.scalars(select(User).where(User.id.in_(access.expert_ids(session)), User.active.is_(True))
                              .order_by(User.name, User.id)).all()
    profiles = {p.user_id: p for p in session.scalars(select(ExpertProfile))}
    rows = [(u, field in (profiles[u.id].fields if u.id in profiles else [])) for u in experts]
    return sorted(rows, key=lambda r: not r[1])


def assign(session: Session, actor: Actor, call: Call, expert_ids: Iterable[int]) -> list[Review]:
    """Assign experts to every eligible application; a detected conflict recuses the expert at once."""
    access.require_operator(actor)
    if call.status != CallStatus.REVIEWING:
        raise ValidationFailed(_l("Experts are assigned while the call is under review."))
    pool = access.expert_ids(session)
    chosen = set(expert_ids)
    if not chosen:
        raise ValidationFailed(_l("Choose at least one expert."), field_errors={"experts": _l("Choose at least one "
                                                                                                "expert.")})
    if chosen - pool:
        raise ValidationFailed(_l("Only users with the expert role can review."),
                               field_errors={"experts": _l("Only users with the expert role can review.")})
    apps = eligible_applications(session, call)
    if not apps:
        raise ValidationFailed(_l("No application has passed the formal check yet."))
    existing = {(r.application_id, r.expert_id) for r in reviews_of_call(session, call)}
    made = []
    system = Actor.system("conflict-of-interest check")
    for app in apps:
        for expert_id in sorted(chosen):
            if (app.id, expert_id) in existing:
                continue
            review = Review(call_id=call.id, application_id=app.id, expert_id=expert_id,
                            status=ReviewStatus.ASSIGNED.value, scores={})
            session.add(review)
            session.flush()
            reason = conflicts.conflict_of(session, expert_id, app)
            if reason is not None:
                review.recusal_reason = str(reason)
                workflow.apply(session, system, machines.REVIEW, review, "recuse", reason=str(reason))
            else:
                events.publish(session, events.DomainEvent("review.assigned", "review", review.id, actor, {},
                                                           subject=review))
            made.append(review)
    return made


def declare_conflict(session: Session, actor: Actor, review: Review, reason: str,
                     expected_version: int | None = None) -> Review:
    if not reason.strip():
        raise ValidationFailed(_l("Give the reason."), field_errors={"reason": _l("Give the reason.")})
    review.recusal_reason = reason.strip()[:2000]
    workflow.apply(session, actor, machines.REVIEW, review, "recuse", expected_version=expected_version,
                   reason=reason)
    return review


def score(session: Session, actor: Actor, review: Review, marks: dict[str, tuple[Any, str]],
          expected_version: int | None = None) -> Review:
    """The expert's scores: every criterion, a whole number within its scale, with a comment."""
    if actor.user_id != review.expert_id:
        raise PermissionDenied(_l("Only the assigned expert may do this."))
    if not machines.REVIEW.allowed(review, "score"):
        raise machines.REVIEW.not_possible(review, "score")
    reason = conflicts.conflict_of(session, review.expert_id, review.application)
    if reason is not None:
        raise PermissionDenied(_l("You cannot review this application: %(why)s", why=reason))
    rubric = review.application.call.rubric
    clean: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for c in rubric:
        raw, comment = marks.get(c["key"], (None, ""))
        try:
            value = int(str(raw).strip())
        except ValueError:
            value = -1
        if not 0 <= value <= int(c["scale"]):
            errors[f"score_{c['key']}"] = _l("Score “%(name)s” from 0 to %(n)d.", name=c["name"], n=int(c["scale"]))
        elif not comment.strip():
            errors[f"comment_{c['key']}"] = _l("Comment on “%(name)s”.", name=c["name"])
        clean[c["key"]] = {"score": value, "comment": comment.strip()[:4000]}
    if errors:
        raise ValidationFailed(next(iter(errors.values())), field_errors=errors)
    review.scores = clean
    review.total = calibration.weighted_total(rubric, {k: v["score"] for k, v in clean.items()})
    review.submitted_at = utcnow()
    workflow.apply(session, actor, machines.REVIEW, review, "score", expected_version=expected_version)
    return review


def eligible_applications(session: Session, call: Call) -> list[Application]:
    return list(session.scalars(select(Application).where(
        Application.call_id == call.id, Application.status.in_([AppStatus.ELIGIBLE, AppStatus.PROPOSED,
                                                                AppStatus.AWARDED, AppStatus.NOT_AWARDED]))
        .order_by(Application.id)))


def reviews_of_call(session: Session, call: Call) -> list[Review]:
    return list(session.scalars(select(Review).where(Review.call_id == call.id).order_by(Review.id)))


def my_reviews(actor: Actor) -> Any:
    return select(Review).where(Review.expert_id == (actor.user_id or 0)).order_by(Review.id.desc())


def others_visible(review: Review) -> bool:
    """An expert sees the other experts' scores only once their own are in."""
    return review.status == ReviewStatus.SUBMITTED


def may_see_ranking(session: Session, actor: Actor, call: Call) -> bool:
    return actor.has(Role.OPERATOR) or (access.is_poster(session, actor, call) and call.status in {
        CallStatus.REVIEWING, CallStatus.PUBLICITY, CallStatus.AWARDED, CallStatus.CLOSED})


def ranking(session: Session, call: Call) -> list[tuple[Application, calibration.Outcome | None]]:
    """Every eligible application with its calibrated outcome (unscored ones last)."""
    scores = [calibration.Score(r.expert_id, r.application_id, r.total) for r in reviews_of_call(session, call)
              if r.status == ReviewStatus.SUBMITTED and r.total is not None]
    outcomes = {o.application: o for o in calibration.calibrate(scores, DISAGREEMENT_SPREAD)}
    apps = eligible_applications(session, call)
    order = {o: i for i, o in enumerate(outcomes)}
    return sorted(((a, outcomes.get(a.id)) for a in apps), key=lambda p: order.get(p[0].id, len(order) + p[0].id))
