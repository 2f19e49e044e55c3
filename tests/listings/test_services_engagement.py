"""Inquiries, bookmarks and view counts: who may ask and answer, one thread per organisation, counters."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from techmarket.accounts.services import actor_for
from techmarket.core.actor import ANONYMOUS
from techmarket.core.errors import NotFound, PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings import engagement
from techmarket.listings.constants import Status
from techmarket.listings.models import Bookmark, InquiryMessage, InquiryThread, Listing
from techmarket.orgs.models import Membership
from tests.factories import Factories
from tests.listings.services_support import Owner, count, in_state, new_owner, notifications

QUESTION = "贵单位的晶界扩散技术能否用于 N52 牌号磁体？请提供中试数据。"


def _reload(listing: Listing) -> Listing:
    db.session.expire_all()
    fresh = db.session.get(Listing, listing.id)
    assert fresh is not None
    return fresh


def _colleague(make: Factories, who: Owner) -> Owner:
    user = make.user(Role.ENTERPRISE)
    db.session.add(Membership(organisation_id=who.org.id, user_id=user.id, role="member"))
    db.session.commit()
    return Owner(user, who.org)


def test_one_thread_per_asking_organisation(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    seller, buyer, other = (new_owner(make, monkeypatch) for _ in range(3))
    listing = in_state(seller, Status.PUBLISHED)
    thread = engagement.ask(db.session, buyer.actor, listing, buyer.org, QUESTION)
    db.session.commit()
    assert _reload(listing).inquiry_count == 1
    again = engagement.ask(db.session, _colleague(make, buyer).actor, listing, buyer.org, "补充一个问题：交货期？")
    db.session.commit()
    assert again.id == thread.id and len(again.messages) == 2
    assert _reload(listing).inquiry_count == 1  # counted once per organisation
    engagement.ask(db.session, other.actor, listing, other.org, "我们也有兴趣。")
    db.session.commit()
    assert _reload(listing).inquiry_count == 2 and count(InquiryThread) == 2
    received = notifications("inquiry_received")
    assert {n.user_id for n in received} == {seller.user.id} and len(received) == 3
    assert received[0].params == {"title": listing.title, "org": buyer.org.name}


def test_who_may_ask(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    seller, buyer = new_owner(make, monkeypatch), new_owner(make, monkeypatch)
    pending = new_owner(make, monkeypatch, status="pending")
    listing = in_state(seller, Status.PUBLISHED)
    with pytest.raises(PermissionDenied):  # an unverified organisation
        engagement.ask(db.session, pending.actor, listing, pending.org, QUESTION)
    with pytest.raises(PermissionDenied):  # not a member of the organisation it asks for
        engagement.ask(db.session, pending.actor, listing, buyer.org, QUESTION)
    with pytest.raises(ValidationFailed):  # its own listing
        engagement.ask(db.session, seller.actor, listing, seller.org, QUESTION)
    for body in ("", "   ", "问" * (engagement.MESSAGE_MAX + 1)):
        with pytest.raises(ValidationFailed) as caught:
            engagement.ask(db.session, buyer.actor, listing, buyer.org, body)
        assert "body" in caught.value.field_errors
    draft = in_state(seller, Status.DRAFT)
    with pytest.raises(NotFound):  # only published listings take questions
        engagement.ask(db.session, buyer.actor, draft, buyer.org, QUESTION)
    db.session.rollback()
    assert count(InquiryThread) == 0 and _reload(listing).inquiry_count == 0


def test_both_sides_reply_and_read_nobody_else(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    seller, buyer, stranger = (new_owner(make, monkeypatch) for _ in range(3))
    listing = in_state(seller, Status.PUBLISHED)
    thread = engagement.ask(db.session, buyer.actor, listing, buyer.org, QUESTION)
    answer = engagement.reply(db.session, seller.actor, thread, "可以，中试数据见附件，欢迎来包头考察。")
    follow_up = engagement.reply(db.session, buyer.actor, thread, "谢谢，下周安排考察。")
    db.session.commit()
    assert (answer.from_owner, follow_up.from_owner) == (True, False)
    assert [m.body for m in thread.messages] == [QUESTION, answer.body, follow_up.body]
    assert [n.user_id for n in notifications("inquiry_reply")] == [buyer.user.id, seller.user.id]
    with pytest.raises(PermissionDenied):
        engagement.reply(db.session, stranger.actor, thread, "我也想插一句。")
    assert engagement.can_read_thread(db.session, seller.actor, thread)
    assert engagement.can_read_thread(db.session, buyer.actor, thread)
    assert not engagement.can_read_thread(db.session, stranger.actor, thread)
    assert not engagement.can_read_thread(db.session, ANONYMOUS, thread)
    db.session.rollback()
    assert count(InquiryMessage) == 3


def test_record_view_counts_each_view(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    seller = new_owner(make, monkeypatch)
    listing = in_state(seller, Status.PUBLISHED)
    version = listing.version
    for _ in range(3):
        engagement.record_view(db.session, listing.id)
    db.session.commit()
    fresh = _reload(listing)
    assert (fresh.view_count, fresh.version) == (3, version)  # a view is not an edit


def test_bookmarks(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    seller = new_owner(make, monkeypatch)
    reader = actor_for(make.user(Role.ENTERPRISE))
    listing = in_state(seller, Status.PUBLISHED)
    assert engagement.toggle_bookmark(db.session, reader, listing) is True
    assert engagement.is_bookmarked(db.session, reader.user_id, listing.id)
    assert engagement.toggle_bookmark(db.session, reader, listing) is False
    assert not engagement.is_bookmarked(db.session, reader.user_id, listing.id)
    assert not engagement.is_bookmarked(db.session, None, listing.id)
    with pytest.raises(PermissionDenied):
        engagement.toggle_bookmark(db.session, ANONYMOUS, listing)
    with pytest.raises(NotFound):
        engagement.toggle_bookmark(db.session, reader, in_state(seller, Status.SUBMITTED))
    engagement.toggle_bookmark(db.session, reader, listing)
    db.session.commit()
    assert db.session.scalars(select(Bookmark.listing_id)).all() == [listing.id]


def test_verified_orgs_of_a_user(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    verified = new_owner(make, monkeypatch)
    make.org(verified.user, status="pending")
    assert [o.id for o in engagement.verified_orgs_of(db.session, verified.user.id)] == [verified.org.id]
    assert engagement.verified_orgs_of(db.session, None) == []
