"""Posting a call: the checks of its content, the operator's review, the deadline, the NDA and the Q&A."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.challenges import access, machines
from techmarket.challenges.constants import (
    EDITABLE_STATUSES,
    FUND_SOURCES,
    IP_OWNERS,
    MAX_BOUNTY,
    REGION_SCOPES,
    SELECTION_MODES,
    CallStatus,
)
from techmarket.challenges.data import CallData
from techmarket.challenges.models import Call, NdaAcceptance, Question
from techmarket.core import audit, events, workflow
from techmarket.core.actor import Actor
from techmarket.core.clock import LOCAL_TZ, utcnow
from techmarket.core.errors import PermissionDenied, ValidationFailed
from techmarket.listings.constants import FIELDS
from techmarket.orgs.constants import OrgType
from techmarket.orgs.models import Division, Organisation

MAX_TEXT = 20000
_FIELDS = ("title", "problem", "public_summary", "programme", "field", "prefecture_code", "targets", "rubric",
           "bounty", "fund_source", "enterprise_funds", "fiscal_funds", "duration_months", "selection_mode",
           "max_winners", "org_types", "region_scope", "consortium_allowed", "credentials", "ip_owner",
           "ip_licence_back", "ip_revenue_sharing", "confidential_details", "nda_text")


def end_of_day(day: dt.date) -> dt.datetime:
    """The last second of ``day`` in Asia/Shanghai, in UTC (deadlines are days; the server's clock decides)."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), LOCAL_TZ).astimezone(dt.UTC)


def _fail(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed(_l("Please correct the marked fields."), field_errors={field: message})


def check(session: Session, data: CallData) -> list[tuple[str, Any]]:
    """Every problem of a call's content as (field, message); empty when it may be saved."""
    problems: list[tuple[str, Any]] = []
    if not data.title.strip() or len(data.title) > 200:
        problems.append(("title", _l("Give a title of at most 200 characters.")))
    if data.field not in FIELDS:
        problems.append(("field", _l("Choose a field.")))
    if data.prefecture_code and session.get(Division, data.prefecture_code) is None:
        problems.append(("prefecture_code", _l("Choose a league or city.")))
    if not Decimal(0) < data.bounty <= MAX_BOUNTY:
        problems.append(("bounty", _l("The bounty must be more than 0 yuan.")))
    if data.fund_source not in FUND_SOURCES:
        problems.append(("fund_source", _l("Choose where the bounty comes from.")))
    elif data.fund_source == "both" and (data.enterprise_funds <= 0 or data.fiscal_funds <= 0
                                         or data.enterprise_funds + data.fiscal_funds != data.bounty):
        problems.append(("enterprise_funds", _l("Enterprise and fiscal funds must both be more than 0 and add up "
                                                "to the bounty.")))
    if not 1 <= data.duration_months <= 120:
        problems.append(("duration_months", _l("The duration is 1 to 120 months.")))
    if end_of_day(data.deadline_on) <= utcnow():
        problems.append(("deadline_on", _l("The application deadline must be in the future.")))
    if data.selection_mode not in SELECTION_MODES:
        problems.append(("selection_mode", _l("Choose a selection mode.")))
    if not 1 <= data.max_winners <= 20 or (data.selection_mode == "saima" and data.max_winners < 2):
        problems.append(("max_winners", _l("1 to 20 winners; the horse-race mode funds at least 2.")))
    if any(t not in {o.value for o in OrgType} for t in data.org_types):
        problems.append(("org_types", _l("Choose organisation types from the list.")))
    if data.region_scope not in REGION_SCOPES:
        problems.append(("region_scope", _l("Choose who may apply.")))
    if data.ip_owner not in IP_OWNERS:
        problems.append(("ip_owner", _l("Choose who owns the results.")))
    problems += _check_rows(data)
    if data.confidential_details.strip() and not data.nda_text.strip():
        problems.append(("nda_text", _l("Confidential details are shown only under a non-disclosure agreement: "
                                        "give its text.")))
    for name in ("problem", "public_summary", "credentials", "confidential_details", "nda_text"):
        if len(getattr(data, name)) > MAX_TEXT:
            problems.append((name, _l("At most %(n)d characters.", n=MAX_TEXT)))
    return problems


def _check_rows(data: CallData) -> list[tuple[str, Any]]:
    problems: list[tuple[str, Any]] = []
    if not data.targets or any(not t["indicator"] or not t["value"] for t in data.targets) or len(data.targets) > 30:
        problems.append(("targets", _l("Give 1 to 30 technical targets, each with an indicator and a target value.")))
    rubric = data.rubric
    if not rubric or len(rubric) > 10 or any(not c["name"] for c in rubric):
        problems.append(("rubric", _l("Give 1 to 10 review criteria, each with a name.")))
    elif any(not isinstance(c["weight"], int) or not isinstance(c["scale"], int) for c in rubric):
        problems.append(("rubric", _l("Weights and scales must be whole numbers.")))
    elif any(not 1 <= c["weight"] <= 100 or not 1 <= c["scale"] <= 100 for c in rubric):
        problems.append(("rubric", _l("Each weight and scale is between 1 and 100.")))
    elif sum(c["weight"] for c in rubric) != 100:
        problems.append(("rubric", _l("The weights add up to %(n)d; they must add up to 100.",
                                      n=sum(c["weight"] for c in rubric))))
    return problems


def _poster_org(session: Session, actor: Actor, org_id: int) -> Organisation:
    org = session.get(Organisation, org_id)
    allowed = actor.is_operator or org_id in access.org_ids_of(session, actor)
    if org is None or not allowed:
        raise _fail("poster_org_id", _l("Choose one of your organisations."))
    if org.status != "verified":
        raise _fail("poster_org_id", _l("The organisation must be verified by the market operator before it "
                                        "posts calls."))
    return org


def _assign(call: Call, data: CallData) -> None:
    for name in _FIELDS:
        setattr(call, name, getattr(data, name))
    if data.fund_source == "enterprise":
        call.enterprise_funds, call.fiscal_funds = data.bounty, Decimal(0)
    elif data.fund_source == "fiscal":
        call.enterprise_funds, call.fiscal_funds = Decimal(0), data.bounty
    call.deadline = end_of_day(data.deadline_on)


def _require_valid(session: Session, data: CallData) -> None:
    problems = check(session, data)
    if problems:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=dict(problems))


def create(session: Session, actor: Actor, data: CallData) -> Call:
    org = _poster_org(session, actor, data.poster_org_id)
    _require_valid(session, data)
    call = Call(poster_org_id=org.id, created_by_id=actor.user_id, status=CallStatus.DRAFT.value)
    _assign(call, data)
    session.add(call)
    session.flush()
    audit.record(session, actor, "call", call.id, "create", None, machines.call_snapshot(call))
    return call


def update(session: Session, actor: Actor, call: Call, data: CallData, expected_version: int | None = None) -> Call:
    access.require_poster(session, actor, call)
    if call.status not in EDITABLE_STATUSES:
        raise ValidationFailed(_l("Only a draft or a returned call can be edited."))
    if expected_version is not None and expected_version != call.version:
        raise machines.CALL.stale(call)
    _require_valid(session, data)
    before = machines.call_snapshot(call)
    old_nda = (call.nda_text, call.confidential_details)
    _assign(call, data)
    if old_nda != (call.nda_text, call.confidential_details) and call.published_at is not None:
        call.nda_version += 1  # a changed agreement must be accepted again
    session.flush()
    audit.record(session, actor, "call", call.id, "edit", before, machines.call_snapshot(call))
    return call


def act(session: Session, actor: Actor, call: Call, action: str, *, reason: str = "",
        expected_version: int | None = None) -> Call:
    """The poster submits or withdraws; the operator approves (publishes) or returns with reasons."""
    if action not in {"submit", "approve", "return", "withdraw"}:
        raise ValidationFailed(_l("Unknown action."))
    if action in {"submit", "approve"} and call.deadline <= utcnow():
        raise _fail("deadline_on", _l("The application deadline must be in the future."))
    workflow.apply(session, actor, machines.CALL, call, action, expected_version=expected_version, reason=reason)
    return call


def settle(session: Session, call: Call) -> bool:
    """Close an open call whose deadline has passed (read by pages and the daily job); True when it changed."""
    if call.status != CallStatus.OPEN or call.deadline > utcnow():
        return False
    workflow.apply(session, Actor.system("application deadline"), machines.CALL, call, "close")
    return True


def accepting(call: Call) -> bool:
    return call.status == CallStatus.OPEN and call.deadline > utcnow()


# --- the confidential details: only under the accepted NDA --------------------------------------------------

def nda_accepted(session: Session, actor: Actor, call: Call) -> NdaAcceptance | None:
    if actor.user_id is None:
        return None
    return session.scalar(select(NdaAcceptance).where(
        NdaAcceptance.call_id == call.id, NdaAcceptance.user_id == actor.user_id,
        NdaAcceptance.nda_version == call.nda_version))


def may_see_confidential(session: Session, actor: Actor, call: Call) -> bool:
    return access.is_poster(session, actor, call) or nda_accepted(session, actor, call) is not None


def accept_nda(session: Session, actor: Actor, call: Call) -> NdaAcceptance:
    if actor.user_id is None:
        raise PermissionDenied(_l("Sign in to accept the agreement."))
    if call.status not in {CallStatus.OPEN, CallStatus.REVIEWING} or not call.nda_text:
        raise ValidationFailed(_l("This call has no agreement to accept now."))
    found = nda_accepted(session, actor, call)
    if found is not None:
        return found
    row = NdaAcceptance(call_id=call.id, user_id=actor.user_id, nda_version=call.nda_version, accepted_at=utcnow())
    session.add(row)
    session.flush()
    audit.record(session, actor, "call", call.id, "accept_nda", None, {"nda_version": call.nda_version})
    return row


# --- public Q&A and the clarification log (补遗) -----------------------------------------------------------

def _text(raw: str, name: str) -> str:
    text = (raw or "").strip()
    if not text or len(text) > 4000:
        raise _fail(name, _l("Write 1 to 4000 characters."))
    return text


def ask(session: Session, actor: Actor, call: Call, text: str) -> Question:
    if actor.user_id is None:
        raise PermissionDenied(_l("Sign in to ask a question."))
    if not accepting(call):
        raise ValidationFailed(_l("Questions are taken while the call is open."))
    q = Question(call_id=call.id, asked_by_id=actor.user_id, question=_text(text, "question"))
    session.add(q)
    session.flush()
    audit.record(session, actor, "call", call.id, "ask", None, {"question_id": q.id})
    _tell(session, actor, q, "asked")
    return q


def answer(session: Session, actor: Actor, question: Question, text: str) -> Question:
    access.require_poster(session, actor, question.call)
    question.answer = _text(text, "answer")
    question.answered_by_id = actor.user_id
    question.answered_at = utcnow()
    session.flush()
    audit.record(session, actor, "call", question.call_id, "answer", None, {"question_id": question.id})
    _tell(session, actor, question, "answered")
    return question


def clarify(session: Session, actor: Actor, call: Call, text: str) -> Question:
    """A clarification the poster posts without a question (补遗): dated in the log like an answer."""
    access.require_poster(session, actor, call)
    if call.status not in {CallStatus.OPEN}:
        raise ValidationFailed(_l("Clarifications are posted while the call is open."))
    q = Question(call_id=call.id, answer=_text(text, "answer"), answered_by_id=actor.user_id, answered_at=utcnow())
    session.add(q)
    session.flush()
    audit.record(session, actor, "call", call.id, "clarify", None, {"question_id": q.id})
    _tell(session, actor, q, "answered")
    return q


def _tell(session: Session, actor: Actor, q: Question, verb: str) -> None:
    events.publish(session, events.DomainEvent(f"question.{verb}", "question", q.id, actor, {"call_id": q.call_id},
                                               subject=q))
