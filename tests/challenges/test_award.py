"""Decision, publicity of 5 working days with objections, the final award and its draft contract."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from techmarket.accounts.services import actor_for
from techmarket.challenges import decision, review
from techmarket.challenges.constants import AppStatus, CallStatus
from techmarket.contracts import services as contracts
from techmarket.contracts.data import ContractData, InstalmentData, PartyData
from techmarket.contracts.models import Contract
from techmarket.core.audit import AuditEntry
from techmarket.core.clock import local_today
from techmarket.core.errors import PermissionDenied, ValidationFailed
from techmarket.extensions import db
from techmarket.policy.calendar import working_days_between
from tests.challenges.builders import OPERATOR, reviewing


def test_publicity_objection_award_and_contract(make) -> None:
    s, a, b, _other = reviewing(make)
    review.formal_check(db.session, OPERATOR, a, True)
    review.formal_check(db.session, OPERATOR, b, False, "缺少资质证明")
    db.session.commit()
    assert b.status == AppStatus.INELIGIBLE and b.formal_reason == "缺少资质证明"

    with pytest.raises(ValidationFailed):  # only eligible applications can win
        decision.propose(db.session, s.p, s.call, [b.id], "理由")
    db.session.rollback()
    with pytest.raises(ValidationFailed):  # a decision needs reasons
        decision.propose(db.session, s.p, s.call, [a.id], "")
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        decision.propose(db.session, s.a, s.call, [a.id], "自己选自己")
    db.session.rollback()
    decision.propose(db.session, s.p, s.call, [a.id], "技术路线最优")
    db.session.commit()
    call = s.call
    assert call.status == CallStatus.PUBLICITY and a.status == AppStatus.PROPOSED
    assert working_days_between(call.publicity_from, call.publicity_until)[0] == 5

    # an objection, upheld: back to review; proposed again; a second objection dismissed
    o = decision.object_to(db.session, actor_for(_other.memberships[0].user), call, "评审不公")
    db.session.commit()
    with pytest.raises(ValidationFailed):
        decision.finalise(db.session, OPERATOR, call)
    db.session.rollback()
    decision.decide_objection(db.session, OPERATOR, o, True, "需复核")
    db.session.commit()
    assert call.status == CallStatus.REVIEWING and a.status == AppStatus.ELIGIBLE
    decision.propose(db.session, s.p, call, [a.id], "复核后维持")
    o2 = decision.object_to(db.session, s.a, call, "无")
    decision.decide_objection(db.session, OPERATOR, o2, False, "理由不成立")
    db.session.commit()

    with pytest.raises(ValidationFailed, match="publicity"):  # not before the publicity is over
        decision.finalise(db.session, OPERATOR, call)
    db.session.rollback()
    call.publicity_until = local_today() - dt.timedelta(days=1)
    db.session.commit()
    decision.finalise(db.session, OPERATOR, call)
    db.session.commit()
    assert call.status == CallStatus.AWARDED and a.status == AppStatus.AWARDED

    contract = db.session.get(Contract, a.contract_id)
    assert contract is not None and contract.status == "draft"
    assert (contract.type_code, contract.subtype_code) == ("development", "commissioned")
    assert contract.total_amount == Decimal("3000000.00")
    assert contract.seller.organisation_id == s.applicant_org.id and contract.buyer.organisation_id == s.poster_org.id
    assert [i.amount for i in contract.instalments] == [Decimal("1200000.00"), Decimal("1800000.00")]
    assert "联合体成员" in contract.summary and "德国" in contract.summary and "成果归属" in contract.summary
    # the consortium's member is a party of its own (a co-developer), with its share of the budget; it sees the
    # contract but the lead acts for it; the lead completing the draft keeps it a party
    assert [(p.role, p.organisation_id, p.budget_share) for p in contract.parties] == [
        ("seller", s.applicant_org.id, Decimal("60.00")), ("buyer", s.poster_org.id, None),
        ("member", s.partner_org.id, Decimal("40.00"))]
    assert contracts.can_view(db.session, s.f, contract)
    with pytest.raises(PermissionDenied):
        contracts.require_party(db.session, s.f, contract)
    contracts.update(db.session, s.a, contract, ContractData(
        title=contract.title, type_key="development.commissioned", signed_on=local_today(),
        total_amount=contract.total_amount, summary=contract.summary,
        seller=PartyData(role="seller", organisation_id=s.applicant_org.id),
        buyer=PartyData(role="buyer", organisation_id=s.poster_org.id),
        instalments=[InstalmentData(due_on=i.due_on, amount=i.amount) for i in contract.instalments]))
    db.session.commit()
    db.session.expire_all()
    assert [(p.role, p.position, p.budget_share) for p in contract.parties] == [
        ("seller", 0, Decimal("60.00")), ("buyer", 1, None), ("member", 2, Decimal("40.00"))]
    awarded = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "call",
                                                          AuditEntry.action == "finalise")).all()
    assert len(awarded) == 1


def test_no_award_with_reasons(make) -> None:
    s, a, _b, _other = reviewing(make)
    review.formal_check(db.session, OPERATOR, a, True)
    db.session.commit()
    with pytest.raises(ValidationFailed):
        decision.no_award(db.session, s.p, s.call, "")
    db.session.rollback()
    decision.no_award(db.session, s.p, s.call, "均未达到指标要求")
    db.session.commit()
    assert s.call.status == CallStatus.CLOSED and a.status == AppStatus.NOT_AWARDED
