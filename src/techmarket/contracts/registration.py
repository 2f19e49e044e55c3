"""The registration workflow (POLICY.md §3) on the shared state machine: the seller submits, withdraws and
reopens; a registrar registers, returns for missing material or refuses; amendments and rescission after
registration. The first of two registrars deciding the same contract wins.

Every step goes through :func:`techmarket.core.workflow.apply` with the table of
:mod:`techmarket.contracts.workflow`; the history rows, the parties' notifications and the flags on saved
statements are listeners of the events it raises (:mod:`techmarket.contracts.listeners`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from techmarket.contracts import constants as cat
from techmarket.contracts import workflow
from techmarket.contracts.data import money_error
from techmarket.contracts.models import Contract
from techmarket.contracts.numbering import DEFAULT_PATTERN, registration_number, verification_code
from techmarket.contracts.services import CANCELLED_WITH_DEAL, require_registrar, require_seller, snapshot
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today, utcnow
from techmarket.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.core.workflow import Machine, apply

__all__ = ["DEFAULT_PATTERN", "MACHINE", "amend", "approve", "refuse", "reopen", "rescind", "return_for_material",
           "submit", "withdraw"]


def _authorise(session: Session, actor: Actor, contract: Contract, who: str) -> None:
    if who == workflow.REGISTRAR:
        require_registrar(actor)
    elif who == workflow.SYSTEM:
        if not actor.has(Role.ADMIN):
            raise PermissionDenied(_l("This step is taken by the system."))
    else:
        require_seller(session, actor, contract)


def _already_decided() -> Conflict:
    return Conflict(_l("Another registrar has already decided this contract. Reload to see the decision."))


def _not_possible(contract: Contract, action: str) -> DomainError:
    if contract.status == cat.Status.CANCELLED:
        return Conflict(CANCELLED_WITH_DEAL)
    if action in {"approve", "return", "refuse"} and contract.status == cat.Status.REGISTERED:
        return Conflict(_l("This contract is already registered (number %(number)s); it cannot be registered "
                           "twice.", number=contract.registration_number))
    if action in {"approve", "return", "refuse", "amend", "rescind"}:
        if contract.status in workflow.EDITABLE:
            return Conflict(_l("This contract is not waiting for a decision."))
        return _already_decided()
    if action == "submit":
        return Conflict(_l("This contract cannot be submitted in its present state."))
    return Conflict(_l("This step is not possible in the contract's present state."))


def _stale(contract: Contract) -> DomainError:
    if contract.status == cat.Status.REGISTERED:
        return _not_possible(contract, "approve")
    return Conflict(_l("Someone else changed this contract in the meantime. Reload to see its state."))


# --- guards and effects -------------------------------------------------------------------------------------


def _missing_material(contract: Contract) -> dict[str, Any]:
    kinds = {d.kind for d in contract.documents}
    if "signed_contract" not in kinds:
        return {"document": _l("Upload the signed contract (a written contract is required) before submitting.")}
    if contract.fiscal_funded and "approval" not in kinds:
        return {"document": _l("A fiscally funded result needs its approval document uploaded before "
                               "submitting.")}
    return {}


def _guard_submit(session: Session, actor: Actor, contract: Contract, data: Mapping[str, Any]) -> None:
    missing = _missing_material(contract)
    if missing:
        raise ValidationFailed(next(iter(missing.values())), field_errors=missing)


def _on_submit(session: Session, actor: Actor, contract: Contract, data: Mapping[str, Any]) -> dict[str, Any]:
    """The review clock (re)starts today."""
    today = local_today()
    contract.submitted_at = utcnow()
    contract.review_started_on = today
    contract.expert_review = workflow.needs_expert_review(contract.technical_amount)
    contract.review_due_on, contract.review_due_provisional = workflow.review_deadline(
        today, contract.technical_amount)
    contract.first_approved_by_id = contract.first_approved_at = None
    contract.refusal_reasons = contract.refusal_note = None
    return {"due_on": contract.review_due_on, "expert_review": contract.expert_review}


def _off_the_clock(session: Session, actor: Actor, contract: Contract, data: Mapping[str, Any]) -> None:
    contract.review_due_on = None


def _guard_first_approval(session: Session, actor: Actor, contract: Contract, data: Mapping[str, Any]) -> None:
    if not str(data.get("expert_opinion") or "").strip():
        msg = _l("A technical transaction amount of 5,000,000 yuan or more needs expert review: record the "
                 "experts' opinion.")
        raise ValidationFailed(msg, field_errors={"expert_opinion": msg})


def _on_first_approval(session: Session, actor: Actor, contract: Contract,
                       data: Mapping[str, Any]) -> dict[str, Any]:
    contract.expert_opinion = str(data["expert_opinion"]).strip()[:5000]
    contract.first_approved_by_id, contract.first_approved_at = actor.user_id, utcnow()
    return {"expert_opinion": contract.expert_opinion}


def _guard_register(session: Session, actor: Actor, contract: Contract, data: Mapping[str, Any]) -> None:
    if contract.status == cat.Status.SECOND_REVIEW and contract.first_approved_by_id == actor.user_id:
        raise ValidationFailed(_l("A second registrar, not the one who approved first, must confirm this "
                                  "registration."))


def _on_register(session: Session, actor: Actor, contract: Contract, data: Mapping[str, Any]) -> dict[str, Any]:
    today = local_today()
    number, seq = registration_number(session, contract, today, str(data.get("pattern") or DEFAULT_PATTERN))
    contract.registration_number, contract.registration_year, contract.registration_seq = number, today.year, seq
    contract.registered_on, contract.registered_by_id = today, actor.user_id
    contract.verification_code = contract.verification_code or verification_code()
    contract.return_reason = None
    return {"registration_number": number}


def _guard_return(session: Session, actor: Actor, contract: Contract, data: Mapping[str, Any]) -> None:
    if not str(data.get("reason") or "").strip():
        raise ValidationFailed(_l("Say what material is missing."),
                               field_errors={"reason": _l("Say what material is missing.")})


def _on_return(session: Session, actor: Actor, contract: Contract, data: Mapping[str, Any]) -> None:
    """The clock restarts when the seller submits again."""
    contract.return_reason = str(data["reason"]).strip()[:2000]
    contract.review_due_on = None
    contract.first_approved_by_id = contract.first_approved_at = None


def _guard_refuse(session: Session, actor: Actor, contract: Contract, data: Mapping[str, Any]) -> None:
    codes = data.get("reasons") or []
    if not codes or any(r not in cat.REFUSAL_REASONS for r in codes):
        raise ValidationFailed(_l("Choose at least one reason from the list."),
                               field_errors={"reasons": _l("Choose at least one reason from the list.")})


def _on_refuse(session: Session, actor: Actor, contract: Contract, data: Mapping[str, Any]) -> dict[str, Any]:
    contract.refusal_reasons, contract.refusal_note = list(data["reasons"]), str(data.get("note") or "")[:2000]
    contract.review_due_on = None
    return {"reasons": contract.refusal_reasons, "note": contract.refusal_note}


def _guard_amend(session: Session, actor: Actor, contract: Contract, data: Mapping[str, Any]) -> None:
    errors: dict[str, Any] = {}
    total, technical = data.get("total_amount"), data.get("technical_amount")
    if not str(data.get("reason") or "").strip():
        errors["reason"] = _l("Give the reason for the amendment.")
    if (msg := money_error(total)) is not None:
        errors["total_amount"] = msg
    if (msg := money_error(technical)) is not None:
        errors["technical_amount"] = msg
    elif total is not None and technical is not None and technical > total:
        errors["technical_amount"] = _l("The technical transaction amount cannot exceed the total.")
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)


def _on_amend(session: Session, actor: Actor, contract: Contract, data: Mapping[str, Any]) -> dict[str, Any]:
    total, technical = data["total_amount"], data["technical_amount"]
    change = {"total_amount": [contract.total_amount, total],
              "technical_amount": [contract.technical_amount, technical]}
    contract.total_amount, contract.technical_amount = total, technical
    contract.non_technical_amount = total - technical
    return {"change": change}


def _guard_rescind(session: Session, actor: Actor, contract: Contract, data: Mapping[str, Any]) -> None:
    if not str(data.get("reason") or "").strip():
        raise ValidationFailed(_l("Give the reason for the rescission."),
                               field_errors={"reason": _l("Give the reason for the rescission.")})


def _on_rescind(session: Session, actor: Actor, contract: Contract, data: Mapping[str, Any]) -> None:
    contract.rescinded_on = local_today()


_RULES: dict[tuple[str, str], dict[str, Any]] = {
    ("submit", "submitted"): {"guard": _guard_submit, "effect": _on_submit},
    ("submit", "resubmitted"): {"guard": _guard_submit, "effect": _on_submit},
    ("withdraw", "withdrawn"): {"effect": _off_the_clock},
    ("reopen", "reopened"): {"effect": _off_the_clock},
    ("cancel", "cancelled"): {"effect": _off_the_clock},
    ("approve", "approved_first"): {"guard": _guard_first_approval, "effect": _on_first_approval},
    ("approve", "registered"): {"guard": _guard_register, "effect": _on_register},
    ("return", "returned"): {"guard": _guard_return, "effect": _on_return},
    ("refuse", "refused"): {"guard": _guard_refuse, "effect": _on_refuse},
    ("amend", "amended"): {"guard": _guard_amend, "effect": _on_amend},
    ("rescind", "rescinded"): {"guard": _guard_rescind, "effect": _on_rescind},
}

MACHINE: Machine[Contract] = Machine(
    name="contract",
    transitions=tuple(replace(t, **_RULES.get((t.action, t.event), {})) for t in workflow.TRANSITIONS),
    authorise=_authorise,
    snapshot=snapshot,
    not_possible=_not_possible,
    stale=_stale,
)


# --- the steps ----------------------------------------------------------------------------------------------


def submit(session: Session, actor: Actor, contract: Contract, *, expected_version: int | None = None) -> Contract:
    """The seller submits for registration; the review clock (re)starts today."""
    apply(session, actor, MACHINE, contract, "submit", expected_version=expected_version)
    return contract


def withdraw(session: Session, actor: Actor, contract: Contract, *, expected_version: int | None = None) -> Contract:
    apply(session, actor, MACHINE, contract, "withdraw", expected_version=expected_version)
    return contract


def reopen(session: Session, actor: Actor, contract: Contract, *, expected_version: int | None = None) -> Contract:
    apply(session, actor, MACHINE, contract, "reopen", expected_version=expected_version)
    return contract


def approve(session: Session, actor: Actor, contract: Contract, *, expected_version: int | None = None,
            expert_opinion: str = "", pattern: str = DEFAULT_PATTERN) -> Contract:
    """Register the contract, or record the first of the two approvals a large contract needs."""
    apply(session, actor, MACHINE, contract, "approve", expected_version=expected_version,
          expert_opinion=expert_opinion, pattern=pattern)
    return contract


def return_for_material(session: Session, actor: Actor, contract: Contract, reason: str, *,
                        expected_version: int | None = None) -> Contract:
    """Return for missing material; the clock restarts when the seller submits again."""
    apply(session, actor, MACHINE, contract, "return", expected_version=expected_version, reason=reason)
    return contract


def refuse(session: Session, actor: Actor, contract: Contract, reasons: Iterable[str], note: str = "", *,
           expected_version: int | None = None) -> Contract:
    """Refuse registration with reasons from the list of POLICY.md §3."""
    codes = [r for r in dict.fromkeys(reasons) if r]
    apply(session, actor, MACHINE, contract, "refuse", expected_version=expected_version, reasons=codes,
          note=note.strip())
    return contract


def amend(session: Session, actor: Actor, contract: Contract, *, reason: str, total_amount: Decimal | None,
          technical_amount: Decimal | None, expected_version: int | None = None) -> Contract:
    """Record a change to a registered contract with its reason; results computed from it are flagged."""
    apply(session, actor, MACHINE, contract, "amend", expected_version=expected_version, reason=reason,
          total_amount=total_amount, technical_amount=technical_amount)
    return contract


def rescind(session: Session, actor: Actor, contract: Contract, *, reason: str,
            expected_version: int | None = None) -> Contract:
    """Record the rescission of a registered contract; it earns no benefit from now on."""
    apply(session, actor, MACHINE, contract, "rescind", expected_version=expected_version, reason=reason)
    return contract
