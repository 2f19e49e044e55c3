"""The claim's transition table with its guards and effects, applied through :func:`techmarket.core.workflow.apply`.

Events published: ``subsidy_claim.<verb>`` with the verbs of :data:`workflow.TRANSITIONS` (``submitted``,
``resubmitted``, ``withdrawn``, ``pre_reviewed``, ``city_reviewed``, ``returned``, ``refused``, ``approved``,
``reduced``, ``published``, ``suspended``, ``listed``, ``withdrawn_rescinded``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from techmarket.contracts.constants import Status as ContractStatus
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today, utcnow
from techmarket.core.errors import Conflict, DomainError, ValidationFailed
from techmarket.core.transitions import Transition
from techmarket.core.workflow import Machine
from techmarket.incentives.claims import access
from techmarket.incentives.claims import workflow as wf
from techmarket.incentives.claims.models import SubsidyClaim
from techmarket.policy.calendar import add_working_days
from techmarket.policy.money import money

MAX_REASON = 2000


def base_amount(claim: SubsidyClaim) -> Decimal:
    """What can be granted before any budget reduction: the smaller of the requested and computed amounts."""
    return min(claim.requested_amount, claim.computed_amount)


def _reason(data: Mapping[str, Any]) -> str:
    reason = str(data.get("reason") or "").strip()
    if not reason or len(reason) > MAX_REASON:
        msg = _l("Give the reason (at most %(n)d characters): the claimant reads it.", n=MAX_REASON)
        raise ValidationFailed(msg, field_errors={"reason": msg})
    return reason


def _guard_reason(session: Session, actor: Actor, claim: SubsidyClaim, data: Mapping[str, Any]) -> None:
    _reason(data)


def _guard_submit(session: Session, actor: Actor, claim: SubsidyClaim, data: Mapping[str, Any]) -> None:
    if not claim.contracts:
        raise ValidationFailed(_l("Add at least one registered contract to the claim."))
    gone = [c.contract.registration_number or f"#{c.contract_id}" for c in claim.contracts
            if c.contract.status != ContractStatus.REGISTERED]
    if gone:
        raise Conflict(_l("Contract %(n)s is no longer registered; it cannot be claimed.", n="、".join(gone)))


def _on_submit(session: Session, actor: Actor, claim: SubsidyClaim, data: Mapping[str, Any]) -> None:
    claim.submitted_at, claim.last_reason = utcnow(), ""


def _on_reasoned(session: Session, actor: Actor, claim: SubsidyClaim, data: Mapping[str, Any]) -> None:
    claim.last_reason = _reason(data)


def _on_ended(session: Session, actor: Actor, claim: SubsidyClaim, data: Mapping[str, Any]) -> None:
    """Refused or withdrawn: its contracts no longer count for the year (a new claim may use them)."""
    claim.last_reason = _reason(data)
    claim.decided_at = utcnow()
    for row in claim.contracts:
        row.counted_year = None


def _on_approve(session: Session, actor: Actor, claim: SubsidyClaim, data: Mapping[str, Any]) -> dict[str, Any]:
    claim.granted_amount, claim.reduction_factor = base_amount(claim), None
    claim.decided_at, claim.last_reason = utcnow(), str(data.get("reason") or "").strip()[:MAX_REASON]
    return {"granted": claim.granted_amount}


def _guard_reduce(session: Session, actor: Actor, claim: SubsidyClaim, data: Mapping[str, Any]) -> None:
    factor = data.get("factor")
    if not isinstance(factor, Decimal) or not Decimal(0) <= factor <= Decimal(1):
        raise ValidationFailed(_l("A reduction factor lies between 0 and 1."))


def _on_reduce(session: Session, actor: Actor, claim: SubsidyClaim, data: Mapping[str, Any]) -> dict[str, Any]:
    factor: Decimal = data["factor"]
    claim.reduction_factor = factor
    claim.granted_amount = money(data["granted"]) if data.get("granted") is not None else money(
        base_amount(claim) * factor)
    return {"factor": factor, "granted": claim.granted_amount}


def _guard_publish(session: Session, actor: Actor, claim: SubsidyClaim, data: Mapping[str, Any]) -> None:
    if not claim.granted_amount or claim.granted_amount <= 0:
        raise Conflict(_l("Nothing is granted to this claim after the budget reduction; refuse it instead."))


def _on_publish(session: Session, actor: Actor, claim: SubsidyClaim, data: Mapping[str, Any]) -> dict[str, Any]:
    today: dt.date = data.get("today") or local_today()
    claim.publicity_from = today
    claim.publicity_until = add_working_days(today, int(data.get("days") or 5))[0]
    return {"until": claim.publicity_until}


def _on_suspend(session: Session, actor: Actor, claim: SubsidyClaim, data: Mapping[str, Any]) -> None:
    claim.last_reason = _reason(data)
    claim.publicity_from = claim.publicity_until = None
    claim.granted_amount = claim.reduction_factor = None


def _guard_list(session: Session, actor: Actor, claim: SubsidyClaim, data: Mapping[str, Any]) -> None:
    today: dt.date = data.get("today") or local_today()
    if claim.publicity_until is None or today <= claim.publicity_until:
        raise Conflict(_l("The publicity runs until %(day)s; list the claim for disbursement after that.",
                          day=claim.publicity_until.isoformat() if claim.publicity_until else "—"))
    if any(o.status == "open" for o in claim.objections):
        raise Conflict(_l("An objection to this claim is still open: decide it first."))


_EFFECTS: dict[str, dict[str, Any]] = {
    "submit": {"guard": _guard_submit, "effect": _on_submit},
    "withdraw": {"guard": _guard_reason, "effect": _on_ended},
    "pre_return": {"guard": _guard_reason, "effect": _on_reasoned},
    "city_return": {"guard": _guard_reason, "effect": _on_reasoned},
    "return": {"guard": _guard_reason, "effect": _on_reasoned},
    "pre_refuse": {"guard": _guard_reason, "effect": _on_ended},
    "city_refuse": {"guard": _guard_reason, "effect": _on_ended},
    "refuse": {"guard": _guard_reason, "effect": _on_ended},
    "approve": {"effect": _on_approve},
    "reduce": {"guard": _guard_reduce, "effect": _on_reduce},
    "publish": {"guard": _guard_publish, "effect": _on_publish},
    "suspend": {"guard": _guard_reason, "effect": _on_suspend},
    "rescind": {"effect": _on_ended},
}


def _attach(row: Transition) -> Transition:
    extra = _EFFECTS.get(row.action, {})
    if row.action == "list":
        extra = {"guard": _guard_list}  # the disbursement itself is made by review.list_for_disbursement
    return replace(row, **extra)


def _snapshot(claim: SubsidyClaim) -> dict[str, Any]:
    return {"status": claim.status, "requested": claim.requested_amount, "computed": claim.computed_amount,
            "granted": claim.granted_amount, "publicity_until": claim.publicity_until}


def _not_possible(claim: SubsidyClaim, action: str) -> DomainError:
    return Conflict(_l("This claim is now “%(state)s”; that step is not possible. Reload to see its state.",
                       state=wf.STATUS_LABELS.get(wf.Status(claim.status), claim.status)))


MACHINE: Machine[SubsidyClaim] = Machine(
    name="subsidy_claim",
    transitions=tuple(_attach(t) for t in wf.TRANSITIONS),
    authorise=access.authorise,
    snapshot=_snapshot,
    not_possible=_not_possible,
)
