"""The read side of challenges: the public list with its filters (and text search through the search
domain), my calls and applications, the operator's console."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from techmarket.challenges.calls import end_of_day
from techmarket.challenges.constants import PUBLIC_STATUSES, AppStatus, CallStatus, ReviewStatus
from techmarket.challenges.models import Application, Call, Member, Question, Review
from techmarket.challenges.search_index import DOC_TYPE
from techmarket.core.clock import utcnow
from techmarket.orgs.models import Division, Organisation
from techmarket.search.documents import SearchQuery
from techmarket.search.query import parse
from techmarket.search.service import SearchService

MAX_SEARCH_HITS = 500
HOME_LIMIT = 5


@dataclass
class Filters:
    q: str = ""
    field: str = ""
    region: str = ""
    status: str = ""
    bounty_min: Decimal | None = None
    bounty_max: Decimal | None = None
    deadline_before: dt.date | None = None


def public_calls(session: Session, service: SearchService | None, f: Filters) -> Select[Any]:
    stmt = select(Call).where(Call.status.in_([str(s) for s in PUBLIC_STATUSES]))
    order: Any = Call.published_at.desc()
    if f.q.strip() and service is not None:
        parsed = parse(f.q)
        ids: list[int] = []
        if parsed.terms:
            query = SearchQuery(terms=parsed.terms, doc_type=DOC_TYPE, per_page=MAX_SEARCH_HITS, with_facets=False)
            result = service.search(session, query)
            ids = [h.object_id for h in result.hits]
        stmt = stmt.where(Call.id.in_(ids or [0]))
        if ids:
            order = case({i: n for n, i in enumerate(ids)}, value=Call.id)
    if f.field:
        stmt = stmt.where(Call.field == f.field)
    if f.region:
        stmt = stmt.where(Call.prefecture_code == f.region)
    if f.status:
        stmt = stmt.where(Call.status == f.status)
    if f.bounty_min is not None:
        stmt = stmt.where(Call.bounty >= f.bounty_min)
    if f.bounty_max is not None:
        stmt = stmt.where(Call.bounty <= f.bounty_max)
    if f.deadline_before is not None:
        stmt = stmt.where(Call.deadline <= end_of_day(f.deadline_before))
    return stmt.order_by(order, Call.id.desc())


def calls_of_orgs(org_ids: set[int]) -> Select[Any]:
    return select(Call).where(Call.poster_org_id.in_(org_ids or {0})).order_by(Call.id.desc())


def applications_of_orgs(org_ids: set[int]) -> Select[Any]:
    mine = select(Member.application_id).where(Member.organisation_id.in_(org_ids or {0}))
    return select(Application).where(Application.id.in_(mine)).order_by(Application.id.desc())


def applications_of_call(session: Session, call: Call) -> list[Application]:
    return list(session.scalars(select(Application).where(Application.call_id == call.id,
                                                          Application.status != AppStatus.DRAFT)
                                .order_by(Application.id)))


def invitations_for(session: Session, org_ids: set[int]) -> list[Member]:
    return list(session.scalars(select(Member).where(Member.organisation_id.in_(org_ids or {0}),
                                                     Member.status == "invited", Member.is_lead.is_(False))))


def clarifications(session: Session, call: Call) -> list[Question]:
    """The answered questions and posted clarifications, dated, oldest first (the 补遗 log)."""
    return list(session.scalars(select(Question).where(Question.call_id == call.id,
                                                       Question.answered_at.is_not(None))
                                .order_by(Question.answered_at, Question.id)))


def open_questions(session: Session, call: Call) -> list[Question]:
    return list(session.scalars(select(Question).where(Question.call_id == call.id, Question.answered_at.is_(None))
                                .order_by(Question.id)))


def console_calls(status: str = "") -> Select[Any]:
    stmt = select(Call)
    if status:
        stmt = stmt.where(Call.status == status)
    return stmt.order_by(case((Call.status == CallStatus.PENDING, 0), (Call.status == CallStatus.REVIEWING, 1),
                              (Call.status == CallStatus.PUBLICITY, 2), else_=3), Call.deadline)


def stage_counts(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Call.status, func.count()).group_by(Call.status)).all())


def open_reviews_by_call(session: Session) -> dict[int, int]:
    """Reviews assigned and not yet scored, per call (the console's overdue reviews)."""
    rows = session.execute(select(Review.call_id, func.count()).where(Review.status == ReviewStatus.ASSIGNED)
                           .group_by(Review.call_id))
    return dict(rows.all())


@dataclass(frozen=True)
class OpenCall:
    """A call taking applications, as a plain row (the home page keeps these for a few seconds)."""

    id: int
    title: str
    poster: str
    region: str
    bounty: Decimal
    deadline: dt.datetime
    published_at: dt.datetime | None


def open_now(now: dt.datetime | None = None) -> Any:
    """The condition of a call taking applications now: open and before its deadline."""
    return (Call.status == CallStatus.OPEN.value) & (Call.deadline > (now or utcnow()))


def newest_open(session: Session, limit: int = HOME_LIMIT) -> list[OpenCall]:
    """The ``limit`` most recently published calls still taking applications, newest first."""
    stmt = (select(Call.id, Call.title, Organisation.name.label("poster"), Division.name.label("region"),
                   Call.bounty, Call.deadline, Call.published_at)
            .join(Organisation, Organisation.id == Call.poster_org_id)
            .outerjoin(Division, Division.code == Call.prefecture_code)
            .where(open_now()).order_by(Call.published_at.desc(), Call.id.desc()).limit(limit))
    return [OpenCall(r.id, r.title, r.poster, r.region or "", r.bounty, r.deadline, r.published_at)
            for r in session.execute(stmt)]


def count_open(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Call).where(open_now())) or 0)
