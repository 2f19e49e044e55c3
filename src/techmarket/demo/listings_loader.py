"""Loads the demo listings through listings.services, so every one obeys the rules and is audited. Idempotent.

Each listing is created by an owner of its organisation, then driven to its planned state by the same calls a
person would make: the owner submits, withdraws or closes, the demo operator approves or returns with a reason,
an owner's edit of a published listing becomes a pending revision, and the system expiry job expires. Their dates
are then spread over the past two years (:mod:`techmarket.demo.listings_dates`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts.models import User
from techmarket.accounts.services import actor_for, find_by_email
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today
from techmarket.demo.listings_build import KEY_PREFIX, DemoListing, build
from techmarket.demo.listings_dates import backdate, plan_dates
from techmarket.listings import services
from techmarket.listings.models import Listing, Revision
from techmarket.orgs.constants import MemberRole
from techmarket.orgs.models import Membership, Organisation

OPERATOR_EMAIL = "operator@demo.techmarket.cn"
# Which calls take a listing from draft to each planned state (expiry is handled apart, see below).
STEPS = {
    "draft": (),
    "submitted": ("submit",),
    "published": ("submit", "approve"),
    "returned": ("submit", "return"),
    "withdrawn": ("submit", "approve", "withdraw"),
    "closed": ("submit", "approve", "close"),
    "expired": ("submit", "approve"),
    "revision": ("submit", "approve"),
}


def load_listings(session: Session, today: dt.date | None = None) -> int:
    """Create the demo listings that are not there yet; returns how many were added."""
    today = today or local_today()
    items = build(today)
    existing = set(session.scalars(select(Listing.import_key).where(Listing.import_key.like(f"{KEY_PREFIX}%"))))
    todo = [item for item in items if item.key not in existing]
    if not todo:
        return 0
    orgs = {o.name: o for o in session.scalars(select(Organisation).where(
        Organisation.name.in_({item.org for item in todo})))}
    owners = _owners(session, [o.id for o in orgs.values()])
    operator_user = find_by_email(session, OPERATOR_EMAIL)
    operator = actor_for(operator_user) if operator_user is not None else Actor.system("demo operator")
    to_expire: list[tuple[Listing, int]] = []
    created = 0
    for item in todo:
        org = orgs.get(item.org)
        owner = owners.get(org.id) if org is not None else None
        if org is None or owner is None:
            continue  # the organisation was not loaded (or has no owner): nothing to post for
        listing = services.create(session, owner, org, item.kind, item.data, import_key=item.key)
        created += 1
        plan = item.plan if org.is_verified else "draft"  # only verified organisations submit
        _drive(session, listing, item, plan, owner, operator)
        revisions = list(session.scalars(select(Revision).where(Revision.listing_id == listing.id)))
        backdate(session, listing, plan_dates(item.key, plan, today, item.expired_days_ago), revisions)
        if plan == "expired":
            to_expire.append((listing, item.expired_days_ago))
    _expire(session, to_expire, today)
    return created


def _owners(session: Session, org_ids: list[int]) -> dict[int, Actor]:
    rows = session.execute(select(Membership.organisation_id, User).join(User, User.id == Membership.user_id)
                           .where(Membership.organisation_id.in_(org_ids), Membership.role == MemberRole.OWNER)
                           .order_by(Membership.id)).all()
    owners: dict[int, Actor] = {}
    for org_id, user in rows:
        owners.setdefault(org_id, actor_for(user))
    return owners


def _drive(session: Session, listing: Listing, item: DemoListing, plan: str, owner: Actor, operator: Actor) -> None:
    for action in STEPS[plan]:
        by_operator = action in {"approve", "return"}
        services.transition(session, operator if by_operator else owner, listing, action,
                            reason=item.reason if action == "return" else "")
    if plan == "revision" and item.revision is not None:
        services.update(session, owner, listing, item.revision)


def _expire(session: Session, due: list[tuple[Listing, int]], today: dt.date) -> None:
    """Expire the listings planned as expired, through the real daily job.

    A listing cannot be created valid until a past date (the validator refuses it), so these were created and
    published with a future validity like any other. To show listings that have since run out, the demo moves
    their ``valid_until`` back to a few weeks ago -- a demo-only shortcut standing in for the passing of time, done
    directly on the model and nowhere else -- and then runs ``services.expire_due`` for today, which expires them
    through the system ``expire`` transition: audited and notified like a real expiry.
    """
    if not due:
        return
    for listing, days_ago in due:
        listing.valid_until = today - dt.timedelta(days=days_ago)
        if listing.deadline is not None and listing.deadline > listing.valid_until:
            listing.deadline = listing.valid_until
    session.flush()
    services.expire_due(session, today)


def summary(session: Session) -> dict[str, Counter[str]]:
    """Demo listings by status, kind and prefecture (for the CLI and the tests)."""
    rows = session.execute(select(Listing.status, Listing.kind, Listing.prefecture_code)
                           .where(Listing.import_key.like(f"{KEY_PREFIX}%"))).all()
    return {"status": Counter(r[0] for r in rows), "kind": Counter(r[1] for r in rows),
            "prefecture": Counter(r[2] or "" for r in rows)}
