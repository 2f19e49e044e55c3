"""The trading state machines applied: who may take each step, the audit snapshots, the messages for a step
that the current state does not allow. The tables themselves are in :mod:`techmarket.trading.workflow`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from techmarket.core.actor import Actor
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.core.transitions import Transition
from techmarket.core.workflow import Machine
from techmarket.policy.money import jsonable
from techmarket.trading import access, workflow
from techmarket.trading.constants import STATUS_LABELS
from techmarket.trading.models import Deal, Negotiation, Offer, Registration, Sale


def _state_conflict(obj: Any, action: str) -> Conflict:
    state = STATUS_LABELS.get(obj.status, obj.status)
    return Conflict(_l("This is “%(state)s” now: that step is not possible. Reload to see what happened.",
                       state=state))


def _authorise_offer(session: Session, actor: Actor, offer: Offer, who: str) -> None:
    if who == workflow.SYSTEM:
        access.require_system(actor)
        return
    thread = offer.negotiation
    maker_org = thread.buyer_org_id if offer.side == "buyer" else thread.seller_org_id
    other_org = thread.seller_org_id if offer.side == "buyer" else thread.buyer_org_id
    mine = access.org_ids_of(session, actor)
    if who == workflow.RECIPIENT and other_org not in mine:
        if maker_org in mine:
            raise PermissionDenied(_l("The other side answers this offer; you can withdraw it."))
        raise PermissionDenied(_l("Only the parties of this negotiation may do this."))
    if who == workflow.MAKER and maker_org not in mine:
        raise PermissionDenied(_l("Only the side that made the offer may withdraw it."))


def _authorise_thread(session: Session, actor: Actor, thread: Negotiation, who: str) -> None:
    if who == workflow.SYSTEM:
        return  # taken by the accepting service, inside the same unit of work
    if not access.org_ids_of(session, actor) & {thread.buyer_org_id, thread.seller_org_id}:
        raise PermissionDenied(_l("Only the parties of this negotiation may do this."))


def _authorise_sale(session: Session, actor: Actor, sale: Sale, who: str) -> None:
    if who == workflow.OPERATOR:
        access.require_operator(actor)
    elif who == workflow.SYSTEM:
        access.require_system(actor)
    elif sale.seller_org_id not in access.org_ids_of(session, actor):
        raise PermissionDenied(_l("Only members of the selling organisation may do this."))


def _authorise_registration(session: Session, actor: Actor, reg: Registration, who: str) -> None:
    if who == workflow.OPERATOR:
        access.require_operator(actor)
    elif reg.buyer_org_id not in access.org_ids_of(session, actor):
        raise PermissionDenied(_l("Only members of the registered organisation may withdraw it."))


def _authorise_deal(session: Session, actor: Actor, deal: Deal, who: str) -> None:
    """Deals move only inside the services that make them (accepting, closing a sale, the due job)."""


def _need_reason(session: Session, actor: Actor, obj: Any, data: Mapping[str, Any]) -> None:
    reason = str(data.get("reason") or "").strip()
    if not reason:
        raise ValidationFailed(_l("Give the reason."), field_errors={"reason": _l("Give the reason.")})
    if len(reason) > 2000:
        raise ValidationFailed(_l("At most %(n)d characters.", n=2000),
                               field_errors={"reason": _l("At most %(n)d characters.", n=2000)})


def _keep_reason(session: Session, actor: Actor, obj: Any, data: Mapping[str, Any]) -> None:
    obj.reason = str(data.get("reason") or "").strip()


def _with_reasons(rows: tuple[Transition, ...], actions: set[str]) -> tuple[Transition, ...]:
    return tuple(replace(t, guard=_need_reason, effect=_keep_reason) if t.action in actions else t for t in rows)


def offer_snapshot(o: Offer) -> dict[str, Any]:
    return jsonable({"status": o.status, "side": o.side, "price": o.price, "price_min": o.price_min,
                     "price_max": o.price_max, "mode": o.mode, "valid_until": o.valid_until,
                     "licence_scope": o.licence_scope, "licence_years": o.licence_years, "territory": o.territory,
                     "payment_note": o.payment_note})


def sale_snapshot(s: Sale) -> dict[str, Any]:
    return jsonable({"status": s.status, "price": s.price, "working_days": s.working_days, "mode": s.mode,
                     "starts_on": s.starts_on, "ends_on": s.ends_on, "related_parties": s.related_parties})


def deal_snapshot(d: Deal) -> dict[str, Any]:
    return jsonable({"status": d.status, "amount": d.amount, "mode": d.mode, "seller": d.seller_org_id,
                     "buyer": d.buyer_org_id, "publicity_until": d.publicity_until})


OFFER: Machine[Offer] = Machine("offer", _with_reasons(workflow.OFFER, {"reject"}), _authorise_offer,
                                offer_snapshot, _state_conflict)
THREAD: Machine[Negotiation] = Machine("negotiation", workflow.THREAD, _authorise_thread,
                                       lambda t: {"status": t.status}, _state_conflict)
SALE: Machine[Sale] = Machine("sale", _with_reasons(workflow.SALE, {"refuse"}), _authorise_sale, sale_snapshot,
                              _state_conflict)
REGISTRATION: Machine[Registration] = Machine(
    "registration", _with_reasons(workflow.REGISTRATION, {"refuse"}), _authorise_registration,
    lambda r: {"status": r.status, "reason": r.reason}, _state_conflict)
DEAL: Machine[Deal] = Machine("deal", workflow.DEAL, _authorise_deal, deal_snapshot, _state_conflict)
