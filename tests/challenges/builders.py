"""Challenge scenes built through the real services: a poster, two applicants (one abroad), experts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from techmarket.accounts.models import User
from techmarket.accounts.services import actor_for
from techmarket.challenges import applications, calls, decision, review
from techmarket.challenges.data import CallData
from techmarket.challenges.models import Application, Call
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today, utcnow
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.orgs import services as orgs
from techmarket.orgs.models import Organisation

OPERATOR = Actor(user_id=None, label="test operator", roles=frozenset({Role.OPERATOR}))
RUBRIC = [{"key": "c1", "name": "技术路线", "weight": 60, "scale": 10},
          {"key": "c2", "name": "团队", "weight": 40, "scale": 10}]


def call_data(org_id: int, **over: Any) -> CallData:
    values: dict[str, Any] = {
        "poster_org_id": org_id, "title": "高性能稀土永磁材料制备技术攻关", "problem": "钕铁硼磁体矫顽力不足。",
        "public_summary": "征集高矫顽力稀土永磁制备技术", "field": "rare_earth", "bounty": Decimal("3000000"),
        "deadline_on": local_today() + dt.timedelta(days=30), "prefecture_code": "150200",
        "targets": [{"indicator": "矫顽力", "value": "≥20", "unit": "kOe", "method": "第三方检测"}],
        "rubric": [dict(c) for c in RUBRIC], "confidential_details": "配方数据见附件", "nda_text": "保密协议第1版",
        "region_scope": "world"}
    values.update(over)
    return CallData(**values)


@dataclass
class Scene:
    poster: User
    poster_org: Organisation
    applicant: User
    applicant_org: Organisation
    partner: User
    partner_org: Organisation  # abroad
    call: Call

    @property
    def p(self) -> Actor:
        return actor_for(self.poster)

    @property
    def a(self) -> Actor:
        return actor_for(self.applicant)

    @property
    def f(self) -> Actor:
        return actor_for(self.partner)


def foreign_org(make: Any, name: str = "Fraunhofer Test GmbH") -> Organisation:
    owner = make.user(Role.RESEARCHER)
    org = orgs.create(db.session, actor_for(owner), orgs.OrgData(
        name=name, org_type="institute", region_kind="abroad", country="德国",
        foreign_registration=f"HRB{owner.id:06d}"))
    orgs.decide(db.session, OPERATOR, org, verify=True, reason="", expected_version=org.version)
    db.session.commit()
    return org


def scene(make: Any, *, publish: bool = True, **over: Any) -> Scene:
    poster_org = make.org(status="verified")
    applicant_org = make.org(status="verified", name="内蒙古测试大学")
    partner_org = foreign_org(make)
    poster = poster_org.memberships[0].user
    call = calls.create(db.session, actor_for(poster), call_data(poster_org.id, **over))
    if publish:
        calls.act(db.session, actor_for(poster), call, "submit")
        calls.act(db.session, OPERATOR, call, "approve")
    db.session.commit()
    return Scene(poster, poster_org, applicant_org.memberships[0].user, applicant_org,
                 partner_org.memberships[0].user, partner_org, call)


def complete(app: Application, actor: Actor) -> None:
    """Fill the form so that it may be submitted."""
    applications.save(db.session, actor, app, title="高矫顽力磁体方案", sections={"c1": "晶界扩散", "c2": "教授团队"},
                      milestones=[{"deliverable": "小试样品", "due_on": "2027-06-30", "criteria": "矫顽力≥18kOe",
                                   "share": "40"},
                                  {"deliverable": "中试验收", "due_on": "2027-12-31", "criteria": "矫顽力≥20kOe",
                                   "share": "60"}],
                      budget=Decimal("3000000"))


def pass_deadline(call: Call) -> None:
    call.deadline = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()


def reviewing(make: Any) -> tuple[Scene, Application, Application, Organisation]:
    """A call past its deadline with two submitted applications: a consortium (with the foreign member) and a
    single organisation."""
    s = scene(make)
    a = applications.start(db.session, s.a, s.call, s.applicant_org.id)
    complete(a, s.a)
    m = applications.invite(db.session, s.a, a, s.partner_org.foreign_registration or "", "表征")
    lead = next(x for x in a.members if x.is_lead)
    applications.set_shares(db.session, s.a, a, {lead.id: ("牵头", Decimal(60), Decimal(60)),
                                                 m.id: ("表征", Decimal(40), Decimal(40))})
    applications.answer_invitation(db.session, s.f, m, True)
    applications.submit(db.session, s.a, a)
    other_org = make.org(status="verified", name="鄂尔多斯测试研究院")
    other = actor_for(other_org.memberships[0].user)
    b = applications.start(db.session, other, s.call, other_org.id)
    complete(b, other)
    applications.submit(db.session, other, b)
    db.session.commit()
    pass_deadline(s.call)
    calls.settle(db.session, s.call)
    db.session.commit()
    return s, a, b, other_org


def awarded(make: Any, **over: Any) -> tuple[Scene, Application]:
    """A call awarded to a single applicant (its two milestones: 40% and 60%)."""
    s = scene(make, **over)
    a = applications.start(db.session, s.a, s.call, s.applicant_org.id)
    complete(a, s.a)
    applications.submit(db.session, s.a, a)
    db.session.commit()
    pass_deadline(s.call)
    calls.settle(db.session, s.call)
    review.formal_check(db.session, OPERATOR, a, True)
    decision.propose(db.session, OPERATOR if s.call.fiscal else s.p, s.call, [a.id], "唯一合格申报")
    s.call.publicity_until = local_today() - dt.timedelta(days=1)
    decision.finalise(db.session, OPERATOR, s.call)
    db.session.commit()
    return s, a
