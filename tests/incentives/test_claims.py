"""Subsidy claims (POLICY.md §2.5): application, county pre-review, 盟市 review, approval, budget, publicity,
disbursement; a contract counted once per claimant and year; a rescinded contract withdraws its claims."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from techmarket.accounts.notifications import Notification
from techmarket.accounts.services import actor_for
from techmarket.contracts import registration
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.incentives.claims import access, claiming, review
from techmarket.incentives.claims.models import ClaimStep
from techmarket.incentives.models import Disbursement
from techmarket.policy.calendar import add_working_days
from techmarket.rulesets.services import new_version
from tests.incentives.support import SUBSIDY_OF_800K, TODAY, bureau, claim, setup


def test_a_claim_goes_from_application_through_both_bureaus_and_approval_to_the_disbursement_list(make):
    s = setup(make)
    c = claim(s, statement="买方技术交易后补助申请")
    assert (c.status, c.role, c.computed_amount, c.requested_amount) == ("draft", "buyer", SUBSIDY_OF_800K,
                                                                         SUBSIDY_OF_800K)
    assert (c.division_code, c.prefecture_code, c.city_review) == ("150203", "150200", True)
    assert {r["name"] for r in c.rule_sets} == {"transaction-subsidy", "subsidy-budget"}
    assert c.contracts[0].payment_ids == [p.id for p in s.contract.payments]
    claiming.submit(db.session, actor_for(s.d.buyer), c)
    db.session.commit()
    assert c.status == "county_review"
    # the county bureau of another 旗县 and the 盟市 bureau cannot pre-review it
    other = bureau(make, Role.COUNTY_BUREAU, "150207")
    for wrong in (other, s.city):
        with pytest.raises(PermissionDenied):
            review.decide(db.session, actor_for(wrong), c, "pre_pass")
    db.session.rollback()
    assert db.session.scalars(access.queue(db.session, actor_for(s.county))[1]).all() == [c]
    assert db.session.scalars(access.queue(db.session, actor_for(other))[1]).all() == []
    review.decide(db.session, actor_for(s.county), c, "pre_pass")
    review.decide(db.session, actor_for(s.city), c, "city_pass")
    review.decide(db.session, actor_for(s.operator), c, "approve")
    db.session.commit()
    assert (c.status, c.granted_amount) == ("approved", SUBSIDY_OF_800K)
    review.publish(db.session, actor_for(s.operator), c, today=TODAY)
    db.session.commit()
    assert (c.status, c.publicity_until) == ("publicity", add_working_days(TODAY, 5)[0])
    with pytest.raises(Conflict, match=c.publicity_until.isoformat()):
        review.list_for_disbursement(db.session, actor_for(s.operator), c, TODAY, today=TODAY)
    db.session.rollback()
    later = c.publicity_until + dt.timedelta(days=1)
    row = review.list_for_disbursement(db.session, actor_for(s.operator), c, later, today=later)
    db.session.commit()
    assert c.status == "listed"
    assert (row.claim_id, row.statement_id, row.amount, row.kind) == (c.id, None, SUBSIDY_OF_800K, "claim_subsidy")
    assert row.due_on == add_working_days(later, 30)[0]
    steps = [st.action for st in db.session.query(ClaimStep).filter_by(claim_id=c.id).order_by(ClaimStep.id)]
    assert steps == ["create", "submit", "pre_pass", "city_pass", "approve", "publish", "list"]
    kinds = {n.kind for n in db.session.query(Notification).filter_by(user_id=s.d.buyer.id)}
    assert {"claim_approved", "claim_published", "claim_listed"} <= kinds
    assert db.session.query(Notification).filter_by(user_id=s.county.id, kind="claim_to_review").count() == 1
    assert db.session.query(Notification).filter_by(user_id=s.city.id, kind="claim_to_review").count() == 1


def test_a_contract_counts_once_per_claimant_and_year_and_a_refusal_frees_it(make):
    s = setup(make)
    first = claim(s)
    with pytest.raises(Conflict, match=f"#{first.id}"):
        claim(s)
    db.session.rollback()
    claiming.submit(db.session, actor_for(s.d.buyer), first)
    with pytest.raises(ValidationFailed):
        review.decide(db.session, actor_for(s.county), first, "pre_refuse", "")
    review.decide(db.session, actor_for(s.county), first, "pre_refuse", "合同金额与发票不符")
    db.session.commit()
    assert first.status == "refused" and first.contracts[0].counted_year is None
    again = claim(s)
    assert again.contracts[0].counted_year == again.claim_year


def test_a_return_restarts_at_the_county_and_a_rescinded_contract_withdraws_the_claim_saying_so(make):
    s = setup(make)
    c = claim(s)
    claiming.submit(db.session, actor_for(s.d.buyer), c)
    review.decide(db.session, actor_for(s.county), c, "pre_pass")
    review.decide(db.session, actor_for(s.city), c, "city_return", "请补充发票")
    db.session.commit()
    assert (c.status, c.last_reason) == ("returned", "请补充发票")
    claiming.submit(db.session, actor_for(s.d.buyer), c)
    db.session.commit()
    assert c.status == "county_review"
    registration.rescind(db.session, actor_for(make.user(Role.REGISTRAR)), s.contract, reason="双方协议解除")
    db.session.commit()
    assert c.status == "withdrawn" and s.contract.registration_number in c.last_reason
    assert "双方协议解除" in c.last_reason and c.contracts[0].counted_year is None
    assert db.session.query(Notification).filter_by(user_id=s.d.buyer.id, kind="claim_withdrawn_rescinded").count() == 1


def test_the_budget_reduces_approved_claims_pro_rata(make):
    s = setup(make)
    op = actor_for(s.operator)
    new_version(db.session, op, "subsidy-budget", {"budget": "60000.00", "overrun": "pro_rata", "city_review": False,
                                                   "publicity_working_days": 5}, "2021-01-01", "测试预算")
    db.session.commit()
    c = claim(s, requested=Decimal("90000"))
    assert (c.requested_amount, c.computed_amount, c.city_review) == (Decimal("90000.00"), SUBSIDY_OF_800K, False)
    assert {"name": "subsidy-budget", "version": 2} in c.rule_sets
    claiming.submit(db.session, actor_for(s.d.buyer), c)
    review.decide(db.session, actor_for(s.county), c, "pre_pass")
    db.session.commit()
    assert c.status == "operator_review"  # the year's rule set skips the 盟市 review
    review.decide(db.session, op, c, "approve")
    found = review.budget(db.session, op, c.claim_year)
    assert found.outcome.raw["overrun"] is True and Decimal(found.outcome.raw["factor"]) == Decimal("0.75")
    review.reduce_to_budget(db.session, op, c.claim_year)
    db.session.commit()
    assert (c.granted_amount, c.reduction_factor) == (Decimal("60000.00"), Decimal("0.75"))
    with pytest.raises(Conflict):
        review.reduce_to_budget(db.session, op, c.claim_year)
    db.session.rollback()
    assert review.publish_year(db.session, op, c.claim_year, today=TODAY) == 1
    db.session.commit()
    review.object_to(db.session, c, "某公司", "0471-1234567", "该合同实际并未履行，申请补助不实。", today=TODAY)
    db.session.commit()
    later = c.publicity_until + dt.timedelta(days=1)
    with pytest.raises(Conflict, match=r"异议|objection"):
        review.list_for_disbursement(db.session, op, c, later, today=later)
    db.session.rollback()
    review.decide_objection(db.session, op, c.objections[0].id, True, "经核实，异议成立")
    db.session.commit()
    assert (c.status, c.granted_amount) == ("operator_review", None)
    assert db.session.query(Disbursement).count() == 0
