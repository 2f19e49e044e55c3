"""Claims built through the real services: a buyer who paid a registered contract of the open claim window, the
bureaus of its 旗县 and 盟市, and the operator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from techmarket.accounts.models import User
from techmarket.accounts.services import actor_for
from techmarket.contracts.models import Contract
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.incentives.claims import access, claiming
from techmarket.incentives.claims.models import SubsidyClaim
from techmarket.rulesets.services import rulebook
from tests.contracts.builders import Deal, deal, registered
from tests.contracts.test_statement import pay
from tests.factories import Factories

TODAY = local_today()


def in_window() -> dt.date:
    """A registration date inside the window of the open claim year."""
    start, end = claiming.claim_window(rulebook(db.session), claiming.open_claim_year(rulebook(db.session), TODAY))
    return start + (end - start) / 2


@dataclass
class Setup:
    d: Deal
    contract: Contract
    county: User
    city: User
    operator: User


def bureau(make: Factories, role: Role, code: str) -> User:
    user = make.user(role)
    access.assign_area(db.session, Actor(user_id=None, label="t", roles=frozenset({Role.OPERATOR})), user, code)
    db.session.commit()
    return user


def setup(make: Factories, paid: str = "800000") -> Setup:
    """Buyer 包头永磁 (昆都仑区 150203) paid ``paid`` of a registered transfer contract registered in the window."""
    d = deal(make)
    contract = registered(make, d)
    contract.registered_on = in_window()
    db.session.commit()
    pay(make, contract, d.buyer, paid)
    return Setup(d, contract, bureau(make, Role.COUNTY_BUREAU, "150203"), bureau(make, Role.CITY_BUREAU, "150200"),
                 make.operator())


def claim(s: Setup, **extra: Any) -> SubsidyClaim:
    vouchers = [p.id for p in s.contract.payments]
    made = claiming.create(db.session, actor_for(s.d.buyer), s.d.buyer_org, "buyer", [s.contract.id], vouchers,
                           today=TODAY, **extra)
    db.session.commit()
    return made


SUBSIDY_OF_800K = Decimal("80000.00")
