"""The daily job of calls: close those whose deadline passed, and remind applicants three days before it.

Run once a day (``techmarket challenges due``): a call whose deadline falls on the third day from today is
reminded once, to everyone who accepted its NDA or holds a draft application to it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts.notifications import notify
from techmarket.challenges import access, calls
from techmarket.challenges.constants import AppStatus, CallStatus
from techmarket.challenges.models import Application, Call, NdaAcceptance
from techmarket.core.clock import LOCAL_TZ, local_today, utcnow

REMIND_DAYS = 3


def close_due(session: Session) -> int:
    due = session.scalars(select(Call).where(Call.status == CallStatus.OPEN, Call.deadline <= utcnow())).all()
    return sum(1 for call in due if calls.settle(session, call))


def remind(session: Session, today: dt.date | None = None) -> int:
    day = (today or local_today()) + dt.timedelta(days=REMIND_DAYS)
    start = dt.datetime.combine(day, dt.time(0, 0), LOCAL_TZ).astimezone(dt.UTC)
    end = start + dt.timedelta(days=1)
    count = 0
    for call in session.scalars(select(Call).where(Call.status == CallStatus.OPEN, Call.deadline >= start,
                                                   Call.deadline < end)):
        users = set(session.scalars(select(NdaAcceptance.user_id).where(NdaAcceptance.call_id == call.id)))
        drafts = session.scalars(select(Application.lead_org_id).where(Application.call_id == call.id,
                                                                       Application.status == AppStatus.DRAFT))
        users |= access.member_ids(session, *drafts)
        notify(session, users, "call_deadline_soon", {"title": call.title, "days": REMIND_DAYS},
               "challenges.detail", call_id=call.id)
        count += 1
    return count
