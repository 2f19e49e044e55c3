"""Helpers for the organisation tests."""

from __future__ import annotations

from sqlalchemy import func, select

from techmarket.accounts.models import User
from techmarket.accounts.services import actor_for
from techmarket.core.audit import AuditEntry
from techmarket.extensions import db
from techmarket.orgs import creditcode
from techmarket.orgs import services as orgs
from techmarket.orgs.models import Invitation, Membership, Organisation


def code(first17: str) -> str:
    """A valid code for ``first17`` (the check is proven in test_creditcode.py)."""
    return first17 + creditcode.check_character(first17)


def wrong_check(valid: str) -> str:
    """``valid`` with a wrong check character."""
    return valid[:17] + ("1" if valid[17] != "1" else "2")


def org_form(**overrides: object) -> dict[str, object]:
    """The organisation form as a browser would post it (unticked boxes are simply absent)."""
    data: dict[str, object] = {
        "name": "包头稀土新材料有限公司",
        "org_type": "enterprise",
        "region_kind": "local",
        "credit_code": code("91150207MA0XTU7K1"),
        "division_code": "150207",
        "province": "",
        "country": "",
        "foreign_registration": "",
        "address": "包头市昆都仑区钢铁大街 1 号",
        "contact_name": "王经理",
        "contact_phone": "0472-1234567",
        "contact_email": "contact@baotou-re.example.cn",
        "first_revenue_year": "",
        "high_tech_cert_date": "",
        "listing_board": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def form_of(org: Organisation, **changes: object) -> dict[str, object]:
    """The edit form as the owner would post it back, with some changes."""
    data = org_form(
        name=org.name, org_type=org.org_type, region_kind=org.region_kind, credit_code=org.credit_code or "",
        division_code=org.division_code or "", address=org.address, contact_name=org.contact_name,
        contact_phone=org.contact_phone, contact_email=org.contact_email, listing_board=org.listing_board,
    )
    data.update(changes)
    return data


def counts() -> tuple[int, int, int, int]:
    """Rows that a half-done unit of work could leave behind."""
    def n(model: type) -> int:
        return db.session.scalar(select(func.count()).select_from(model)) or 0

    db.session.rollback()
    return n(Organisation), n(Membership), n(Invitation), n(AuditEntry)


def actions(org_id: int) -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "organisation", AuditEntry.object_id == str(org_id)).order_by(AuditEntry.seq)))


def owner_of(org: Organisation) -> User:
    db.session.rollback()
    return db.session.scalar(select(User).join(Membership).where(
        Membership.organisation_id == org.id, Membership.role == "owner").order_by(Membership.id))


def add_member(org: Organisation, user: User, role: str = "member") -> Membership:
    """Through the services, as an accepted invitation would."""
    inv = orgs.invite(db.session, actor_for(owner_of(org)), org, user.email, role)
    member = orgs.accept_invitation(db.session, actor_for(user), user, inv.id)
    db.session.commit()
    return member
