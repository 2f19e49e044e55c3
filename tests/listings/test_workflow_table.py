"""Every allowed and every forbidden transition of the listing workflow: all states x all actions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from techmarket.accounts.notifications import Notification
from techmarket.core.actor import Actor
from techmarket.core.audit import AuditEntry
from techmarket.core.errors import Conflict
from techmarket.extensions import db
from techmarket.listings import services, workflow
from techmarket.listings.constants import Kind, Status
from techmarket.listings.models import Listing
from tests.factories import Factories
from tests.listings.services_support import OPERATOR, RETURN_REASON, SYSTEM, Owner, count, in_state, new_owner

# The workflow of issue 3, written out here independently of workflow.py: (state, action) -> new state.
ALLOWED = {
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "approve"): "published",
    ("submitted", "return"): "returned",
    ("draft", "withdraw"): "withdrawn",
    ("submitted", "withdraw"): "withdrawn",
    ("returned", "withdraw"): "withdrawn",
    ("published", "withdraw"): "withdrawn",
    ("published", "close"): "closed",
    ("published", "expire"): "expired",
    ("withdrawn", "reopen"): "draft",
    ("expired", "reopen"): "draft",
}
TAKEN_BY = {"submit": "owner", "approve": "operator", "return": "operator", "withdraw": "owner_or_operator",
            "close": "owner", "expire": "system", "reopen": "owner"}
STATES = [s.value for s in Status]
ACTIONS = list(TAKEN_BY)


def test_the_table_in_the_code_is_the_documented_workflow() -> None:
    table = {(s, t.action): t.target for t in workflow.TRANSITIONS for s in t.sources
             if t.action not in workflow.REVISION_ACTIONS}
    assert table == ALLOWED
    assert {t.action: t.who for t in workflow.TRANSITIONS if t.action not in workflow.REVISION_ACTIONS} == TAKEN_BY
    revisions = [t for t in workflow.TRANSITIONS if t.action in workflow.REVISION_ACTIONS]
    assert all(t.target in t.sources and t.who == "operator" for t in revisions)  # the state stays
    assert {s for t in revisions if t.action == "approve_revision" for s in t.sources} == {"published"}
    assert {t.action: t.event for t in workflow.TRANSITIONS if t.action not in workflow.REVISION_ACTIONS} == {
        "submit": "submitted", "approve": "approved", "return": "returned", "withdraw": "withdrawn",
        "close": "closed", "expire": "expired", "reopen": "reopened"}
    forbidden = [(s, a) for s in STATES for a in ACTIONS if (s, a) not in ALLOWED]
    assert len(ALLOWED) == 12 and len(forbidden) == 37
    for state, action in forbidden:
        assert not workflow.can(action, Status(state))
        assert workflow.target(action, Status(state)) is None


def test_actions_offered_to_each_party() -> None:
    assert sorted(workflow.actions_for(Status.PUBLISHED, "owner")) == ["close", "withdraw"]
    assert sorted(workflow.actions_for(Status.SUBMITTED, "operator")) == ["approve", "return", "withdraw"]
    assert workflow.actions_for(Status.PUBLISHED, "system") == ["expire"]
    assert workflow.actions_for(Status.CLOSED, "owner") == []
    assert sorted(workflow.actions_for(Status.RETURNED, "owner")) == ["submit", "withdraw"]
    assert {Status.DRAFT, Status.RETURNED, Status.WITHDRAWN} == workflow.EDITABLE


def _actor(who: Owner, action: str) -> Actor:
    return {"owner": who.actor, "owner_or_operator": who.actor, "operator": OPERATOR,
            "system": SYSTEM}[TAKEN_BY[action]]


def _entries(listing_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "listing", AuditEntry.object_id == str(listing_id)).order_by(AuditEntry.seq)))


@pytest.mark.parametrize("kind", [Kind.ACHIEVEMENT, Kind.DEMAND])
@pytest.mark.parametrize("state", STATES)
def test_every_action_from_every_state(make: Factories, monkeypatch: pytest.MonkeyPatch, state: str,
                                       kind: Kind) -> None:
    """Allowed: the listing moves and the audit log has the step with before/after. Forbidden: Conflict, and
    nothing changes (status, version, audit log, notifications)."""
    who = new_owner(make, monkeypatch)
    for action in ACTIONS:
        listing = in_state(who, state, kind)
        listing_id, version = listing.id, listing.version
        audit_before, notes_before = count(AuditEntry), count(Notification)
        target = ALLOWED.get((state, action))
        reason = RETURN_REASON if action == "return" else ""
        if target is None:
            with pytest.raises(Conflict):
                services.transition(db.session, _actor(who, action), listing, action, reason=reason)
            db.session.rollback()
            reloaded = db.session.get(Listing, listing_id)
            assert reloaded is not None
            assert (reloaded.status, reloaded.version) == (state, version), action
            assert (count(AuditEntry), count(Notification)) == (audit_before, notes_before), action
            continue
        services.transition(db.session, _actor(who, action), listing, action, reason=reason)
        db.session.commit()
        db.session.expire_all()
        reloaded = db.session.get(Listing, listing_id)
        assert reloaded is not None and reloaded.status == target, action
        assert reloaded.version > version
        entry = _entries(listing_id)[-1]
        assert entry.action == action
        assert entry.before is not None and entry.after is not None
        assert (entry.before["status"], entry.after["status"]) == (state, target)
        assert entry.actor_id == _actor(who, action).user_id
        if action == "return":
            assert entry.after["reason"] == RETURN_REASON and reloaded.return_reason == RETURN_REASON
