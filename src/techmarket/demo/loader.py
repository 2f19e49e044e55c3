"""Loads the demo data through the domain services, so it obeys every rule and is audited."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts import services as accounts
from techmarket.accounts.models import User
from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.roles import Role
from techmarket.demo.data import DEMO_PASSWORD, ORGANISATIONS, USERS
from techmarket.demo.listings_data import AREA_CODES, MAILBOX, SURNAMES
from techmarket.demo.listings_loader import load_listings
from techmarket.orgs import creditcode
from techmarket.orgs import services as orgs
from techmarket.orgs.models import Organisation


def demo_code(prefix: str, division: str, seed: str) -> str:
    """A code that passes the GB 32100 check, derived from the organisation's name."""
    digest = hashlib.sha256(seed.encode()).digest()
    body = "".join(creditcode.CHARSET[b % len(creditcode.CHARSET)] for b in digest[:9])
    first17 = f"{prefix}{division}{body}"
    return first17 + creditcode.check_character(first17)


def org_contact(spec: dict) -> tuple[str, str, str]:
    """A plausible, fictional contact for a demo organisation (name, phone, e-mail), the same on every load:
    never a placeholder such as 联系人 / 0471-0000000 that forms would then offer as if it were real."""
    digest = hashlib.sha256(f"contact:{spec['name']}".encode()).digest()
    mailbox = f"{MAILBOX.get(spec['name'], 'office')}@demo.techmarket.cn"
    if spec.get("region_kind") == "abroad":
        return "Anna Berg", f"+46 8 {5000_0000 + int.from_bytes(digest[:3]) % 3000_0000}", mailbox
    role = "老师" if spec["org_type"] in {"university", "institute"} else "经理"
    division = spec.get("division_code") or spec.get("code_division", "")
    area = "010" if division.startswith("11") else AREA_CODES.get(f"{division[:4]}00", "0471")
    phone = f"{area}-{6000000 + int.from_bytes(digest[:3]) % 999999}" if area != "010" else \
        f"010-{60000000 + int.from_bytes(digest[:4]) % 9999999}"
    return SURNAMES[digest[4] % len(SURNAMES)] + role, phone, mailbox


def load(session: Session) -> dict[str, int]:
    created = {"users": 0, "organisations": 0, "listings": 0}
    users: list[User] = []
    for email, name, roles, _org, language in USERS:
        user = accounts.find_by_email(session, email)
        if user is None:
            user = accounts.register(session, email=email, password=DEMO_PASSWORD, name=name,
                                     language=language, role=Role.RESEARCHER)
            user.email_confirmed_at = utcnow()
            accounts.set_roles(session, Actor.system("demo"), user, [Role(r) for r in roles])
            created["users"] += 1
        users.append(user)
    operator = accounts.actor_for(users[1])
    owners = {org_index: users[i] for i, (*_, org_index, _lang) in enumerate(USERS) if org_index is not None}
    for index, spec in enumerate(ORGANISATIONS):
        if session.scalar(select(Organisation.id).where(Organisation.name == spec["name"])) is not None:
            continue
        owner = owners.get(index, users[0])
        org = orgs.create(session, accounts.actor_for(owner), _data(spec))
        created["organisations"] += 1
        status = spec.get("status", "verified")
        if status != "pending":
            orgs.decide(session, operator, org, verify=status == "verified",
                        reason=spec.get("return_reason", ""), expected_version=org.version)
    session.flush()
    created["listings"] = load_listings(session)
    return created


def _data(spec: dict) -> orgs.OrgData:
    kind = spec.get("region_kind", "local")
    code = ""
    if kind != "abroad":
        code = demo_code(spec.get("prefix", "91"), spec.get("code_division", spec.get("division_code", "")),
                         spec["name"])
    cert = spec.get("high_tech_cert_date")
    contact = org_contact(spec)
    return orgs.OrgData(
        name=spec["name"], org_type=spec["org_type"], region_kind=kind, credit_code=code,
        foreign_registration=spec.get("foreign_registration", ""),
        division_code=spec.get("division_code", "") if kind == "local" else "",
        province=spec.get("province", ""), country=spec.get("country", ""),
        address=spec.get("address", ""), contact_name=contact[0], contact_phone=contact[1], contact_email=contact[2],
        is_high_tech=spec.get("is_high_tech", False),
        high_tech_cert_date=dt.date.fromisoformat(cert) if cert else None,
        is_tech_sme=spec.get("is_tech_sme", False), state_owned=spec.get("state_owned", False),
        relocated=spec.get("relocated", False), first_revenue_year=spec.get("first_revenue_year"),
        listing_board=spec.get("listing_board", ""),
    )
