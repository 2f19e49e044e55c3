"""Broker introductions: a transfer agency's member (or the operator) opens an inquiry thread for both sides."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from techmarket.accounts.notifications import Notification
from techmarket.extensions import db
from techmarket.listings.constants import Kind
from techmarket.listings.models import InquiryThread
from techmarket.matching import profiles, recommend
from tests.factories import Factories
from tests.listings.pages_support import client_for, html, isolated, make_listing  # noqa: F401 - autouse fixture


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    profiles.forget()
    recommend.forget()
    yield
    profiles.forget()
    recommend.forget()


def test_a_broker_introduces_a_demand_and_an_achievement(app: Flask, make: Factories) -> None:
    agency = make.org(status="verified")
    agency.org_type = "transfer_agency"
    db.session.commit()
    broker = agency.memberships[0].user
    buyer, seller = make.org(status="verified"), make.org(status="verified")
    demand = make_listing(buyer, Kind.DEMAND, title="寻求稀土永磁电机冷却方案", summary="稀土永磁电机散热。",
                          keywords=["稀土", "电机"], fields=["rare_earth"])
    achievement = make_listing(seller, Kind.ACHIEVEMENT, title="稀土永磁电机高效冷却技术", keywords=["稀土", "电机"],
                               summary="稀土永磁电机的高效冷却结构。", fields=["rare_earth"])
    other = make_listing(buyer, Kind.ACHIEVEMENT, title="稀土永磁电机转子")
    c = client_for(app, broker)
    page = html(c.get(f"/listings/{demand.id}"))
    assert 'data-testid="introduce"' in page
    resp = c.post(f"/matching/{demand.id}/introduce/{achievement.id}", data={"reason": "两家都在包头，可面谈。"})
    assert resp.status_code == 302
    thread = db.session.scalar(select(InquiryThread))
    assert (thread.listing_id, thread.organisation_id) == (achievement.id, buyer.id)
    body = thread.messages[0].body
    assert "> 两家都在包头，可面谈。" in body and agency.name in body and "稀土" in body
    told = {n.user_id for n in db.session.scalars(select(Notification).where(Notification.kind == "introduction"))}
    assert told == {buyer.memberships[0].user_id, seller.memberships[0].user_id}
    owner_page = html(client_for(app, buyer.memberships[0].user).get(f"/listings/inquiries/{thread.id}"))
    assert "两家都在包头" in owner_page
    # Not a broker: refused; the same organisation on both sides: refused.
    plain = client_for(app, buyer.memberships[0].user)
    assert 'data-testid="introduce"' not in html(plain.get(f"/listings/{demand.id}"))
    assert plain.post(f"/matching/{demand.id}/introduce/{achievement.id}", data={"reason": ""}).status_code == 403
    assert c.post(f"/matching/{demand.id}/introduce/{other.id}", data={"reason": ""}).status_code == 400
    assert db.session.scalar(select(InquiryThread).where(InquiryThread.listing_id == other.id)) is None
