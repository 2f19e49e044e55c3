"""Listing rules: drafting, editing (revisions of published listings), the workflow, expiry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts.notifications import notify
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today, utcnow
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.core.events import DomainEvent
from techmarket.core.roles import Role
from techmarket.core.workflow import Machine, apply
from techmarket.listings import workflow
from techmarket.listings.constants import Kind, Status
from techmarket.listings.data import IPItemData, ListingData, validate
from techmarket.listings.models import IPItem, Listing, ListingTag, Revision
from techmarket.orgs.models import Division, Membership, Organisation
from techmarket.orgs.services import membership

SCALARS = ("title", "summary", "description", "keywords", "division_code", "contact_name", "contact_phone",
            "contact_email", "valid_until", "negotiable", "amount_min", "amount_max", "team", "trl",
            "advantages", "expected_benefit", "fiscal_funded", "approval_document", "application_industries",
            "technical_targets", "deadline", "confidentiality")


def data_of(listing: Listing) -> ListingData:
    """The listing's current content as editable data."""
    values: dict[str, Any] = {k: getattr(listing, k) for k in SCALARS}
    return ListingData(
        **values, maturity=listing.maturity or "", fields=listing.fields, modes=listing.modes,
        ip_items=[IPItemData(i.ip_type, i.number, i.status, i.title) for i in listing.ip_items],
    )


def snapshot(listing: Listing) -> dict[str, Any]:
    return data_of(listing).to_json() | {"status": listing.status, "kind": listing.kind}


def _apply(session: Session, listing: Listing, data: ListingData) -> None:
    for key in SCALARS:
        setattr(listing, key, getattr(data, key))
    listing.maturity = (data.maturity or None) if listing.kind == Kind.ACHIEVEMENT else None
    listing.division_code = listing.division_code or listing.organisation.division_code
    division = session.get(Division, listing.division_code) if listing.division_code else None
    listing.prefecture_code = division.prefecture_code if division is not None else None
    if data.negotiable:
        listing.amount_min = listing.amount_max = None
    wanted = {("field", f) for f in data.fields} | {("mode", m) for m in data.modes}
    listing.tags[:] = [t for t in listing.tags if (t.facet, t.value) in wanted]
    have = {(t.facet, t.value) for t in listing.tags}
    listing.tags.extend(ListingTag(facet=f, value=v) for f, v in sorted(wanted - have))
    listing.ip_items[:] = [IPItem(ip_type=i.ip_type, number=i.number, status=i.status, title=i.title)
                           for i in data.ip_items]


def is_member(session: Session, actor: Actor, org_id: int) -> bool:
    return membership(session, org_id, actor.user_id) is not None


def require_editor(session: Session, actor: Actor, listing: Listing) -> None:
    if not is_member(session, actor, listing.organisation_id):
        raise PermissionDenied(_l("Only members of the owning organisation may change this listing."))


def owner_ids(session: Session, org_id: int) -> list[int]:
    return list(session.scalars(select(Membership.user_id).where(Membership.organisation_id == org_id)))


def check(session: Session, kind: Kind, data: ListingData) -> None:
    """Raise :class:`ValidationFailed` with the field errors unless ``data`` may be saved (normalises it)."""
    errors = validate(session, kind, data)
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)


def create(session: Session, actor: Actor, org: Organisation, kind: Kind, data: ListingData,
           import_key: str | None = None) -> Listing:
    if not is_member(session, actor, org.id) and not (import_key and actor.has(Role.OPERATOR)):
        raise PermissionDenied(_l("You can only post for an organisation you belong to."))
    check(session, kind, data)
    listing = Listing(kind=kind.value, organisation=org, created_by_id=actor.user_id, status=Status.DRAFT.value,
                      import_key=import_key)
    _apply(session, listing, data)
    session.add(listing)
    session.flush()
    audit.record(session, actor, "listing", listing.id, "create", None, snapshot(listing))
    return listing


def update(session: Session, actor: Actor, listing: Listing, data: ListingData) -> Revision | None:
    """Edit in place while not public; for a published listing, propose a revision for the operator."""
    require_editor(session, actor, listing)
    status = Status(listing.status)
    if status in {Status.CLOSED, Status.EXPIRED}:
        raise Conflict(_l("A closed or expired listing cannot be edited; reopen it first."))
    check(session, Kind(listing.kind), data)
    if status == Status.PUBLISHED:
        return _propose_revision(session, actor, listing, data)
    before = snapshot(listing)
    _apply(session, listing, data)
    session.flush()
    audit.record(session, actor, "listing", listing.id, "update", before, snapshot(listing))
    return None


def pending_revision(session: Session, listing_id: int) -> Revision | None:
    return session.scalar(select(Revision).where(Revision.listing_id == listing_id, Revision.status == "pending"))


def _propose_revision(session: Session, actor: Actor, listing: Listing, data: ListingData) -> Revision:
    rev = pending_revision(session, listing.id)
    if rev is None:
        number = len(list(session.scalars(select(Revision.id).where(Revision.listing_id == listing.id)))) + 1
        rev = Revision(listing_id=listing.id, number=number, before=data_of(listing).to_json(),
                       after=data.to_json(), created_by_id=actor.user_id)
        session.add(rev)
    else:
        rev.after = data.to_json()
        rev.created_at = utcnow()
    session.flush()
    audit.record(session, actor, "listing", listing.id, "propose_revision", rev.before, rev.after)
    return rev


def decide_revision(session: Session, actor: Actor, rev: Revision, *, approve: bool, reason: str = "") -> None:
    """The operator publishes a proposed change, or returns it with a reason (a step of the listing's machine)."""
    apply(session, actor, MACHINE, rev.listing, "approve_revision" if approve else "reject_revision",
          reason=reason, revision=rev)


def _guard_revision(session: Session, actor: Actor, listing: Listing, data: Mapping[str, Any]) -> None:
    if data["revision"].status != "pending":
        raise Conflict(_l("This revision was already decided. Reload to see its state."))


def _guard_reject_revision(session: Session, actor: Actor, listing: Listing, data: Mapping[str, Any]) -> None:
    _guard_revision(session, actor, listing, data)
    if not str(data.get("reason") or "").strip():
        raise ValidationFailed(_l("Say why the change is returned."), field_errors={"reason": _l("Give the reason.")})


def _decide(rev: Revision, actor: Actor, approved: bool, reason: str) -> None:
    rev.status = "approved" if approved else "rejected"
    rev.reason = reason.strip() or None
    rev.decided_by_id, rev.decided_at = actor.user_id, utcnow()


def _on_approve_revision(session: Session, actor: Actor, listing: Listing, data: Mapping[str, Any]) -> dict[str, Any]:
    rev: Revision = data["revision"]
    _apply(session, listing, ListingData.from_json(rev.after))
    _decide(rev, actor, True, str(data.get("reason") or ""))
    return {"revision": rev.number}


def _on_reject_revision(session: Session, actor: Actor, listing: Listing, data: Mapping[str, Any]) -> dict[str, Any]:
    rev: Revision = data["revision"]
    _decide(rev, actor, False, str(data.get("reason") or ""))
    return {"revision": rev.number}


def _authorise(session: Session, actor: Actor, listing: Listing, who: str) -> None:
    if who == workflow.OPERATOR:
        if not actor.has(Role.OPERATOR):
            raise PermissionDenied(_l("Only the market operator reviews listings."))
    elif who == workflow.SYSTEM:
        if not actor.has(Role.ADMIN):  # Actor.system() or an administrator; not any actor without a user
            raise PermissionDenied(_l("This step is taken by the system."))
    elif who == workflow.OWNER_OR_OPERATOR and actor.has(Role.OPERATOR):
        return  # moderation: the operator may take any listing off the market
    else:
        require_editor(session, actor, listing)


def _guard_submit(session: Session, actor: Actor, listing: Listing, data: Mapping[str, Any]) -> None:
    if not listing.organisation.is_verified:
        raise PermissionDenied(_l("Only verified organisations can submit listings. Ask the operator to "
                                  "verify yours first."))
    check(session, Kind(listing.kind), data_of(listing))


def _guard_reason(session: Session, actor: Actor, listing: Listing, data: Mapping[str, Any]) -> None:
    if not str(data.get("reason") or "").strip():
        raise ValidationFailed(_l("Say why it is returned."), field_errors={"reason": _l("Give the reason.")})


def _on_submit(session: Session, actor: Actor, listing: Listing, data: Mapping[str, Any]) -> None:
    listing.submitted_at, listing.return_reason = utcnow(), None


def _on_approve(session: Session, actor: Actor, listing: Listing, data: Mapping[str, Any]) -> None:
    listing.published_at = listing.published_at or utcnow()


def _on_return(session: Session, actor: Actor, listing: Listing, data: Mapping[str, Any]) -> None:
    listing.return_reason = str(data["reason"]).strip()[:2000]


_RULES: dict[str, dict[str, Any]] = {
    "submit": {"guard": _guard_submit, "effect": _on_submit},
    "approve": {"effect": _on_approve},
    "return": {"guard": _guard_reason, "effect": _on_return},
    "approve_revision": {"guard": _guard_revision, "effect": _on_approve_revision},
    "reject_revision": {"guard": _guard_reject_revision, "effect": _on_reject_revision},
}


def _not_possible(listing: Listing, action: str) -> Conflict:
    if action == "approve_revision":  # withdrawn (and maybe edited) since the change was proposed
        return Conflict(_l("The listing is no longer published, so this change cannot be applied; reject it."))
    return Conflict(_l("This listing is “%(state)s”: that step is not possible now.",
                       state=Status(listing.status).label))


MACHINE: Machine[Listing] = Machine(
    name="listing",
    transitions=tuple(replace(t, **_RULES.get(t.action, {})) for t in workflow.TRANSITIONS),
    authorise=_authorise,
    snapshot=snapshot,
    not_possible=_not_possible,
    stale=lambda listing: Conflict(_l("Someone else changed this listing first. Reload to see its state.")),
)


def transition(session: Session, actor: Actor, listing: Listing, action: str, *, reason: str = "",
               expected_version: int | None = None) -> Listing:
    """Move a listing through the workflow; the first of two concurrent deciders wins."""
    apply(session, actor, MACHINE, listing, action, expected_version=expected_version, reason=reason)
    return listing


def announce(session: Session, event: DomainEvent) -> None:
    """Listener: tell the owners when their listing was approved, returned, expired, or withdrawn with a reason."""
    listing = event.subject
    reason = str(event.data.get("reason") or "")
    action = str(event.data["action"])
    if action in workflow.REVISION_ACTIONS:
        notify(session, owner_ids(session, listing.organisation_id), event.verb,
               {"title": listing.title, "reason": reason}, "listings.detail", listing_id=listing.id)
    elif action in {"approve", "return", "expire"} or (action == "withdraw" and reason):
        notify(session, owner_ids(session, listing.organisation_id), f"listing_{action}",
               {"title": listing.title, "reason": reason}, "listings.detail", listing_id=listing.id)


def expire_due(session: Session, today: dt.date | None = None) -> int:
    """Expire published listings past their validity (the scheduled job); returns how many."""
    today = today or local_today()
    due = session.scalars(select(Listing).where(Listing.status == Status.PUBLISHED,
                                                Listing.valid_until < today)).all()
    system = Actor.system("expiry job")
    for listing in due:
        transition(session, system, listing, "expire")
    return len(due)
