"""A milestone's part of the bounty is released only out of confirmed funding not yet released: accepting a milestone
before the bounty is funded, or beyond what is funded, is refused with the reason; the amounts stay consistent and
the project page says why the step is not offered."""

from __future__ import annotations

from decimal import Decimal

import pytest

from techmarket.accounts.services import actor_for
from techmarket.challenges import project
from techmarket.challenges.constants import MilestoneStatus
from techmarket.core.errors import ValidationFailed
from techmarket.core.roles import Role
from techmarket.extensions import db
from tests.challenges.builders import OPERATOR, awarded

MET = [{"result": "met", "measured": "20.6 kOe"}]


def _deliver(app, s, m) -> None:
    project.deliver(db.session, s.a, m, "小试样品及检测报告", [], instance_path=app.instance_path, max_bytes=1 << 20)
    db.session.commit()


def _fund(s, a, amount: str) -> None:
    t = project.record_funding(db.session, s.p, a, amount, f"BANK-{amount}")
    project.decide_transfer(db.session, OPERATOR, t, True)
    db.session.commit()


def test_no_release_before_the_bounty_is_funded_nor_beyond_it(app, make) -> None:
    s, a = awarded(make)  # 3,000,000: milestones of 1,200,000 and 1,800,000
    m1, m2 = project.milestones_of(db.session, a)
    _deliver(app, s, m1)
    with pytest.raises(ValidationFailed, match=r"1,200,000\.00") as refused:  # nothing funded yet
        project.decide(db.session, s.p, m1, "accept")
    assert "0.00" in str(refused.value)
    db.session.rollback()
    recorded = project.record_funding(db.session, s.p, a, "150万", "BANK-1")  # recorded, not yet confirmed
    db.session.commit()
    with pytest.raises(ValidationFailed):
        project.decide(db.session, s.p, m1, "accept")
    db.session.rollback()
    assert m1.status == MilestoneStatus.DELIVERED and not [t for t in project.transfers_of(db.session, a)
                                                           if t.kind == "release"]
    project.decide_transfer(db.session, OPERATOR, recorded, True)
    db.session.commit()
    project.decide(db.session, s.p, m1, "accept")  # 1,500,000 funded covers 1,200,000
    db.session.commit()
    money = project.funding(db.session, a)
    assert (money.funded, money.released, money.release_pending, money.held, money.available) == (
        Decimal(1500000), 0, Decimal(1200000), Decimal(1500000), Decimal(300000))

    # the second milestone (1,800,000) needs more than the 300,000 left free, even before the first is paid out
    _deliver(app, s, m2)
    with pytest.raises(ValidationFailed, match=r"300,000\.00"):
        project.decide(db.session, s.p, m2, "accept")
    db.session.rollback()
    release = next(t for t in project.transfers_of(db.session, a) if t.kind == "release")
    project.decide_transfer(db.session, OPERATOR, release, True)
    db.session.commit()
    _fund(s, a, "150万")
    project.decide(db.session, s.p, m2, "accept")
    db.session.commit()
    money = project.funding(db.session, a)
    assert (money.funded, money.released, money.release_pending, money.held, money.available) == (
        Decimal(3000000), Decimal(1200000), Decimal(1800000), Decimal(1800000), 0)


def test_the_experts_acceptance_of_a_fiscal_final_milestone_waits_for_the_funding_too(app, make) -> None:
    s, a = awarded(make, fund_source="fiscal", programme="自治区揭榜挂帅专项")
    m1, m2 = project.milestones_of(db.session, a)
    _fund(s, a, "120万")
    _deliver(app, s, m1)
    project.decide(db.session, s.p, m1, "accept")
    _deliver(app, s, m2)
    project.decide(db.session, s.p, m2, "accept")  # sends it to an expert: nothing released yet
    db.session.commit()
    assert m2.status == MilestoneStatus.EXPERT_REVIEW
    expert = make.user(Role.EXPERT)
    with pytest.raises(ValidationFailed, match=r"1,800,000\.00"):
        project.decide(db.session, actor_for(expert), m2, "expert_pass", results=MET)
    db.session.rollback()
    assert db.session.get(type(m2), m2.id).status == MilestoneStatus.EXPERT_REVIEW


def test_the_project_page_says_why_acceptance_is_not_offered(app, make, signin) -> None:
    s, a = awarded(make)
    m1, _m2 = project.milestones_of(db.session, a)
    _deliver(app, s, m1)
    poster = signin(s.poster)
    page = poster.get(f"/challenges/projects/{a.id}").get_data(as_text=True)
    assert 'data-testid="unfunded"' in page and 'data-testid="accept-milestone"' not in page
    assert "资金不足" in page
    refused = poster.post(f"/challenges/milestones/{m1.id}/accept", data={"version": m1.version},
                          follow_redirects=True)
    assert "资金不足" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(m1), m1.id).status == MilestoneStatus.DELIVERED
    _fund(s, a, "300万")
    poster.get("/lang/en")
    page = poster.get(f"/challenges/projects/{a.id}").get_data(as_text=True)
    assert 'data-testid="unfunded"' not in page and 'data-testid="accept-milestone"' in page
    assert "Free to release" in page
