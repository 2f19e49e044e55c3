"""Registration through the real services and commits: decisions, deadlines, numbering, amendments, rights."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest

from techmarket.accounts.services import actor_for
from techmarket.contracts import registration, services
from techmarket.contracts.models import Contract, ContractEvent
from techmarket.core import audit
from techmarket.core.clock import local_today
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.incentives.models import Statement, StatementFlag
from tests.contracts.builders import contract_data, deal, draft, registered, submitted


def big(d):
    return contract_data(d, total_amount=Decimal("8000000"), instalments=[], non_tech=[])


def test_submission_sets_the_deadline_and_registration_numbers_follow_the_pattern(make):
    d = deal(make)
    contract = submitted(d)
    assert contract.review_started_on == local_today()
    assert contract.review_due_on > local_today() and not contract.expert_review
    reg = make.user(Role.REGISTRAR)
    registration.approve(db.session, actor_for(reg), contract, pattern="NM{year}-{prefecture}-{seq:05d}")
    db.session.commit()
    assert contract.registration_number == f"NM{local_today().year}-1502-00001"
    other = registered(make, deal(make))
    assert other.registration_seq == 2
    entries = audit.history(db.session, "contract", contract.id)
    assert [e.action for e in entries][-2:] == ["submit", "approve"]
    assert (entries[-1].before["status"], entries[-1].after["status"]) == ("submitted", "registered")
    assert len(entries) == len({e.id for e in entries})  # one audit entry per step, not two


def test_large_contracts_need_expert_opinion_and_a_second_different_registrar(make):
    d = deal(make)
    contract = submitted(d, big(d))
    assert contract.expert_review
    assert (contract.review_due_on - contract.review_started_on).days > 35  # 30 working days
    first, second = make.user(Role.REGISTRAR), make.user(Role.REGISTRAR)
    with pytest.raises(ValidationFailed) as err:
        registration.approve(db.session, actor_for(first), contract)
    assert "expert_opinion" in err.value.field_errors
    db.session.rollback()
    registration.approve(db.session, actor_for(first), contract, expert_opinion="同意")
    db.session.commit()
    assert contract.status == "second_review"
    with pytest.raises(ValidationFailed):
        registration.approve(db.session, actor_for(first), contract)
    db.session.rollback()
    registration.approve(db.session, actor_for(second), contract)
    db.session.commit()
    assert contract.status == "registered" and contract.registration_number


def test_a_registered_contract_cannot_be_registered_twice(make):
    d = deal(make)
    contract = registered(make, d)
    with pytest.raises(Conflict) as err:
        registration.approve(db.session, actor_for(make.user(Role.REGISTRAR)), contract)
    assert contract.registration_number in str(err.value)


def test_two_registrars_at_once_the_second_is_told(make):
    d = deal(make)
    contract = submitted(d)
    seen = contract.version
    registration.approve(db.session, actor_for(make.user(Role.REGISTRAR)), contract, expected_version=seen)
    db.session.commit()
    with pytest.raises(Conflict):
        registration.refuse(db.session, actor_for(make.user(Role.REGISTRAR)), contract, ["invalid"],
                            expected_version=seen)
    db.session.rollback()
    assert db.session.get(Contract, contract.id).status == "registered"


def test_return_restarts_the_clock_on_resubmission(make):
    d = deal(make)
    contract = submitted(d)
    reg = make.user(Role.REGISTRAR)
    with pytest.raises(ValidationFailed):
        registration.return_for_material(db.session, actor_for(reg), contract, "  ")
    db.session.rollback()
    registration.return_for_material(db.session, actor_for(reg), contract, "缺少专利登记簿副本")
    db.session.commit()
    assert contract.status == "returned" and contract.review_due_on is None
    contract.review_started_on = local_today() - dt.timedelta(days=20)  # as if submitted long ago
    db.session.commit()
    registration.submit(db.session, actor_for(d.seller), contract)
    db.session.commit()
    assert contract.status == "submitted" and contract.review_started_on == local_today()
    assert [e.action for e in db.session.scalars(db.select(ContractEvent).where(
        ContractEvent.contract_id == contract.id).order_by(ContractEvent.id))] == ["submit", "return", "resubmit"]


def test_refusal_needs_reasons_from_the_list(make):
    d = deal(make)
    contract = submitted(d)
    reg = actor_for(make.user(Role.REGISTRAR))
    for bad in ([], ["because"]):
        with pytest.raises(ValidationFailed):
            registration.refuse(db.session, reg, contract, bad)
        db.session.rollback()
    registration.refuse(db.session, reg, contract, ["monopolising", "seal_mismatch"], "第七条限制受让方改进技术")
    db.session.commit()
    assert contract.status == "refused" and contract.refusal_reasons == ["monopolising", "seal_mismatch"]
    with pytest.raises(Conflict):
        registration.submit(db.session, actor_for(d.seller), contract)


def test_only_registrars_decide_and_only_the_seller_submits(make):
    d = deal(make)
    contract = draft(d)
    with pytest.raises(PermissionDenied):
        registration.submit(db.session, actor_for(d.buyer), contract)
    registration.submit(db.session, actor_for(d.seller), contract)
    db.session.commit()
    for who in (d.seller, d.buyer, make.user(Role.OPERATOR), make.user(Role.EXPERT)):
        with pytest.raises(PermissionDenied):
            registration.approve(db.session, actor_for(who), contract)
    stranger = make.user(Role.ENTERPRISE)
    assert not services.can_view(db.session, actor_for(stranger), contract)
    assert services.can_view(db.session, actor_for(d.buyer), contract)


def test_amendment_and_rescission_are_recorded_and_flag_saved_statements(make):
    d = deal(make)
    contract = registered(make, d)
    statement = Statement(organisation_id=d.seller_org.id, tax_year=local_today().year, inputs={}, result={},
                          rule_sets=[], contract_ids=[contract.id])
    db.session.add(statement)
    db.session.commit()
    reg = actor_for(make.user(Role.REGISTRAR))
    with pytest.raises(ValidationFailed) as err:
        registration.amend(db.session, reg, contract, reason="补充协议", total_amount=Decimal("100"),
                           technical_amount=Decimal("200"))
    assert "technical_amount" in err.value.field_errors
    db.session.rollback()
    registration.amend(db.session, reg, contract, reason="补充协议调减价款", total_amount=Decimal("1100000"),
                       technical_amount=Decimal("900000"))
    db.session.commit()
    assert contract.technical_amount == Decimal("900000") and contract.status == "registered"
    registration.rescind(db.session, reg, contract, reason="双方协议解除")
    db.session.commit()
    assert contract.status == "rescinded"
    flags = db.session.scalars(db.select(StatementFlag).where(StatementFlag.statement_id == statement.id)).all()
    assert [f.action for f in flags] == ["amend", "rescind"]
    assert db.session.get(Statement, statement.id).result == {}  # the snapshot itself is untouched


def test_edits_only_while_editable(make):
    d = deal(make)
    contract = submitted(d)
    with pytest.raises(Conflict):
        services.update(db.session, actor_for(d.seller), contract, contract_data(d))
    db.session.rollback()
    registration.withdraw(db.session, actor_for(d.seller), contract)
    db.session.commit()
    services.update(db.session, actor_for(d.seller), contract, contract_data(d, title="修订后的合同名称"))
    db.session.commit()
    assert contract.title == "修订后的合同名称"


def test_registrars_hear_of_submissions_and_parties_of_decisions(make):
    from techmarket.accounts.notifications import Notification

    reg = make.user(Role.REGISTRAR)
    d = deal(make)
    contract = submitted(d)
    kinds = {(n.user_id, n.kind) for n in db.session.scalars(db.select(Notification))}
    assert (reg.id, "contract_submitted") in kinds
    registration.approve(db.session, actor_for(reg), contract)
    db.session.commit()
    kinds = {(n.user_id, n.kind) for n in db.session.scalars(db.select(Notification))}
    assert {(d.seller.id, "contract_registered"), (d.buyer.id, "contract_registered")} <= kinds


def test_two_registrars_registering_two_different_contracts_at_once_both_succeed(app, make):
    """The number was max(seq) + 1: the second of two simultaneous registrations took the same number, hit the
    unique constraint and was told, wrongly, that another registrar had decided its contract."""
    first, second = submitted(deal(make)), submitted(deal(make))
    registrars = [actor_for(make.user(Role.REGISTRAR)), actor_for(make.user(Role.REGISTRAR))]
    ids = [first.id, second.id]
    db.session.commit()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def register(contract_id: int, who) -> None:
        with app.app_context():
            try:
                contract = db.session.get(Contract, contract_id)
                barrier.wait(timeout=10)
                registration.approve(db.session, who, contract)
                db.session.commit()
            except BaseException as exc:
                errors.append(exc)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=register, args=(cid, who)) for cid, who in zip(ids, registrars, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    db.session.expire_all()
    done = [db.session.get(Contract, cid) for cid in ids]
    assert [c.status for c in done] == ["registered", "registered"]
    assert sorted(c.registration_seq for c in done) == [1, 2]
