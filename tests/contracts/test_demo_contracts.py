"""``techmarket demo load`` adds realistic contracts in every state, over this year and last, once."""

from __future__ import annotations

from collections import Counter, defaultdict

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from techmarket.accounts.models import UserRole
from techmarket.contracts import registrar_queries as console_queries
from techmarket.contracts.constants import Status
from techmarket.contracts.models import Contract, ContractDocument, ContractEvent, Payment
from techmarket.core.audit import AuditEntry, verify_chain
from techmarket.core.clock import local_today
from techmarket.core.roles import Role
from techmarket.demo.contracts_data import CONTRACTS
from techmarket.extensions import db
from tests.factories import Factories


def _load(runner: FlaskCliRunner) -> str:
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_demo_contracts_in_every_state_over_two_years_loaded_once(embedded_only: None, runner: FlaskCliRunner,
                                                                  make: Factories) -> None:
    output = _load(runner)
    assert f"demo contracts: {len(CONTRACTS)} added" in output
    # the contracts demo's own (the auctions and calls demos add the draft contracts of their deals and awards)
    contracts = db.session.scalars(select(Contract).where(Contract.title.in_([c.title for c in CONTRACTS]))
                                   .order_by(Contract.id)).all()
    assert len(contracts) == len(CONTRACTS)
    states = Counter(c.status for c in contracts)
    assert set(states) == {s.value for s in Status} - {Status.CANCELLED}  # only a cancelled deal cancels one
    assert states["registered"] >= 20 and states["submitted"] >= 4 and states["rescinded"] == 1
    today = local_today()
    assert all(c.signed_on <= today for c in contracts)

    # registered: spread over at least two years, numbers of their year in the order of registration
    done = [c for c in contracts if c.status in {"registered", "rescinded"}]
    assert len({c.registered_on.year for c in done}) >= 2
    by_year: dict[int, list[Contract]] = defaultdict(list)
    for c in done:
        assert c.registered_on <= today and c.registration_year == c.registered_on.year
        assert c.registration_number.startswith(f"{c.registered_on.year}{c.prefecture_code[:4]}")
        assert c.signed_on <= c.submitted_at.date() <= c.registered_on <= c.review_due_on
        by_year[c.registration_year].append(c)
    for year_contracts in by_year.values():
        ordered = sorted(year_contracts, key=lambda c: c.registration_seq)
        assert [c.registered_on for c in ordered] == sorted(c.registered_on for c in ordered)
    assert len({c.registration_number for c in done}) == len(done)

    # large ones were reviewed by experts and registered by two different registrars
    registrars = set(db.session.scalars(select(UserRole.user_id).where(UserRole.role == Role.REGISTRAR.value)))
    large = [c for c in done if c.expert_review]
    assert len(large) >= 3 and all(c.technical_amount >= 5_000_000 for c in large)
    assert all(c.first_approved_by_id in registrars and c.registered_by_id in registrars
               and c.first_approved_by_id != c.registered_by_id and c.expert_opinion for c in large)
    assert len(registrars) >= 2

    # instalments paid by bank transfer, with receipts, mostly confirmed by the operator
    paid = db.session.scalars(select(Payment)).all()
    assert sum(1 for p in paid if p.status == "confirmed") >= 20
    assert all(p.document is not None and p.document.kind == "receipt" and p.paid_on <= today for p in paid)
    assert all(any(d.kind == "signed_contract" for d in c.documents) for c in contracts)
    assert all(d.content_type == "application/pdf" for d in db.session.scalars(select(ContractDocument)))

    # the other states are real: reasons, overdue submissions, a second registrar awaited, a rescission
    assert all(c.return_reason for c in contracts if c.status == "returned")
    assert all(c.refusal_reasons for c in contracts if c.status == "refused")
    rescinded = next(c for c in contracts if c.status == "rescinded")
    assert rescinded.registered_on < rescinded.rescinded_on <= today
    rows = console_queries.queue_rows(db.session.scalars(console_queries.queue()).all(), today)
    assert len(rows) == states["submitted"] + states["second_review"]
    assert sum(r.overdue for r in rows) >= 2 and sum(not r.overdue for r in rows) >= 3
    assert any(r.contract.status == "second_review" for r in rows)
    # events follow the plan's dates, not the day of loading
    first_event = db.session.scalar(select(func.min(ContractEvent.at)))
    assert first_event is not None and first_event.date() < today.replace(month=1, day=1)

    # statistics have real numbers; the chain of the audit log holds; no demo mail left the site
    stats = console_queries.statistics(db.session, max(by_year))
    assert stats.overall.count == len(by_year[max(by_year)]) - (rescinded.registration_year == max(by_year))
    assert verify_chain(db.session)[1] is None
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.object_type == "contract", AuditEntry.action == "demo_backdate")) == len(contracts)
    assert make.outbox() == []

    # a second run adds nothing
    before = (_count(Contract), _count(Payment), _count(AuditEntry), _count(ContractEvent))
    again = _load(runner)
    assert "demo contracts: 0 added" in again
    assert (_count(Contract), _count(Payment), _count(AuditEntry), _count(ContractEvent)) == before
