"""``techmarket demo load``: a realistic market in every state, all 16 fields and 12 盟市, loaded once."""

from __future__ import annotations

from collections import Counter

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from techmarket.accounts.notifications import Notification, unread_count
from techmarket.accounts.services import find_by_email
from techmarket.core.audit import AuditEntry, verify_chain
from techmarket.core.clock import local_today, to_local, utcnow
from techmarket.demo.data import USERS
from techmarket.demo.inbox import KEEP_UNREAD
from techmarket.demo.listings_build import KEY_PREFIX
from techmarket.demo.listings_loader import summary
from techmarket.extensions import db
from techmarket.listings import patents
from techmarket.listings.constants import FIELDS, PATENT_TYPES, Status
from techmarket.listings.models import IPItem, Listing, ListingTag, Revision
from techmarket.orgs.models import Division, Organisation
from techmarket.reporting.queries import Filters, Reader
from tests.factories import Factories
from tests.listings.services_support import count


def _load(runner: FlaskCliRunner) -> str:
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_demo_load_is_complete_realistic_and_idempotent(embedded_only: None, runner: FlaskCliRunner, make: Factories,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    output = _load(runner)
    figures = summary(db.session)
    total = sum(figures["kind"].values())
    assert f"{total} listings added" in output and total >= 300

    # every workflow state, both kinds, all 12 盟市 and all 16 fields of POLICY.md clause (一)
    assert set(figures["status"]) == {s.value for s in Status}
    assert min(figures["status"].values()) >= 3
    assert figures["kind"]["achievement"] >= 200 and figures["kind"]["demand"] >= 80
    prefectures = set(db.session.scalars(select(Division.code).where(Division.level == "prefecture")))
    assert len(prefectures) == 12 and prefectures <= set(figures["prefecture"])
    public = Counter(db.session.scalars(select(Listing.prefecture_code).where(Listing.status == "published")))
    assert prefectures <= set(public)
    fields = Counter(db.session.scalars(select(ListingTag.value).where(ListingTag.facet == "field")))
    assert set(fields) == set(FIELDS) and min(fields.values()) >= 5

    # achievements from universities, institutes and enterprises; demands from enterprises
    by_kind = db.session.execute(select(Listing.kind, Organisation.org_type).join(Organisation)).all()
    assert {t for k, t in by_kind if k == "achievement"} == {"university", "institute", "enterprise"}
    assert {t for k, t in by_kind if k == "demand"} == {"enterprise"}
    # only verified organisations got past the draft
    assert not db.session.scalars(select(Listing.id).join(Organisation).where(
        Organisation.status != "verified", Listing.status != "draft")).all()

    # the states are real: reasons, a pending revision, expiry by the system job in the past
    listings = db.session.scalars(select(Listing)).all()
    assert all(x.return_reason for x in listings if x.status == "returned")
    pending = db.session.scalars(select(Revision).where(Revision.status == "pending")).all()
    assert pending and all(r.listing.status == "published" for r in pending)
    expired = [x for x in listings if x.status == "expired"]
    assert all(x.valid_until is not None and x.valid_until < local_today() for x in expired)
    expiries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "expire")).all()
    assert len(expiries) == len(expired) and all(e.actor_id is None for e in expiries)
    live = [x for x in listings if x.status not in {"expired"}]
    assert all(x.valid_until is None or x.valid_until >= local_today() for x in live)
    assert all(x.deadline is not None and x.deadline <= (x.valid_until or x.deadline)
               for x in listings if x.kind == "demand")

    # spread over the past two years (not all in the month of the load), each in workflow order, and the
    # statistics count them in the months they were published
    published = [x for x in listings if x.published_at is not None]
    months = Counter(to_local(x.published_at).strftime("%Y-%m") for x in published)
    assert len(months) >= 20 and max(months.values()) <= len(published) // 8
    assert all(x.created_at <= (x.submitted_at or x.created_at) <= x.published_at <= utcnow() for x in published)
    assert all(x.published_at <= x.updated_at for x in published)
    today = local_today()
    reader = Reader(db.session, Filters(f"{today.year - 2}-{today.month:02d}", f"{today.year}-{today.month:02d}"))
    tallied = {r.key: r.count for r in reader.table("listing", "month").rows if r.count}
    assert len(tallied) >= 20 and max(tallied.values()) <= len(published) // 8

    # content: prices, confidentiality, IP numbers that pass the CNIPA check, Markdown descriptions
    assert any(x.negotiable for x in listings) and any(x.amount_min != x.amount_max for x in listings
                                                       if not x.negotiable)
    assert any(x.confidentiality == "verified_only" for x in listings)
    numbers = db.session.scalars(select(IPItem.number).where(IPItem.ip_type.in_(PATENT_TYPES))).all()
    assert len(numbers) >= 200 and all(patents.check(n).valid for n in numbers)
    assert all(x.description.startswith("### ") and x.summary and x.keywords for x in listings)
    assert len({x.title for x in listings}) == len(listings)
    assert all(x.import_key and x.import_key.startswith(KEY_PREFIX) for x in listings)

    # every listing is in the audit log from its creation; the chain holds
    created = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.object_type == "listing", AuditEntry.action == "create"))
    assert created == total
    assert verify_chain(db.session)[1] is None
    # Owners are told of approvals, returns and expiries in the site, but demo data sends no mail.
    assert count(Notification) > 0
    assert make.outbox() == []
    # ... and sign in to a realistic handful of unread ones: the older ones are read
    for email, *_ in USERS:
        user = find_by_email(db.session, email)
        assert user is not None and unread_count(db.session, user.id) <= KEEP_UNREAD, email
    researcher = find_by_email(db.session, "researcher@demo.techmarket.cn")
    assert researcher is not None and 1 <= unread_count(db.session, researcher.id) <= KEEP_UNREAD
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == researcher.id, Notification.read_at.is_not(None))) > 0

    # a second run adds nothing at all
    audits, mails = count(AuditEntry), len(make.outbox())
    again = _load(runner)
    assert "0 users, 0 organisations and 0 listings added" in again
    assert summary(db.session) == figures
    assert (count(Listing), count(AuditEntry), len(make.outbox())) == (total, audits, mails)
