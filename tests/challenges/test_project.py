"""After the award: funding, milestone delivery and acceptance, staged release, expert acceptance of a fiscal
call's final milestone, and the diligence review of a failure (clause 二十七)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from techmarket.accounts.services import actor_for
from techmarket.challenges import project
from techmarket.challenges.constants import MilestoneStatus
from techmarket.core.errors import PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.extensions import db
from tests.challenges.builders import OPERATOR, awarded
from tests.orgs.support import add_member

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MET = [{"result": "met", "measured": "20.6 kOe"}]


def test_fiscal_project_funded_delivered_released_and_accepted_by_an_expert(app, make) -> None:
    s, a = awarded(make, fund_source="fiscal", programme="自治区揭榜挂帅专项")
    m1, m2 = project.milestones_of(db.session, a)
    assert (m1.amount, m2.amount, m2.is_final) == (Decimal("1200000.00"), Decimal("1800000.00"), True)

    with pytest.raises(ValidationFailed):  # more than the bounty
        project.record_funding(db.session, s.p, a, "400万", "BANK-1")
    db.session.rollback()
    fund = project.record_funding(db.session, s.p, a, "300万", "BANK-1")
    db.session.commit()
    assert project.funding(db.session, a).funded == 0  # not before the operator confirms
    project.decide_transfer(db.session, OPERATOR, fund, True)
    db.session.commit()

    kw = {"instance_path": app.instance_path, "max_bytes": 1 << 20}
    with pytest.raises(ValidationFailed, match="Only PDF"):
        project.deliver(db.session, s.a, m1, "小试样品", [("r.pdf", io.BytesIO(b"not a pdf"))], **kw)
    db.session.rollback()
    with pytest.raises(PermissionDenied):  # only the winner delivers
        project.deliver(db.session, s.p, m1, "小试样品", [], **kw)
    db.session.rollback()
    project.deliver(db.session, s.a, m1, "小试样品及检测报告", [("report.pdf", io.BytesIO(PDF))], **kw)
    project.decide(db.session, s.p, m1, "accept")
    db.session.commit()
    assert m1.status == MilestoneStatus.ACCEPTED and len(m1.files) == 1
    release = next(t for t in project.transfers_of(db.session, a) if t.kind == "release")
    project.decide_transfer(db.session, OPERATOR, release, True)
    db.session.commit()
    money = project.funding(db.session, a)
    assert (money.funded, money.released, money.held) == (Decimal(3000000), Decimal(1200000), Decimal(1800000))

    # the final milestone of a fiscal call: the poster's acceptance sends it to an expert
    project.deliver(db.session, s.a, m2, "中试线", [], **kw)
    project.decide(db.session, s.p, m2, "accept")
    db.session.commit()
    assert m2.status == MilestoneStatus.EXPERT_REVIEW
    with pytest.raises(PermissionDenied):  # not an expert
        project.decide(db.session, s.p, m2, "expert_pass", results=MET)
    db.session.rollback()
    expert = make.user(Role.EXPERT)
    with pytest.raises(ValidationFailed, match="every target"):
        project.decide(db.session, actor_for(expert), m2, "expert_pass", results=[])
    db.session.rollback()
    project.decide(db.session, actor_for(expert), m2, "expert_pass", results=MET)
    db.session.commit()
    assert m2.status == MilestoneStatus.ACCEPTED and m2.target_results[0]["result"] == "met"


def test_failed_but_diligent_is_recorded_as_such(app, make) -> None:
    s, a = awarded(make)
    m1, _m2 = project.milestones_of(db.session, a)
    project.deliver(db.session, s.a, m1, "小试样品", [], instance_path=app.instance_path, max_bytes=1 << 20)
    db.session.commit()
    with pytest.raises(ValidationFailed):  # rejecting needs reasons
        project.decide(db.session, s.p, m1, "reject", reason="")
    db.session.rollback()
    project.decide(db.session, s.p, m1, "reject", reason="矫顽力仅16kOe，未达指标")
    project.decide(db.session, s.a, m1, "ask_diligence", reason="完成了三轮工艺探索，记录完整")
    db.session.commit()
    insider = make.user(Role.EXPERT)
    add_member(s.applicant_org, insider)
    with pytest.raises(PermissionDenied):  # an expert of the winner's own organisation
        project.decide(db.session, actor_for(insider), m1, "diligent", reason="尽职")
    db.session.rollback()
    expert = make.user(Role.EXPERT)
    project.decide(db.session, actor_for(expert), m1, "diligent", reason="具有探索价值，团队勤勉尽责，建议继续支持")
    db.session.commit()
    assert m1.status == MilestoneStatus.FAILED_DILIGENT
    assert not [t for t in project.transfers_of(db.session, a) if t.kind == "release"]  # nothing released
