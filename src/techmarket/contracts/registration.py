"""The registrar's decisions (POLICY.md §3): register, return for missing material, refuse; amendments and
rescission after registration. The first of two registrars deciding the same contract wins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from techmarket.accounts.notifications import notify
from techmarket.contracts import catalogue as cat
from techmarket.contracts import workflow
from techmarket.contracts.data import money_error
from techmarket.contracts.models import Contract, Statement, StatementFlag
from techmarket.contracts.services import (
    event,
    party_org_ids,
    party_user_ids,
    require_registrar,
    snapshot,
)
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today, utcnow
from techmarket.core.errors import Conflict, ValidationFailed

DEFAULT_PATTERN = "{year}{prefecture}{seq:06d}"


def _decided_already(contract: Contract) -> Conflict:
    if contract.status == cat.Status.REGISTERED:
        return Conflict(_l("This contract is already registered (number %(number)s); it cannot be registered "
                           "twice.", number=contract.registration_number))
    return Conflict(_l("Another registrar has already decided this contract. Reload to see the decision."))


def _guard(contract: Contract, action: str, expected_version: int | None) -> None:
    if expected_version is not None and contract.version != expected_version:
        raise _decided_already(contract)
    if not workflow.can(action, contract.status):
        raise _decided_already(contract) if contract.status not in workflow.EDITABLE else Conflict(
            _l("This contract is not waiting for a decision."))


def _flush(session: Session, contract: Contract) -> None:
    """Flush; another registrar's decision committed first becomes a clear :class:`Conflict`."""
    try:
        session.flush()
    except (StaleDataError, IntegrityError) as exc:
        raise Conflict(_l("Another registrar has already decided this contract. Reload to see the decision.")) \
            from exc


def _tell_parties(session: Session, contract: Contract, kind: str, **params: Any) -> None:
    notify(session, party_user_ids(session, contract), kind, {"title": contract.title, **params},
           "contracts.detail", contract_id=contract.id)


def registration_number(session: Session, contract: Contract, on: dt.date, pattern: str) -> tuple[str, int]:
    """The next number of ``on``'s year from ``pattern``; stored as an opaque string."""
    last = session.scalar(select(func.max(Contract.registration_seq)).where(Contract.registration_year == on.year))
    seq = (last or 0) + 1
    seller = contract.seller
    division = (seller.division_code if seller is not None else None) or contract.prefecture_code or "150000"
    prefecture = (contract.prefecture_code or division)[:4]
    return pattern.format(year=on.year, prefecture=prefecture, division=division, seq=seq), seq


def approve(session: Session, actor: Actor, contract: Contract, *, expected_version: int | None = None,
            expert_opinion: str = "", pattern: str = DEFAULT_PATTERN) -> Contract:
    """Register the contract, or record the first of the two approvals a large contract needs."""
    require_registrar(actor)
    _guard(contract, "approve", expected_version)
    before = snapshot(contract)
    expert_opinion = expert_opinion.strip()
    if contract.status == cat.Status.SUBMITTED and contract.expert_review:
        if not expert_opinion:
            msg = _l("A technical transaction amount of 5,000,000 yuan or more needs expert review: record the "
                     "experts' opinion.")
            raise ValidationFailed(msg, field_errors={"expert_opinion": msg})
        contract.status = cat.Status.SECOND_REVIEW.value
        contract.expert_opinion = expert_opinion[:5000]
        contract.first_approved_by_id, contract.first_approved_at = actor.user_id, utcnow()
        _flush(session, contract)
        event(session, actor, contract, "approve_first", expert_opinion)
        audit.record(session, actor, "contract", contract.id, "approve_first", before, snapshot(contract))
        return contract
    if contract.status == cat.Status.SECOND_REVIEW and contract.first_approved_by_id == actor.user_id:
        raise ValidationFailed(_l("A second registrar, not the one who approved first, must confirm this "
                                  "registration."))
    today = local_today()
    number, seq = registration_number(session, contract, today, pattern)
    contract.status = cat.Status.REGISTERED.value
    contract.registration_number, contract.registration_year, contract.registration_seq = number, today.year, seq
    contract.registered_on, contract.registered_by_id = today, actor.user_id
    contract.return_reason = None
    _flush(session, contract)
    event(session, actor, contract, "register", data={"registration_number": number})
    audit.record(session, actor, "contract", contract.id, "register", before, snapshot(contract))
    _tell_parties(session, contract, "contract_registered", number=number)
    return contract


def return_for_material(session: Session, actor: Actor, contract: Contract, reason: str, *,
                        expected_version: int | None = None) -> Contract:
    """Return for missing material; the clock restarts when the seller submits again."""
    require_registrar(actor)
    _guard(contract, "return", expected_version)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_l("Say what material is missing."),
                               field_errors={"reason": _l("Say what material is missing.")})
    before = snapshot(contract)
    contract.status = cat.Status.RETURNED.value
    contract.return_reason = reason[:2000]
    contract.review_due_on = None
    contract.first_approved_by_id = contract.first_approved_at = None
    _flush(session, contract)
    event(session, actor, contract, "return", reason[:2000])
    audit.record(session, actor, "contract", contract.id, "return", before, snapshot(contract))
    _tell_parties(session, contract, "contract_returned", reason=reason[:300])
    return contract


def refuse(session: Session, actor: Actor, contract: Contract, reasons: Iterable[str], note: str = "", *,
           expected_version: int | None = None) -> Contract:
    """Refuse registration with reasons from the list of POLICY.md §3."""
    require_registrar(actor)
    _guard(contract, "refuse", expected_version)
    codes = [r for r in dict.fromkeys(reasons) if r]
    if not codes or any(r not in cat.REFUSAL_REASONS for r in codes):
        raise ValidationFailed(_l("Choose at least one reason from the list."),
                               field_errors={"reasons": _l("Choose at least one reason from the list.")})
    before = snapshot(contract)
    contract.status = cat.Status.REFUSED.value
    contract.refusal_reasons, contract.refusal_note = codes, note.strip()[:2000]
    contract.review_due_on = None
    _flush(session, contract)
    event(session, actor, contract, "refuse", contract.refusal_note or "", {"reasons": codes})
    audit.record(session, actor, "contract", contract.id, "refuse", before, snapshot(contract))
    labels = "；".join(str(cat.REFUSAL_REASONS[c]) for c in codes)
    _tell_parties(session, contract, "contract_refused", reason=labels[:300])
    return contract


def _flag_statements(session: Session, contract: Contract, action: str, reason: str) -> int:
    """Saved statements that used this contract are flagged for review (their snapshots stay as saved)."""
    orgs = party_org_ids(contract)
    if not orgs:
        return 0
    flagged = 0
    for statement in session.scalars(select(Statement).where(Statement.organisation_id.in_(orgs))):
        if contract.id in (statement.contract_ids or []):
            session.add(StatementFlag(statement_id=statement.id, contract_id=contract.id, action=action,
                                      reason=reason[:2000]))
            flagged += 1
    return flagged


def amend(session: Session, actor: Actor, contract: Contract, *, reason: str, total_amount: Decimal | None,
          technical_amount: Decimal | None, expected_version: int | None = None) -> Contract:
    """Record a change to a registered contract with its reason; results computed from it are flagged."""
    require_registrar(actor)
    _guard(contract, "amend", expected_version)
    errors: dict[str, Any] = {}
    reason = reason.strip()
    if not reason:
        errors["reason"] = _l("Give the reason for the amendment.")
    if (msg := money_error(total_amount)) is not None:
        errors["total_amount"] = msg
    if (msg := money_error(technical_amount)) is not None:
        errors["technical_amount"] = msg
    elif total_amount is not None and technical_amount is not None and technical_amount > total_amount:
        errors["technical_amount"] = _l("The technical transaction amount cannot exceed the total.")
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)
    assert total_amount is not None and technical_amount is not None
    before = snapshot(contract)
    change = {"total_amount": [contract.total_amount, total_amount],
              "technical_amount": [contract.technical_amount, technical_amount]}
    contract.total_amount, contract.technical_amount = total_amount, technical_amount
    contract.non_technical_amount = total_amount - technical_amount
    _flush(session, contract)
    flagged = _flag_statements(session, contract, "amend", reason)
    event(session, actor, contract, "amend", reason[:2000], {"change": change, "statements_flagged": flagged})
    audit.record(session, actor, "contract", contract.id, "amend", before, snapshot(contract) | {"reason": reason})
    _tell_parties(session, contract, "contract_amended", reason=reason[:300])
    return contract


def rescind(session: Session, actor: Actor, contract: Contract, *, reason: str,
            expected_version: int | None = None) -> Contract:
    """Record the rescission of a registered contract; it earns no benefit from now on."""
    require_registrar(actor)
    _guard(contract, "rescind", expected_version)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_l("Give the reason for the rescission."),
                               field_errors={"reason": _l("Give the reason for the rescission.")})
    before = snapshot(contract)
    contract.status = cat.Status.RESCINDED.value
    contract.rescinded_on = local_today()
    _flush(session, contract)
    flagged = _flag_statements(session, contract, "rescind", reason)
    event(session, actor, contract, "rescind", reason[:2000], {"statements_flagged": flagged})
    audit.record(session, actor, "contract", contract.id, "rescind", before, snapshot(contract) | {"reason": reason})
    _tell_parties(session, contract, "contract_rescinded", reason=reason[:300])
    return contract


DECISIONS: dict[str, Callable[..., Contract]] = {
    "approve": approve, "return": return_for_material, "refuse": refuse, "amend": amend, "rescind": rescind,
}
