"""The bulk path of the import (listings.bulk.create_many): the same listing as services.create, written at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import func, select

from techmarket.accounts.services import actor_for
from techmarket.core.audit import AuditEntry, verify_chain
from techmarket.core.clock import local_today
from techmarket.core.components import provide
from techmarket.core.errors import PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings import bulk, services
from techmarket.listings.constants import Kind, Status
from techmarket.listings.data import IPItemData, ListingData
from techmarket.listings.models import Listing
from techmarket.search.models import SearchDocument, SearchOutbox
from techmarket.search.service import SearchService
from tests.factories import Factories
from tests.listings.test_import_export import OPERATOR, PATENT
from tests.listings.test_import_jobs import RecordingQueue


def _data(title: str, **over: object) -> ListingData:
    values: dict[str, object] = {
        "title": title, "summary": "摘要。", "description": "说明。", "fields": ["rare_earth", "new_materials"],
        "keywords": ["稀土"], "modes": ["transfer"], "valid_until": local_today() + dt.timedelta(days=100),
        "negotiable": False, "amount_min": Decimal("1200000.00"), "amount_max": Decimal("2000000.00"),
        "maturity": "pilot", "ip_items": [IPItemData("invention", PATENT, "granted", "一种电机")]}
    return ListingData(**(values | over))  # type: ignore[arg-type]


def test_bulk_listings_equal_one_by_one_ones_with_one_audit_entry_each(app: object, make: Factories) -> None:
    verified, pending = make.org(status="verified"), make.org(status="pending", division="150603")
    items = [bulk.NewListing(verified, Kind.ACHIEVEMENT, _data("批量的稀土成果"), import_key="k1"),
             bulk.NewListing(pending, Kind.DEMAND, _data("批量的需求", negotiable=True, maturity="pilot",
                                                         deadline=local_today(), ip_items=[]), import_key="k2")]
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    ids = bulk.create_many(db.session, OPERATOR, items, submit=True)
    db.session.commit()
    db.session.expire_all()
    first, second = (db.session.get(Listing, i) for i in ids)
    assert (first.status, second.status) == (Status.SUBMITTED, Status.DRAFT)  # only verified organisations queue
    assert first.submitted_at is not None and second.submitted_at is None
    assert first.fields == ["new_materials", "rare_earth"] and first.modes == ["transfer"]
    assert [i.number for i in first.ip_items] == [PATENT] and first.prefecture_code == "150200"
    assert second.maturity is None and second.amount_min is None and second.prefecture_code == "150600"
    assert first.version == 1 and first.import_key == "k1"
    entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "listing")
                                      .order_by(AuditEntry.seq)))
    assert [(e.object_id, e.action) for e in entries] == [(str(ids[0]), "import"), (str(ids[1]), "import")]
    assert [e.after for e in entries] == [services.snapshot(first), services.snapshot(second)]  # read back: equal
    total = db.session.scalar(select(func.count()).select_from(AuditEntry))
    assert total == before + 2 and verify_chain(db.session) == (total, None)
    assert db.session.scalar(select(func.count()).select_from(SearchDocument)) == 0  # none is public


def test_bulk_keeps_the_rules_of_create(app: object, make: Factories) -> None:
    owner = make.user(Role.RESEARCHER)
    mine, other = make.org(owner, status="verified"), make.org(status="verified")
    with pytest.raises(PermissionDenied):  # a member posts for their own organisation only
        bulk.create_many(db.session, actor_for(owner), [bulk.NewListing(other, Kind.ACHIEVEMENT, _data("别人的成果"))])
    with pytest.raises(ValidationFailed) as caught:
        bulk.create_many(db.session, actor_for(owner), [bulk.NewListing(mine, Kind.ACHIEVEMENT, _data("短"))])
    assert "title" in caught.value.field_errors
    assert bulk.create_many(db.session, actor_for(owner), [bulk.NewListing(mine, Kind.ACHIEVEMENT, _data("我的成果"))])


def test_bulk_rows_reach_the_elasticsearch_outbox_at_commit(app: Flask, make: Factories) -> None:
    app.extensions["techmarket.jobs"] = RecordingQueue()
    service = SearchService(app, es_backend=object())  # the outbox is written when Elasticsearch is configured
    service.backend_name = "elasticsearch"
    provide(app, SearchService, service)
    org = make.org(status="verified")
    ids = bulk.create_many(db.session, OPERATOR, [bulk.NewListing(org, Kind.ACHIEVEMENT, _data(f"成果 {i}"),
                                                                  import_key=f"k{i}") for i in range(3)])
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
    db.session.commit()
    assert set(db.session.scalars(select(SearchOutbox.object_id))) == set(ids)
    assert [c[0] for c in app.extensions["techmarket.jobs"].calls] == ["techmarket.search.outbox.drain"]  # one
