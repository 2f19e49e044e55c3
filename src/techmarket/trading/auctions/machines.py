"""The auction state machines applied: who may take each step, the audit snapshots, the messages for a step the
current state does not allow. The tables themselves are in :mod:`techmarket.trading.auctions.workflow`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from techmarket.core.actor import Actor
from techmarket.core.errors import Conflict, PermissionDenied
from techmarket.core.transitions import Transition
from techmarket.core.workflow import Machine
from techmarket.policy.money import jsonable
from techmarket.trading import access
from techmarket.trading.auctions import workflow
from techmarket.trading.auctions.constants import (
    AUCTION_STATUS_LABELS,
    BIDDER_STATUS_LABELS,
    DEPOSIT_STATUS_LABELS,
    OBJECTION_STATUS_LABELS,
)
from techmarket.trading.auctions.models import Auction, AuctionBidder, AuctionDeposit, Objection
from techmarket.trading.machines import _keep_reason, _need_reason


def _conflict(labels: dict[str, Any]) -> Any:
    def not_possible(obj: Any, action: str) -> Conflict:
        state = labels.get(obj.status, obj.status)
        return Conflict(_l("This is “%(state)s” now: that step is not possible. Reload to see what happened.",
                           state=state))
    return not_possible


def _by_role(session: Session, actor: Actor, who: str, org_id: int | None) -> None:
    if who == workflow.OPERATOR:
        access.require_operator(actor)  # the system (admin) may act for the operator
    elif who == workflow.SYSTEM:
        access.require_system(actor)
    elif org_id is None or org_id not in access.org_ids_of(session, actor):
        if who == workflow.OWNER:
            raise PermissionDenied(_l("Only members of the selling organisation may do this."))
        raise PermissionDenied(_l("Only members of the bidding organisation may do this."))


def _authorise_auction(session: Session, actor: Actor, auction: Auction, who: str) -> None:
    _by_role(session, actor, who, auction.seller_org_id)


def _authorise_bidder(session: Session, actor: Actor, bidder: AuctionBidder, who: str) -> None:
    _by_role(session, actor, who, bidder.organisation_id)


def _authorise_deposit(session: Session, actor: Actor, deposit: AuctionDeposit, who: str) -> None:
    _by_role(session, actor, who, deposit.organisation_id)


def _authorise_objection(session: Session, actor: Actor, objection: Objection, who: str) -> None:
    _by_role(session, actor, who, None)


def _with_reasons(rows: tuple[Transition, ...], actions: set[str]) -> tuple[Transition, ...]:
    return tuple(replace(t, guard=_need_reason, effect=_keep_reason) if t.action in actions else t for t in rows)


def auction_snapshot(a: Auction) -> dict[str, Any]:
    return jsonable({"status": a.status, "mode": a.mode, "start_price": a.start_price, "increment": a.increment,
                     "reserve_set": a.reserve is not None, "deposit": a.deposit_amount, "starts_at": a.starts_at,
                     "free_ends_at": a.free_ends_at, "ends_at": a.ends_at, "high": a.high_amount,
                     "winner": a.winner_bidder_id, "final_amount": a.final_amount})


def deposit_snapshot(d: AuctionDeposit) -> dict[str, Any]:
    return jsonable({"status": d.status, "amount": d.amount, "gateway": d.gateway, "reference": d.reference,
                     "refund_due_on": d.refund_due_on})


AUCTION: Machine[Auction] = Machine("auction", _with_reasons(workflow.AUCTION, {"refuse", "annul"}),
                                    _authorise_auction, auction_snapshot, _conflict(AUCTION_STATUS_LABELS))
BIDDER: Machine[AuctionBidder] = Machine(
    "auction_bidder", _with_reasons(workflow.BIDDER_ROWS, {"refuse"}), _authorise_bidder,
    lambda b: {"status": b.status, "reason": b.reason}, _conflict(BIDDER_STATUS_LABELS))
DEPOSIT: Machine[AuctionDeposit] = Machine("deposit", _with_reasons(workflow.DEPOSIT, {"forfeit"}),
                                           _authorise_deposit, deposit_snapshot, _conflict(DEPOSIT_STATUS_LABELS))
OBJECTION: Machine[Objection] = Machine(
    "objection", _with_reasons(workflow.OBJECTION, {"uphold", "dismiss"}), _authorise_objection,
    lambda o: {"status": o.status, "reason": o.reason}, _conflict(OBJECTION_STATUS_LABELS))
