"""The daily expiry job: only published listings past their validity expire, by the system, and owners are told."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from techmarket.accounts.services import actor_for
from techmarket.core.audit import AuditEntry
from techmarket.core.clock import local_today
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings import services, tasks
from techmarket.listings.constants import Kind, Status
from tests.factories import Factories
from tests.listings.services_support import audit_actions, count, in_state, new_owner, notifications

TODAY = local_today()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def test_only_published_listings_past_validity_expire(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    due = in_state(who, Status.PUBLISHED, valid_until=days(10))
    due_demand = in_state(who, Status.PUBLISHED, Kind.DEMAND, valid_until=days(12), deadline=days(5))
    last_day = in_state(who, Status.PUBLISHED, valid_until=days(20))  # valid through its last day
    later = in_state(who, Status.PUBLISHED, valid_until=days(200))
    open_ended = in_state(who, Status.PUBLISHED, valid_until=None)
    not_public = [in_state(who, state, valid_until=days(3)) for state in (
        Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.WITHDRAWN, Status.CLOSED)]
    audits = count(AuditEntry)

    assert services.expire_due(db.session, days(20)) == 2
    db.session.commit()
    assert (due.status, due_demand.status) == ("expired", "expired")
    assert [x.status for x in (last_day, later, open_ended)] == ["published"] * 3
    assert [x.status for x in not_public] == ["draft", "submitted", "returned", "withdrawn", "closed"]
    assert count(AuditEntry) == audits + 2
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_id == str(due.id),
                                                        AuditEntry.action == "expire")).one()
    assert entry.actor_id is None and entry.actor_label == "expiry job"
    assert entry.before is not None and entry.after is not None
    assert (entry.before["status"], entry.after["status"]) == ("published", "expired")
    assert sorted(n.params["title"] for n in notifications("listing_expire")) == sorted([due.title, due_demand.title])

    assert services.expire_due(db.session, days(20)) == 0  # a second run the same day finds nothing
    assert services.expire_due(db.session, days(21)) == 1 and last_day.status == "expired"
    db.session.commit()
    assert audit_actions(last_day)[-1] == "expire"


def test_an_expired_listing_is_reopened_renewed_and_published_again(make: Factories,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = in_state(who, Status.EXPIRED)
    services.transition(db.session, who.actor, listing, "reopen")
    renewed = services.data_of(listing)
    renewed.valid_until = days(365)
    services.update(db.session, who.actor, listing, renewed)
    services.transition(db.session, who.actor, listing, "submit")
    operator = make.user(Role.OPERATOR)
    services.transition(db.session, actor_for(operator), listing, "approve")
    db.session.commit()
    assert (listing.status, listing.valid_until) == ("published", days(365))
    assert services.expire_due(db.session, days(300)) == 0


def test_the_scheduled_job_commits_its_work(make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = in_state(who, Status.PUBLISHED, valid_until=TODAY)
    monkeypatch.setattr(services, "local_today", lambda: days(1))  # the job runs tomorrow
    assert tasks.expire_listings() == 1
    db.session.rollback()  # nothing left to lose: the job committed
    db.session.refresh(listing)
    assert listing.status == "expired"
    assert len(make.outbox()) == 2  # approval, then expiry
