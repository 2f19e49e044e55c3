"""Notifications of the workflow: in-site for every owner, and by email only once the unit of work commits."""

from __future__ import annotations

import pytest

from techmarket.accounts.notifications import Notification, message_text
from techmarket.accounts.services import actor_for
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings import services
from techmarket.listings.constants import Status
from techmarket.orgs.models import Membership
from tests.accounts.support import mails
from tests.factories import Factories
from tests.listings.services_support import (
    OPERATOR,
    RETURN_REASON,
    count,
    in_state,
    new_owner,
    notifications,
)


def test_approval_tells_every_member_in_site_and_by_email(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    colleague = make.user(Role.RESEARCHER, email="colleague@example.cn", language="en")
    db.session.add(Membership(organisation_id=who.org.id, user_id=colleague.id, role="member"))
    db.session.commit()
    listing = in_state(who, Status.SUBMITTED)
    assert notifications() == [] and make.outbox() == []  # submitting tells nobody yet
    services.transition(db.session, OPERATOR, listing, "approve")
    db.session.commit()
    sent = notifications("listing_approve")
    assert sorted(n.user_id for n in sent) == sorted([who.user.id, colleague.id])
    assert sent[0].params["title"] == listing.title
    assert sent[0].endpoint_args == {"listing_id": listing.id}
    messages = {m["To"]: m for m in mails(make)}
    assert set(messages) == {who.user.email, "colleague@example.cn"}
    english = messages["colleague@example.cn"]
    assert "is published" in english.get_content() and listing.title in english.get_content()
    assert f"/listings/{listing.id}" in english.get_content()
    assert "已发布" in messages[who.user.email].get_content() or listing.title in messages[who.user.email]["Subject"]


def test_return_and_expiry_are_told_with_the_reason(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    returned = in_state(who, Status.RETURNED)
    expired = in_state(who, Status.EXPIRED)
    (ret,) = notifications("listing_return")
    assert ret.params == {"title": returned.title, "reason": RETURN_REASON}
    assert RETURN_REASON in message_text(ret.kind, ret.params)
    (exp,) = notifications("listing_expire")
    assert exp.params["title"] == expired.title and exp.user_id == who.user.id
    assert len(mails(make)) == 3  # returned; approved and expired


def test_steps_the_owner_takes_tell_nobody(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = in_state(who, Status.PUBLISHED)
    before = count(Notification), len(make.outbox())
    services.transition(db.session, who.actor, listing, "close")
    withdrawn = in_state(who, Status.WITHDRAWN)
    services.transition(db.session, who.actor, withdrawn, "reopen")
    db.session.commit()
    assert (count(Notification), len(make.outbox())) == before


def test_an_operator_withdrawal_is_explained(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = in_state(who, Status.PUBLISHED)
    services.transition(db.session, actor_for(make.operator()), listing, "withdraw", reason="联系方式无法接通。")
    db.session.commit()
    (n,) = notifications("listing_withdraw")
    assert n.params["reason"] == "联系方式无法接通。"


def test_a_rolled_back_unit_of_work_sends_nothing(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = in_state(who, Status.SUBMITTED)
    services.transition(db.session, OPERATOR, listing, "approve")
    assert count(Notification) == 1  # flushed inside the unit of work ...
    assert make.outbox() == []  # ... but no email before the commit
    db.session.rollback()
    assert count(Notification) == 0 and make.outbox() == []
    db.session.commit()  # a later, unrelated commit does not send what was rolled back
    assert make.outbox() == []
    db.session.refresh(listing)
    services.transition(db.session, OPERATOR, listing, "return", reason=RETURN_REASON)
    db.session.commit()
    assert [m["To"] for m in mails(make)] == [who.user.email]
    assert "listing_return" in {n.kind for n in notifications()} and count(Notification) == 1
