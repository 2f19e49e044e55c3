"""``make.*`` factories: objects created through the real services and committed."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from flask import Flask

from techmarket.accounts import services as accounts
from techmarket.accounts.models import User
from techmarket.contracts.models import Contract
from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.roles import Role
from techmarket.demo.loader import demo_code
from techmarket.extensions import db
from techmarket.listings.constants import Kind
from techmarket.listings.models import Listing
from techmarket.orgs import services as orgs
from techmarket.orgs.models import Organisation
from tests.contracts.builders import deal, draft, registered, submitted
from tests.listings.builders import make_listing

PASSWORD = "Sekret-pass-42"
_seq = itertools.count(1)


class Factories:
    def __init__(self, app: Flask) -> None:
        self.app = app

    def user(self, *roles: Role, email: str | None = None, confirmed: bool = True, name: str = "测试用户",
             language: str = "zh_Hans_CN") -> User:
        n = next(_seq)
        user = accounts.register(db.session, email=email or f"user{n}@example.cn", password=PASSWORD, name=name,
                                 language=language, role=Role.RESEARCHER)
        if roles:
            accounts.set_roles(db.session, Actor.system("test"), user, roles)
        if confirmed:
            user.email_confirmed_at = utcnow()
        db.session.commit()
        return user

    def operator(self) -> User:
        return self.user(Role.OPERATOR)

    def org(self, owner: User | None = None, *, status: str = "pending", name: str | None = None,
            division: str = "150207", **facts: object) -> Organisation:
        owner = owner or self.user(Role.ENTERPRISE)
        n = next(_seq)
        name = name or f"测试科技有限公司{n}"
        data = orgs.OrgData(name=name, org_type="enterprise", region_kind="local",
                            credit_code=demo_code("91", division, name), division_code=division,
                            **facts)  # type: ignore[arg-type]
        org = orgs.create(db.session, accounts.actor_for(owner), data)
        if status != "pending":
            op = Actor(user_id=None, label="test operator", roles=frozenset({Role.OPERATOR}))
            orgs.decide(db.session, op, org, verify=status == "verified", reason="资料不全",
                        expected_version=org.version)
        db.session.commit()
        return org

    def listing(self, org: Organisation | None = None, kind: str = "achievement", *, status: str = "published",
                **overrides: Any) -> Listing:
        """A listing of a verified organisation, created by its owner and moved to ``status`` by the services."""
        return make_listing(org or self.org(status="verified"), Kind(kind), status=status, **overrides)

    def contract(self, state: str = "draft") -> Contract:
        """A contract between two verified organisations in ``state`` (draft, submitted or registered)."""
        d = deal(self)
        return {"draft": lambda: draft(d), "submitted": lambda: submitted(d),
                "registered": lambda: registered(self, d)}[state]()

    def outbox(self) -> list[Path]:
        return sorted((Path(self.app.instance_path) / "outbox").glob("*.eml"))
