"""Editing a published listing: one pending revision the public does not see until the operator decides."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from techmarket.accounts.services import actor_for
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.extensions import db
from techmarket.listings import queries, review_queue, services
from techmarket.listings.constants import Status
from techmarket.listings.models import Listing, Revision
from tests.factories import Factories
from tests.listings.services_support import OPERATOR, achievement, audit_actions, in_state, new_owner, notifications

ORIGINAL = "烧结钕铁硼晶界扩散重稀土减量技术"


def _revisions(listing: Listing) -> list[Revision]:
    return list(db.session.scalars(select(Revision).where(Revision.listing_id == listing.id).order_by(Revision.id)))


def test_edit_of_a_published_listing_is_a_pending_revision(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = in_state(who, Status.PUBLISHED)
    rev = services.update(db.session, who.actor, listing, achievement(title="晶界扩散技术（第二代）",
                                                                      amount_min=Decimal("900000")))
    db.session.commit()
    assert rev is not None and (rev.status, rev.number) == ("pending", 1)
    db.session.expire_all()
    public = db.session.get(Listing, listing.id)
    assert public is not None
    assert (public.title, public.amount_min, public.status) == (ORIGINAL, Decimal("800000.00"), "published")
    assert rev.before["title"] == ORIGINAL and rev.after["title"] == "晶界扩散技术（第二代）"
    assert rev.after["amount_min"] == "900000"
    assert audit_actions(listing)[-1] == "propose_revision"
    assert listing in db.session.scalars(review_queue.review_queue()).all()


def test_editing_again_updates_the_one_pending_revision(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = in_state(who, Status.PUBLISHED)
    first = services.update(db.session, who.actor, listing, achievement(title="第一次修改的标题"))
    second = services.update(db.session, who.actor, listing, achievement(title="第二次修改的标题"))
    db.session.commit()
    assert first is not None and second is not None and first.id == second.id
    (only,) = _revisions(listing)
    assert (only.status, only.after["title"], only.before["title"]) == ("pending", "第二次修改的标题", ORIGINAL)
    assert services.pending_revision(db.session, listing.id) == only


def test_a_revision_is_validated_like_any_edit(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = in_state(who, Status.PUBLISHED)
    with pytest.raises(ValidationFailed):
        services.update(db.session, who.actor, listing, achievement(amount_min=Decimal("-1")))
    with pytest.raises(PermissionDenied):
        services.update(db.session, actor_for(make.user()), listing, achievement(title="别人的修改"))
    db.session.rollback()
    assert _revisions(listing) == []


def test_approving_applies_the_revision(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = in_state(who, Status.PUBLISHED)
    rev = services.update(db.session, who.actor, listing, achievement(
        title="晶界扩散技术（第二代）", fields=["rare_earth", "new_materials"], modes=["licence_exclusive"],
        keywords=["晶界扩散"]))
    assert rev is not None
    services.decide_revision(db.session, OPERATOR, rev, approve=True)
    db.session.commit()
    db.session.expire_all()
    fresh = db.session.get(Listing, listing.id)
    assert fresh is not None
    assert (fresh.title, fresh.fields, fresh.modes, fresh.keywords, fresh.status) == (
        "晶界扩散技术（第二代）", ["new_materials", "rare_earth"], ["licence_exclusive"], ["晶界扩散"], "published")
    assert rev.status == "approved" and rev.decided_at is not None
    assert audit_actions(fresh)[-1] == "approve_revision"
    assert [n.user_id for n in notifications("revision_approved")] == [who.user.id]
    nxt = services.update(db.session, who.actor, fresh, achievement(title="第三版标题"))
    assert nxt is not None and nxt.number == 2 and nxt.id != rev.id


def test_rejecting_keeps_the_public_version(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = in_state(who, Status.PUBLISHED)
    rev = services.update(db.session, who.actor, listing, achievement(title="夸大宣传的标题：全球第一"))
    assert rev is not None
    with pytest.raises(ValidationFailed):
        services.decide_revision(db.session, OPERATOR, rev, approve=False, reason=" ")
    with pytest.raises(PermissionDenied):
        services.decide_revision(db.session, who.actor, rev, approve=True)
    services.decide_revision(db.session, OPERATOR, rev, approve=False, reason="标题含有夸大用语。")
    db.session.commit()
    db.session.expire_all()
    fresh = db.session.get(Listing, listing.id)
    assert fresh is not None and fresh.title == ORIGINAL
    assert (rev.status, rev.reason) == ("rejected", "标题含有夸大用语。")
    assert notifications("revision_rejected")[0].params["reason"] == "标题含有夸大用语。"
    with pytest.raises(Conflict):
        services.decide_revision(db.session, OPERATOR, rev, approve=True)
    assert fresh not in db.session.scalars(review_queue.review_queue()).all()
    assert [r.status for r in queries.revisions(db.session, listing.id)] == ["rejected"]


def test_a_revision_left_pending_when_the_listing_was_withdrawn_cannot_overwrite_later_edits(
        make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = in_state(who, Status.PUBLISHED)
    stale = services.update(db.session, who.actor, listing, achievement(title="撤回前提交的修改"))
    assert stale is not None
    services.transition(db.session, who.actor, listing, "withdraw")
    services.transition(db.session, who.actor, listing, "reopen")
    services.update(db.session, who.actor, listing, achievement(title="重新开放后的新标题"))
    db.session.commit()
    with pytest.raises(Conflict):
        services.decide_revision(db.session, OPERATOR, stale, approve=True)
    db.session.rollback()
    db.session.refresh(listing)
    assert listing.title == "重新开放后的新标题"
