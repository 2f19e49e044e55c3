"""Workflow rules beyond the table: who may take each step, verified organisations, reasons, races, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from techmarket.accounts.services import actor_for
from techmarket.core.actor import ANONYMOUS, Actor
from techmarket.core.audit import AuditEntry, verify_chain
from techmarket.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings import services
from techmarket.listings.constants import Kind, Status
from techmarket.listings.models import Listing
from techmarket.orgs.models import Membership
from tests.factories import Factories
from tests.listings.services_support import (
    OPERATOR,
    RETURN_REASON,
    SYSTEM,
    achievement,
    audit_actions,
    count,
    create,
    in_state,
    new_owner,
)


def _unchanged(listing: Listing, status: str, version: int, audit_count: int) -> None:
    db.session.rollback()
    db.session.refresh(listing)
    assert (listing.status, listing.version, count(AuditEntry)) == (status, version, audit_count)


def test_submit_needs_a_verified_organisation(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    for status in ("pending", "returned"):
        who = new_owner(make, monkeypatch, status=status)
        listing = create(who)  # drafting is open to every member
        version, audits = listing.version, count(AuditEntry)
        with pytest.raises(PermissionDenied):
            services.transition(db.session, who.actor, listing, "submit")
        _unchanged(listing, "draft", version, audits)


def test_submit_checks_the_content_again(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = create(who)
    listing.summary = ""  # e.g. a rule tightened since the draft was saved
    db.session.commit()
    with pytest.raises(ValidationFailed) as caught:
        services.transition(db.session, who.actor, listing, "submit")
    assert "summary" in caught.value.field_errors
    _unchanged(listing, "draft", listing.version, count(AuditEntry))


def test_only_members_post_and_edit(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who, other = new_owner(make, monkeypatch), new_owner(make, monkeypatch)
    with pytest.raises(PermissionDenied):
        services.create(db.session, other.actor, who.org, Kind.ACHIEVEMENT, achievement())
    db.session.rollback()
    assert count(Listing) == 0
    listing = create(who)
    strangers = (other.actor, OPERATOR, actor_for(make.user(Role.ENTERPRISE)), actor_for(make.operator()))
    version, audits = listing.version, count(AuditEntry)
    for stranger in strangers:
        with pytest.raises(PermissionDenied):
            services.update(db.session, stranger, listing, achievement(title="被他人修改的标题"))
        with pytest.raises(PermissionDenied):
            services.transition(db.session, stranger, listing, "submit")
        _unchanged(listing, "draft", version, audits)
    assert listing.title == "烧结钕铁硼晶界扩散重稀土减量技术"


def test_a_second_member_may_edit(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    colleague = make.user(Role.RESEARCHER)
    db.session.add(Membership(organisation_id=who.org.id, user_id=colleague.id, role="member"))
    db.session.commit()
    listing = create(who)
    assert services.update(db.session, actor_for(colleague), listing, achievement(title="新标题：高丰度铈磁体")) is None
    db.session.commit()
    assert listing.title == "新标题：高丰度铈磁体" and audit_actions(listing) == ["create", "update"]


def test_operator_imports_for_an_organisation_only_with_an_import_key(make: Factories,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    with pytest.raises(PermissionDenied):
        services.create(db.session, OPERATOR, who.org, Kind.ACHIEVEMENT, achievement())
    db.session.rollback()
    listing = services.create(db.session, OPERATOR, who.org, Kind.ACHIEVEMENT, achievement(), import_key="row-7")
    db.session.commit()
    assert listing.import_key == "row-7" and listing.status == "draft"


def test_each_party_takes_only_its_own_steps(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    submitted = in_state(who, Status.SUBMITTED)
    with pytest.raises(PermissionDenied):  # owners do not approve their own listings
        services.transition(db.session, who.actor, submitted, "approve")
    published = in_state(who, Status.PUBLISHED)
    for not_the_system in (who.actor, OPERATOR, actor_for(make.operator()), ANONYMOUS,
                           Actor(user_id=None, label="import job (no user)")):
        with pytest.raises(PermissionDenied):
            services.transition(db.session, not_the_system, published, "expire")
    with pytest.raises(PermissionDenied):  # closing is the owner's statement that it was traded
        services.transition(db.session, OPERATOR, published, "close")
    with pytest.raises(NotFound):
        services.transition(db.session, who.actor, published, "teleport")
    db.session.rollback()
    assert (submitted.status, published.status) == ("submitted", "published")


def test_return_needs_a_reason(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = in_state(who, Status.SUBMITTED)
    with pytest.raises(ValidationFailed) as caught:
        services.transition(db.session, OPERATOR, listing, "return", reason="   ")
    assert "reason" in caught.value.field_errors
    _unchanged(listing, "submitted", listing.version, count(AuditEntry))


def test_returned_listing_is_edited_and_resubmitted(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = in_state(who, Status.RETURNED)
    assert listing.return_reason == RETURN_REASON
    assert services.update(db.session, who.actor, listing, achievement(summary="补充了指标：Hcj≥25 kOe。")) is None
    services.transition(db.session, who.actor, listing, "submit")
    db.session.commit()
    assert (listing.status, listing.return_reason, listing.summary) == ("submitted", None, "补充了指标：Hcj≥25 kOe。")
    assert audit_actions(listing) == ["create", "submit", "return", "update", "submit"]


def test_closed_and_expired_listings_are_not_edited(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    for state in (Status.CLOSED, Status.EXPIRED):
        listing = in_state(who, state)
        with pytest.raises(Conflict):
            services.update(db.session, who.actor, listing, achievement(title="改一改标题"))
        db.session.rollback()
    reopened = in_state(who, Status.WITHDRAWN)
    services.transition(db.session, who.actor, reopened, "reopen")
    assert services.update(db.session, who.actor, reopened, achievement(title="重新开放后修改")) is None


def test_of_two_operators_deciding_at_once_the_first_wins(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = in_state(who, Status.SUBMITTED)
    seen = listing.version  # both operators loaded the page at this version
    services.transition(db.session, OPERATOR, listing, "approve", expected_version=seen)
    db.session.commit()
    other = Actor(user_id=None, label="second operator", roles=frozenset({Role.OPERATOR}))
    with pytest.raises(Conflict):
        services.transition(db.session, other, listing, "return", reason="重复", expected_version=seen)
    _unchanged(listing, "published", listing.version, count(AuditEntry))


def test_every_transition_is_audited_with_before_and_after(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = in_state(who, Status.RETURNED)
    services.transition(db.session, who.actor, listing, "submit")
    services.transition(db.session, OPERATOR, listing, "approve")
    services.transition(db.session, who.actor, listing, "close")
    db.session.commit()
    entries = list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "listing", AuditEntry.object_id == str(listing.id)).order_by(AuditEntry.seq)))
    steps = [(e.action, e.before and e.before["status"], e.after and e.after["status"], e.actor_id) for e in entries]
    owner_id = who.user.id
    assert steps == [("create", None, "draft", owner_id), ("submit", "draft", "submitted", owner_id),
                     ("return", "submitted", "returned", None), ("submit", "returned", "submitted", owner_id),
                     ("approve", "submitted", "published", None), ("close", "published", "closed", owner_id)]
    assert entries[2].after is not None and entries[2].after["reason"] == RETURN_REASON
    assert entries[2].actor_label == "test operator"
    assert entries[-1].after is not None and entries[-1].after["title"] == listing.title
    assert verify_chain(db.session)[1] is None


def test_withdrawal_by_the_operator_needs_no_membership_and_tells_why(make: Factories,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = in_state(who, Status.PUBLISHED)
    services.transition(db.session, OPERATOR, listing, "withdraw", reason="涉嫌虚假宣传，请核实后重新提交。")
    db.session.commit()
    assert listing.status == "withdrawn"
    expiring = in_state(who, Status.PUBLISHED)
    services.transition(db.session, SYSTEM, expiring, "expire")
    assert expiring.status == "expired"


def test_rules_broken_outside_a_request_raise_the_domain_error(make: Factories,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Jobs and CLI commands run with no request: a broken rule must still be a DomainError with its message."""
    who = new_owner(make, monkeypatch)
    listing = in_state(who, Status.CLOSED)
    with pytest.raises(Conflict) as caught:
        services.transition(db.session, who.actor, listing, "submit")
    assert "closed" in str(caught.value.message).lower() or "成交" in str(caught.value.message)
