"""Conflicts of interest of an expert with an application: detected, not only declared.

An expert is recused when their organisation is the poster or a member of the consortium, or worked with any of
them under a recorded contract in the last three years. Contracts live in a higher domain: it registers a
*partner source* here (:func:`register_partner_source`) instead of this domain importing it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from techmarket.challenges.access import org_ids_of
from techmarket.challenges.constants import CONFLICT_YEARS
from techmarket.challenges.models import Application
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today
from techmarket.orgs.models import Organisation

PartnerSource = Callable[[Session, set[int], dt.date], set[int]]
"""``source(session, org_ids, since)``: the organisations that were parties with any of ``org_ids`` to a
recorded agreement signed on or after ``since``."""

_SOURCES: list[PartnerSource] = []


def register_partner_source(source: PartnerSource) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def partners(session: Session, org_ids: set[int], since: dt.date) -> set[int]:
    found: set[int] = set()
    for source in _SOURCES:
        found |= source(session, org_ids, since)
    return found - org_ids


def conflict_of(session: Session, expert_id: int, app: Application) -> Any | None:
    """Why the expert may not review this application (a message), or None."""
    expert_orgs = org_ids_of(session, Actor(user_id=expert_id, label="expert"))
    if not expert_orgs:
        return None
    if app.call.poster_org_id in expert_orgs:
        return _l("The expert's organisation posted this call.")
    own = expert_orgs & app.org_ids
    if own:
        return _l("The expert's organisation %(org)s is a member of this application.", org=_name(session, own))
    today = local_today()
    since = today.replace(year=today.year - CONFLICT_YEARS) if not (today.month == 2 and today.day == 29) else \
        today.replace(year=today.year - CONFLICT_YEARS, day=28)
    worked = partners(session, expert_orgs, since) & (app.org_ids | {app.call.poster_org_id})
    if worked:
        return _l("The expert's organisation worked with %(org)s under a recorded contract in the last %(n)d years.",
                  org=_name(session, worked), n=CONFLICT_YEARS)
    return None


def _name(session: Session, org_ids: set[int]) -> str:
    return "、".join(o.name for o in (session.get(Organisation, i) for i in sorted(org_ids)) if o is not None)
