"""What follows a contract's state change, as listeners of its domain events (registered by create_app):
the history row the parties see and the notifications. (The incentives domain flags the statements that used
an amended or rescinded contract: :mod:`techmarket.incentives.listeners`.)"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from techmarket.accounts.notifications import notify
from techmarket.challenges.conflicts import register_partner_source
from techmarket.contracts import constants as cat
from techmarket.contracts import payments
from techmarket.contracts.awards import draft_from_award, partners_since
from techmarket.contracts.drafting import cancel_from_deal, draft_from_deal
from techmarket.contracts.models import Contract, ContractEvent
from techmarket.contracts.services import party_user_ids, registrar_ids
from techmarket.core import events
from techmarket.core.events import DomainEvent
from techmarket.policy.money import jsonable

# event verb -> the history's action key (the names the history has always shown)
HISTORY = {"submitted": "submit", "resubmitted": "resubmit", "withdrawn": "withdraw", "reopened": "reopen",
           "approved_first": "approve_first", "registered": "register", "returned": "return", "refused": "refuse",
           "amended": "amend", "rescinded": "rescind", "cancelled": "cancel"}
_HISTORY_REASON = {"approved_first": "expert_opinion", "refused": "note"}
_HISTORY_DATA = {"submitted": ("due_on", "expert_review"), "resubmitted": ("due_on", "expert_review"),
                 "registered": ("registration_number",), "refused": ("reasons",), "amended": ("change",)}


def write_history(session: Session, event: DomainEvent) -> None:
    verb = event.verb
    reason = str(event.data.get(_HISTORY_REASON.get(verb, "reason")) or "")[:2000]
    data = {k: event.data[k] for k in _HISTORY_DATA.get(verb, ()) if k in event.data}
    session.add(ContractEvent(contract_id=event.object_id, action=HISTORY.get(verb, verb), actor_id=event.actor.user_id,
                              reason=reason, data=jsonable(data) if data else None))


def tell(session: Session, event: DomainEvent) -> None:
    """Registrars hear of submissions; the parties of every decision."""
    contract: Contract = event.subject
    verb = event.verb
    if verb in {"submitted", "resubmitted"}:
        notify(session, registrar_ids(session), "contract_submitted", {"title": contract.title},
               "contracts.detail", contract_id=contract.id)
        return
    params: dict[str, Any] = {"title": contract.title}
    if verb == "registered":
        params["number"] = contract.registration_number
    elif verb == "refused":
        params["reason"] = "；".join(str(cat.REFUSAL_REASONS[c]) for c in event.data.get("reasons", ()))[:300]
    elif verb in {"returned", "amended", "rescinded", "cancelled"}:
        params["reason"] = str(event.data.get("reason") or "")[:300]
    else:
        return
    notify(session, party_user_ids(session, contract), f"contract_{verb}", params, "contracts.detail",
           contract_id=contract.id)


def register() -> None:
    events.on("contract.*", write_history)
    events.on("contract.*", tell)
    events.on("contract_payment.*", payments.tell_parties)
    events.on("deal.concluded", draft_from_deal)
    events.on("deal.cancelled", cancel_from_deal)
    events.on("call.awarded", draft_from_award)
    register_partner_source(partners_since)
