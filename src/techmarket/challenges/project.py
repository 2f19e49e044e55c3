"""After the award: the project's milestones (from the application), their delivery and acceptance, the bounty's
staged release through recorded bank transfers that the operator confirms, and the diligence review of a failure
(clause 二十七: failed but diligent is recorded as such and never judged negatively)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from techmarket.challenges import access, machines
from techmarket.challenges.constants import TARGET_RESULTS, MilestoneStatus
from techmarket.challenges.funds import Funding, funding, milestones_of, transfers_of
from techmarket.challenges.models import Application, Milestone, MilestoneFile, Transfer
from techmarket.core import audit, events, uploads, workflow
from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.errors import ValidationFailed
from techmarket.core.roles import Role
from techmarket.listings.data import parse_amount

__all__ = [
    "Funding",
    "create_milestones",
    "decide",
    "decide_transfer",
    "deliver",
    "funding",
    "may_view",
    "milestones_of",
    "record_funding",
    "summary",
    "transfers_of",
]

CENT = Decimal("0.01")
DECISIONS = frozenset({"accept", "reject", "expert_pass", "expert_fail", "ask_diligence", "diligent", "not_diligent"})


def create_milestones(session: Session, app: Application, amount: Decimal) -> list[Milestone]:
    """The awarded application's milestones, each with its part of ``amount`` (the last takes the rounding)."""
    rows: list[Milestone] = []
    left = amount
    for i, m in enumerate(app.milestones, 1):
        last = i == len(app.milestones)
        value = left if last else (amount * Decimal(m["share"]) / 100).quantize(CENT)
        left -= value
        rows.append(Milestone(application_id=app.id, seq=i, deliverable=m["deliverable"],
                              due_on=dt.date.fromisoformat(m["due_on"]), criteria=m["criteria"],
                              share=Decimal(m["share"]), amount=value, is_final=last,
                              status=MilestoneStatus.PENDING.value))
    session.add_all(rows)
    session.flush()
    return rows


def deliver(session: Session, actor: Actor, m: Milestone, note: str, files: Sequence[tuple[str, BinaryIO]], *,
            instance_path: str, max_bytes: int, expected_version: int | None = None) -> Milestone:
    note = (note or "").strip()
    if not note or len(note) > 4000:
        raise ValidationFailed(_l("Describe the deliverable (1 to 4000 characters)."),
                               field_errors={"note": _l("Describe the deliverable (1 to 4000 characters).")})
    workflow.apply(session, actor, machines.MILESTONE, m, "deliver", expected_version=expected_version)
    m.delivery_note, m.delivered_at, m.reason = note, utcnow(), ""
    for filename, stream in files:
        stored = uploads.store(filename, stream, instance_path=instance_path, max_bytes=max_bytes)
        m.files.append(MilestoneFile(filename=stored.filename, content_type=stored.content_type, size=stored.size,
                                     sha256=stored.sha256, uploaded_by_id=actor.user_id))
    session.flush()
    return m


def _target_results(m: Milestone, raw: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    targets = m.application.call.targets
    if len(raw) != len(targets) or any(r.get("result") not in TARGET_RESULTS for r in raw):
        raise ValidationFailed(_l("Judge every target: met, partly met or not met, with the measured value."))
    return [{"indicator": t["indicator"], "value": t["value"], "result": r["result"],
             "measured": str(r.get("measured") or "").strip()[:200]} for t, r in zip(targets, raw, strict=True)]


def decide(session: Session, actor: Actor, m: Milestone, action: str, *, reason: str = "",
           results: Sequence[dict[str, str]] = (), expected_version: int | None = None) -> Milestone:
    """The poster accepts or rejects; an expert accepts the final milestone of a fiscal call against the targets;
    after a rejection the team may ask for a diligence review, which an expert decides."""
    if action not in DECISIONS:
        raise ValidationFailed(_l("Unknown action."))
    if action in {"expert_pass", "expert_fail"}:
        m.target_results = _target_results(m, results)
    workflow.apply(session, actor, machines.MILESTONE, m, action, expected_version=expected_version, reason=reason)
    if m.status == MilestoneStatus.ACCEPTED:
        m.decided_at = utcnow()
        release = Transfer(application_id=m.application_id, milestone_id=m.id, kind="release", amount=m.amount,
                           reference=f"M{m.seq}", recorded_by_id=actor.user_id)
        session.add(release)
        session.flush()
        audit.record(session, actor, "bounty_transfer", release.id, "record", None,
                     {"kind": "release", "amount": str(m.amount), "milestone": m.id})
    return m


def record_funding(session: Session, actor: Actor, app: Application, raw_amount: str, reference: str) -> Transfer:
    """The poster records the bank transfer that funds the bounty up front (the operator confirms it)."""
    access.require_poster(session, actor, app.call)
    try:
        amount = parse_amount(raw_amount)
    except ValueError:
        amount = None
    if amount is None or amount <= 0:
        raise ValidationFailed(_l("Give the amount transferred, in yuan."),
                               field_errors={"amount": _l("Give the amount transferred, in yuan.")})
    reference = (reference or "").strip()
    if not reference or len(reference) > 100:
        raise ValidationFailed(_l("Give the bank transfer's reference."),
                               field_errors={"reference": _l("Give the bank transfer's reference.")})
    funds = funding(session, app)
    if funds.funded + funds.funding_pending + amount > funds.bounty:
        raise ValidationFailed(_l("Funding would exceed the bounty of %(n)s yuan.", n=funds.bounty))
    t = Transfer(application_id=app.id, kind="fund", amount=amount, reference=reference, recorded_by_id=actor.user_id)
    session.add(t)
    session.flush()
    audit.record(session, actor, "bounty_transfer", t.id, "record", None,
                 {"kind": "fund", "amount": str(amount), "reference": reference})
    events.publish(session, events.DomainEvent("bounty_transfer.recorded", "bounty_transfer", t.id, actor,
                                               {"application_id": app.id}, subject=t))
    return t


def decide_transfer(session: Session, actor: Actor, t: Transfer, confirm: bool, reason: str = "",
                    expected_version: int | None = None) -> Transfer:
    if confirm and t.kind == "release":
        app = session.get(Application, t.application_id)
        funds = funding(session, app) if app is not None else None
        if funds is not None and funds.released + t.amount > funds.funded:
            raise ValidationFailed(_l("Only funded money can be released: confirm the poster's funding first."))
    workflow.apply(session, actor, machines.TRANSFER, t, "confirm" if confirm else "reject",
                   expected_version=expected_version, reason=reason)
    t.decided_at = utcnow()
    session.flush()
    return t


def may_view(session: Session, actor: Actor, app: Application) -> bool:
    """The applicants, the poster, the operator, and experts (who record acceptances and diligence opinions)."""
    return (access.is_applicant(session, actor, app) or access.is_poster(session, actor, app.call)
            or actor.has(Role.EXPERT))


def summary(session: Session, app: Application) -> dict[str, Any]:
    ms = milestones_of(session, app)
    return {"milestones": ms, "funding": funding(session, app), "transfers": transfers_of(session, app)}
