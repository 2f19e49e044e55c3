"""Helpers of the listing moderation tests: an owner with a verified organisation posting through the
services, listings in any state, and reading pages, forms, the audit log and mail back.

Test modules import ``isolated`` (autouse); ``conftest.py`` beside this file has the fixtures ``signin``,
``operator`` and ``owner``."""

from __future__ import annotations

import html
import re
from email import policy
from email.parser import BytesParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from techmarket.accounts.models import User
from techmarket.accounts.services import actor_for
from techmarket.core.actor import Actor
from techmarket.core.audit import AuditEntry
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings import queries, services
from techmarket.listings.constants import Kind
from techmarket.listings.data import ListingData
from techmarket.listings.models import Listing, Revision
from techmarket.orgs.models import Organisation
from tests.accounts.support import isolate_requests
from tests.factories import Factories

OPERATOR = Actor(user_id=None, label="test operator", roles=frozenset({Role.OPERATOR}))
SYSTEM = Actor.system("test")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def isolated(app: Flask) -> None:
    """Each request in its own context, so clients of different users do not share ``current_user``."""
    isolate_requests(app)


class Owner:
    """A researcher with a verified organisation, posting through the services."""

    def __init__(self, make: Factories) -> None:
        self.user = make.user(Role.RESEARCHER)
        self.org: Organisation = make.org(self.user, status="verified")

    @property
    def actor(self) -> Actor:
        return actor_for(self.user)

    def listing(self, title: str = "稀土永磁同步电机高效驱动技术", state: str = "submitted",
                kind: Kind = Kind.ACHIEVEMENT, **changes: object) -> Listing:
        listing = services.create(db.session, self.actor, self.org, kind, data(kind, title, **changes))
        db.session.commit()
        steps = {"draft": [], "submitted": ["submit"], "published": ["submit", "approve"],
                 "returned": ["submit", "return"], "withdrawn": ["withdraw"],
                 "closed": ["submit", "approve", "close"], "expired": ["submit", "approve", "expire"]}[state]
        for step in steps:
            who = {"approve": OPERATOR, "return": OPERATOR, "expire": SYSTEM}.get(step, self.actor)
            services.transition(db.session, who, listing, step, reason="资料不全" if step == "return" else "")
            db.session.commit()
        assert listing.status == state
        return listing

    def revise(self, listing: Listing, **changes: object) -> Revision:
        new = services.data_of(listing)
        for key, value in changes.items():
            setattr(new, key, value)
        rev = services.update(db.session, self.actor, listing, new)
        db.session.commit()
        assert rev is not None
        return rev


def data(kind: Kind, title: str, **changes: object) -> ListingData:
    values: dict[str, object] = {
        "title": title, "summary": "钕铁硼永磁电机驱动，效率提升 3%。", "fields": ["rare_earth"],
        "modes": ["transfer", "licence_ordinary"], "keywords": ["稀土", "电机"],
        "description": "## 技术简介\n\n第一段：永磁电机。\n\n第二段：驱动控制。",
    }
    if kind == Kind.ACHIEVEMENT:
        values |= {"maturity": "pilot", "trl": 6}
    values.update(changes)
    return ListingData(**values)  # type: ignore[arg-type]


def fresh(listing_id: int) -> Listing:
    db.session.rollback()  # forget what this session holds: read what the requests committed
    found = db.session.get(Listing, listing_id)
    assert found is not None
    return found


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def actions_of(listing: Listing) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "listing", AuditEntry.object_id == str(listing.id)).order_by(AuditEntry.seq)))


def hidden(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', page)
    assert found, f"no hidden field {name}"
    return html.unescape(found.group(1))


def decision_fields(client: FlaskClient, listing: Listing) -> dict[str, str]:
    page = client.get(f"/admin/listings/{listing.id}").get_data(as_text=True)
    assert 'data-testid="decision-form"' in page
    return {"version": hidden(page, "version"), "revision": hidden(page, "revision")}


def queue_values(client: FlaskClient, query: str = "") -> dict[int, str]:
    page = client.get(f"/admin/listings/{query}").get_data(as_text=True)
    return {int(v.split(":")[0]): html.unescape(v) for v in re.findall(r'name="selected" value="([^"]+)"', page)}


def mails_to(make: Factories, user: User) -> list[str]:
    parser = BytesParser(policy=policy.default)
    out = []
    for path in make.outbox():
        msg = parser.parsebytes(path.read_bytes())
        if msg["To"] == user.email:
            out.append(f"{msg['Subject']}\n{msg.get_content()}")
    return out


def published_titles(kind: Kind = Kind.ACHIEVEMENT) -> list[str]:
    db.session.rollback()
    stmt = queries.browse(queries.BrowseFilters(kind=kind))
    return [item.title for item in db.session.scalars(stmt)]

