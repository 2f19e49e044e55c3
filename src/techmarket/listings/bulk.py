"""Creating many listings at once (an import): the rules of :func:`services.create`, written in bulk.

Each listing is validated exactly as one created on the form is (:func:`services.check`), and the actor must be a
member of the organisation or an operator importing. The rows are then written with one multi-row INSERT per
table (listings, their facet tags, their IP items) instead of an ORM flush per listing, and ONE audit entry per
listing records its state after (the import wrote two: ``create`` then ``submit``). The search index and the
Elasticsearch outbox learn of the new rows at commit, as of any change (:func:`search.sync.changed`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.errors import PermissionDenied
from techmarket.core.roles import Role
from techmarket.listings import services, workflow
from techmarket.listings.constants import Kind, Status
from techmarket.listings.data import ListingData
from techmarket.listings.models import IPItem, Listing, ListingTag
from techmarket.orgs.models import Division, Organisation
from techmarket.search import sync

LISTING = cast(Table, Listing.__table__)
TAG = cast(Table, ListingTag.__table__)
IP_ITEM = cast(Table, IPItem.__table__)


@dataclass(frozen=True)
class NewListing:
    """One listing of a bulk creation."""

    org: Organisation
    kind: Kind
    data: ListingData
    import_key: str | None = None


def create_many(session: Session, actor: Actor, items: Sequence[NewListing], *, submit: bool = False,
                via: str = "import") -> list[int]:
    """Create the listings and return their ids, in order. With ``submit`` the listings of verified
    organisations go straight to the review queue (``submitted``, as the ``submit`` step would put them), the
    others stay drafts; none is public. The audit entries' action is ``via``. Raises the first failing item's
    error (a caller that reports per row redoes the batch one item at a time)."""
    if not items:
        return []
    _authorise(session, actor, items)
    divisions = _divisions(session, items)
    now = utcnow()
    rows = []
    for item in items:
        services.check(session, item.kind, item.data)
        rows.append(_row(actor, item, divisions, now, submit))
    ids = list(session.scalars(insert(LISTING).returning(LISTING.c.id, sort_by_parameter_order=True), rows))
    tags = [{"listing_id": lid, "facet": facet, "value": value} for lid, item in zip(ids, items, strict=True)
            for facet, values in (("field", item.data.fields), ("mode", item.data.modes))
            for value in sorted(set(values))]
    if tags:
        session.execute(insert(TAG), tags)
    ip_items = [{"listing_id": lid, "ip_type": i.ip_type, "number": i.number, "status": i.status, "title": i.title}
                for lid, item in zip(ids, items, strict=True) for i in item.data.ip_items]
    if ip_items:
        session.execute(insert(IP_ITEM), ip_items)
    for lid, item, row in zip(ids, items, rows, strict=True):
        audit.record(session, actor, "listing", lid, via, None, _snapshot(item.data, row))
    sync.changed(session, "listing", ids, public=False)
    return ids


def _authorise(session: Session, actor: Actor, items: Sequence[NewListing]) -> None:
    allowed: dict[int, bool] = {}
    for item in items:
        org_id = item.org.id
        if org_id not in allowed:
            allowed[org_id] = (bool(item.import_key) and actor.has(Role.OPERATOR)) or services.is_member(
                session, actor, org_id)
        if not allowed[org_id]:
            raise PermissionDenied(_l("You can only post for an organisation you belong to."))


def _divisions(session: Session, items: Sequence[NewListing]) -> dict[str, str | None]:
    """Division code -> its prefecture's code, for every division the items name or fall back to (one query)."""
    codes = {i.data.division_code or i.org.division_code for i in items} - {None, ""}
    if not codes:
        return {}
    return {d.code: d.prefecture_code for d in session.scalars(select(Division).where(Division.code.in_(codes)))}


def _row(actor: Actor, item: NewListing, divisions: dict[str, str | None], now: dt.datetime,
         submit: bool) -> dict[str, Any]:
    """The listing's columns, as :func:`services.create` (and its ``_apply``) would set them."""
    data = item.data
    row: dict[str, Any] = {key: getattr(data, key) for key in services.SCALARS}
    row["division_code"] = data.division_code or item.org.division_code or None
    row["prefecture_code"] = divisions.get(row["division_code"] or "")
    row["maturity"] = (data.maturity or None) if item.kind == Kind.ACHIEVEMENT else None
    if data.negotiable:
        row["amount_min"] = row["amount_max"] = None
    queued = submit and item.org.is_verified and workflow.can("submit", Status.DRAFT)
    row.update(kind=item.kind.value, organisation_id=item.org.id, created_by_id=actor.user_id,
               status=(Status.SUBMITTED if queued else Status.DRAFT).value, submitted_at=now if queued else None,
               import_key=item.import_key, created_at=now, updated_at=now)
    return row


def _snapshot(data: ListingData, row: dict[str, Any]) -> dict[str, Any]:
    """:func:`services.snapshot` of the listing the row makes, without reading it back."""
    out = data.to_json()
    out["maturity"] = row["maturity"] or ""
    out["division_code"] = row["division_code"]
    if row["amount_min"] is None and row["amount_max"] is None:
        out["amount_min"] = out["amount_max"] = None
    return out | {"status": row["status"], "kind": row["kind"]}
