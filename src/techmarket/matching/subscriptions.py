"""Subscriptions: saved searches, followed fields, 盟市 and organisations, and new matches for one's demands.

Rules only (no Flask): each call takes the acting user's :class:`Actor`; only a subscription's own user may
change it, except through a signed unsubscribe link (:func:`unsubscribe`, whose token the caller checked).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from techmarket.core.actor import Actor
from techmarket.core.errors import NotFound, PermissionDenied, ValidationFailed
from techmarket.listings.constants import FIELDS, Kind
from techmarket.listings.models import Listing
from techmarket.listings.services import owner_ids
from techmarket.matching.models import (
    DEMAND,
    FIELD,
    FREQUENCIES,
    ORG,
    REGION,
    SEARCH,
    Subscription,
)
from techmarket.orgs.models import Division, Organisation

SEARCH_ARGS = ("q", "kind", "field", "region", "maturity", "mode", "amount_min", "amount_max", "posted_from",
               "posted_to")  # what a saved search keeps of the search page's address (not sort or page)
MAX_PER_USER = 200
DEFAULT_FREQUENCY = "daily"
_PREFECTURE = re.compile(r"15\d\d00")


def _check_frequency(frequency: str) -> str:
    if frequency not in FREQUENCIES:
        raise ValidationFailed(_l("Choose immediately, daily or weekly."),
                               field_errors={"frequency": _l("Choose immediately, daily or weekly.")})
    return frequency


def _signed_in(actor: Actor) -> int:
    if actor.user_id is None:
        raise PermissionDenied(_l("Sign in to subscribe."))
    return actor.user_id


def canonical_query(args: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The saved search's arguments: known names, trimmed, empty and duplicate values left out, in a stable
    order (so the same search saved twice is one subscription)."""
    out: list[list[str]] = []
    for name, value in args:
        value = str(value).strip()[:200]
        if name in SEARCH_ARGS and value and value != "all" and [name, value] not in out:
            out.append([name, value])
    return sorted(out, key=lambda p: (SEARCH_ARGS.index(p[0]), p[1]))[:40]


def search_target(query: list[list[str]]) -> str:
    """A saved search's target: a digest of its canonical arguments."""
    return hashlib.sha256(json.dumps(query, ensure_ascii=False).encode()).hexdigest()[:40]


def _existing(session: Session, user_id: int, kind: str, target: str) -> Subscription | None:
    return session.scalar(select(Subscription).where(Subscription.user_id == user_id, Subscription.kind == kind,
                                                     Subscription.target == target))


def _add(session: Session, user_id: int, kind: str, target: str, *, label: str, frequency: str,
         query: list[list[str]] | None = None) -> Subscription:
    row = _existing(session, user_id, kind, target)
    if row is not None:  # subscribing again changes the frequency: never a second row
        row.frequency = frequency
        session.flush()
        return row
    count = len(session.scalars(select(Subscription.id).where(Subscription.user_id == user_id)
                                .limit(MAX_PER_USER)).all())
    if count >= MAX_PER_USER:
        raise ValidationFailed(_l("You have %(n)d subscriptions, the most one person may have. Delete some first.",
                                  n=MAX_PER_USER))
    row = Subscription(user_id=user_id, kind=kind, target=target, label=label[:200], frequency=frequency,
                       query=query or [])
    session.add(row)
    session.flush()
    return row


def save_search(session: Session, actor: Actor, args: Iterable[tuple[str, str]], *,
                frequency: str = DEFAULT_FREQUENCY) -> Subscription:
    """Save the search page's query and filters as a subscription."""
    user_id = _signed_in(actor)
    query = canonical_query(args)
    if not query:
        raise ValidationFailed(_l("Type some words or choose a filter before saving the search."))
    digest = search_target(query)
    words = next((v for k, v in query if k == "q"), "")
    return _add(session, user_id, SEARCH, digest, label=words, frequency=_check_frequency(frequency), query=query)


def follow(session: Session, actor: Actor, kind: str, target: str, *, frequency: str = DEFAULT_FREQUENCY
           ) -> Subscription:
    """Follow a field, a 盟市 or an organisation."""
    user_id = _signed_in(actor)
    target = str(target).strip()
    label = target
    if kind == FIELD:
        if target not in FIELDS:
            raise ValidationFailed(_l("Unknown field."))
    elif kind == REGION:
        division = session.get(Division, target) if _PREFECTURE.fullmatch(target) else None
        if division is None:
            raise ValidationFailed(_l("Unknown league or city."))
        label = division.name
    elif kind == ORG:
        org = session.get(Organisation, int(target)) if target.isdigit() else None
        if org is None or not org.is_verified:
            raise NotFound(_l("No such organisation."))
        label = org.name
    else:
        raise ValidationFailed(_l("This cannot be followed."))
    return _add(session, user_id, kind, target, label=label, frequency=_check_frequency(frequency))


def subscribe_owners_to_demand(session: Session, demand: Listing) -> list[Subscription]:
    """Subscribe the owners of a newly published demand to its new matches (daily), unless already there."""
    if demand.kind != Kind.DEMAND.value:
        return []
    out = []
    for user_id in owner_ids(session, demand.organisation_id):
        row = _existing(session, user_id, DEMAND, str(demand.id))
        if row is None:
            row = Subscription(user_id=user_id, kind=DEMAND, target=str(demand.id), label=demand.title[:200],
                               frequency=DEFAULT_FREQUENCY, query=[])
            session.add(row)
        out.append(row)
    session.flush()
    return out


def _own(session: Session, actor: Actor, subscription_id: int) -> Subscription:
    row = session.get(Subscription, subscription_id)
    if row is None or row.user_id != actor.user_id:  # someone else's is as good as missing
        raise NotFound(_l("No such subscription."))
    return row


def set_frequency(session: Session, actor: Actor, subscription_id: int, frequency: str) -> Subscription:
    row = _own(session, actor, subscription_id)
    row.frequency = _check_frequency(frequency)
    session.flush()
    return row


def remove(session: Session, actor: Actor, subscription_id: int) -> None:
    session.delete(_own(session, actor, subscription_id))
    session.flush()


def unsubscribe(session: Session, user_id: int, subscription_ids: Sequence[int]) -> int:
    """What a signed unsubscribe link does (the caller checked the token): delete those of the user's
    subscriptions; how many there were."""
    result = session.execute(delete(Subscription).where(Subscription.user_id == user_id,
                                                        Subscription.id.in_(list(subscription_ids))))
    session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def of_user(user_id: int) -> Select[Any]:
    """A user's subscriptions, newest first (the settings page paginates it)."""
    return select(Subscription).where(Subscription.user_id == user_id).order_by(Subscription.id.desc())


def listed(session: Session, user_id: int, ids: Sequence[int]) -> list[Subscription]:
    return list(session.scalars(of_user(user_id).where(Subscription.id.in_(list(ids)))))


def following(session: Session, user_id: int | None, kind: str, target: str) -> Subscription | None:
    """The user's subscription to this field, 盟市, organisation or saved search (None when none)."""
    return _existing(session, user_id, kind, target) if user_id is not None else None
