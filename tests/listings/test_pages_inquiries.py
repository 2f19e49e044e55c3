"""Inquiries: a member of a verified organisation asks, the owner is told and answers, the asker reads it."""

from __future__ import annotations

import re

from flask import Flask

from techmarket.accounts.notifications import Notification
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings.models import InquiryThread, Listing
from tests.factories import Factories
from tests.listings.pages_support import (
    client_for,
    html,
    isolated,  # noqa: F401 - autouse fixture
    make_listing,
)


def _thread_path(resp: object) -> str:
    location = resp.headers["Location"]  # type: ignore[attr-defined]
    assert re.search(r"/listings/inquiries/\d+$", location), location
    return location


def test_inquiry_round_trip(app: Flask, make: Factories) -> None:
    owner_org = make.org(status="verified", name="包头稀土研究院")
    listing = make_listing(owner_org, title="稀土抛光粉回收技术")
    owner_user = owner_org.memberships[0].user
    buyer = make.user(Role.ENTERPRISE, name="赵经理")
    buyer_org = make.org(buyer, status="verified", name="呼和浩特新材料有限公司")
    asker = client_for(app, buyer)
    owner = client_for(app, owner_user)
    assert owner.post("/notifications/read").status_code == 302  # forget the verification notices

    detail = html(asker.get(f"/listings/{listing.id}"))
    assert 'data-testid="ask-form"' in detail and "呼和浩特新材料有限公司" in detail
    resp = asker.post(f"/listings/{listing.id}/ask", data={"org_id": buyer_org.id, "body": "请问可以独占许可吗？"})
    assert resp.status_code == 302
    path = _thread_path(resp)
    thread = db.session.scalars(db.select(InquiryThread)).one()
    assert thread.organisation_id == buyer_org.id

    home = html(owner.get("/"))
    assert 'data-testid="unread-count">1<' in home
    notes = html(owner.get("/notifications/"))
    assert "稀土抛光粉回收技术" in notes and f'href="{path}"' in notes
    inbox = html(owner.get("/listings/inquiries"))
    assert "稀土抛光粉回收技术" in inbox and "呼和浩特新材料有限公司" in inbox
    page = html(owner.get(path))
    assert "请问可以独占许可吗？" in page
    resp = owner.post(path, data={"body": "可以，价格面议。"})
    assert resp.status_code == 302
    assert owner.post("/notifications/read").status_code == 302
    assert 'data-testid="unread-count"' not in html(owner.get("/"))

    answer = html(asker.get(path))
    assert "请问可以独占许可吗？" in answer and "可以，价格面议。" in answer
    assert f'href="{path}"' in html(asker.get("/notifications/"))  # "new reply about ..." links to the thread
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).inquiry_count == 1
    owner_view = html(owner.get(f"/listings/{listing.id}"))
    assert 'data-testid="inquiry-count">1<' in owner_view


def test_a_stranger_cannot_read_a_thread(app: Flask, make: Factories) -> None:
    owner_org = make.org(status="verified")
    listing = make_listing(owner_org)
    buyer = make.user(Role.ENTERPRISE)
    buyer_org = make.org(buyer, status="verified")
    resp = client_for(app, buyer).post(f"/listings/{listing.id}/ask", data={"org_id": buyer_org.id,
                                                                             "body": "想了解技术细节"})
    path = _thread_path(resp)
    stranger = make.user(Role.ENTERPRISE)
    make.org(stranger, status="verified")
    c = client_for(app, stranger)
    assert c.get(path).status_code == 403
    assert c.post(path, data={"body": "插话"}).status_code == 403
    assert client_for(app, make.operator()).get(path).status_code == 403
    assert app.test_client().get(path).status_code == 302  # anonymous: sign in first
    assert "想了解技术细节" not in html(c.get("/listings/inquiries"))


def test_only_members_of_verified_organisations_may_ask(app: Flask, make: Factories) -> None:
    listing = make_listing(make.org(status="verified"))
    pending_user = make.user(Role.ENTERPRISE)
    pending_org = make.org(pending_user)
    c = client_for(app, pending_user)
    page = html(c.get(f"/listings/{listing.id}"))
    assert 'data-testid="ask-form"' not in page
    resp = c.post(f"/listings/{listing.id}/ask", data={"org_id": pending_org.id, "body": "可以吗？"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/listings/{listing.id}")
    assert db.session.scalar(db.select(db.func.count()).select_from(InquiryThread)) == 0


def test_empty_question_is_an_error_beside_the_field(app: Flask, make: Factories) -> None:
    listing = make_listing(make.org(status="verified"))
    buyer = make.user(Role.ENTERPRISE)
    org = make.org(buyer, status="verified")
    resp = client_for(app, buyer).post(f"/listings/{listing.id}/ask", data={"org_id": org.id, "body": "  "})
    assert resp.status_code == 400
    assert 'id="body-error"' in html(resp)
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)
                             .where(Notification.kind == "inquiry_received")) == 0


def test_owners_cannot_ask_about_their_own_listing(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    listing = make_listing(org)
    c = client_for(app, org.memberships[0].user)
    assert 'data-testid="ask-form"' not in html(c.get(f"/listings/{listing.id}"))
    resp = c.post(f"/listings/{listing.id}/ask", data={"org_id": org.id, "body": "自问自答"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/listings/{listing.id}")
    assert db.session.scalar(db.select(db.func.count()).select_from(InquiryThread)) == 0
