"""The read side: the operator's lists of payments."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from techmarket.core.actor import Actor
from techmarket.core.errors import PermissionDenied
from techmarket.core.roles import Role
from techmarket.payments.models import MarketPayment
from techmarket.trading.deposits import AuctionDeposit, DepositStatus

FILTERS = ("requires_action", "authorised", "succeeded", "refunded", "cancelled", "failed")


def require_operator(actor: Actor) -> None:
    if not actor.has(Role.OPERATOR):
        raise PermissionDenied(_l("Only the market operator sees the payments."))


def for_operator(actor: Actor, *, status: str = "") -> Select[Any]:
    """Every payment, newest first (one status when ``status``)."""
    require_operator(actor)
    query = select(MarketPayment).order_by(MarketPayment.created_at.desc(), MarketPayment.id.desc())
    return query.where(MarketPayment.status == status) if status else query


def transfers_to_confirm(session: Session, actor: Actor, limit: int = 50) -> list[MarketPayment]:
    """Bank transfers whose receipt is uploaded, oldest first: the operator checks them against the account."""
    require_operator(actor)
    query = (select(MarketPayment).where(MarketPayment.gateway == "offline",
                                         MarketPayment.status == "requires_action",
                                         MarketPayment.receipts.any())
             .order_by(MarketPayment.updated_at.asc(), MarketPayment.id.asc()).limit(limit))
    return list(session.scalars(query))


def deposits_to_refund(actor: Actor) -> Select[Any]:
    """Released deposits waiting for their refund: the earliest deadline (the most overdue) first."""
    require_operator(actor)
    return (select(AuctionDeposit).where(AuctionDeposit.status == DepositStatus.RELEASED)
            .order_by(AuctionDeposit.refund_due_on.asc(), AuctionDeposit.id.asc()))


def applied_deposits(actor: Actor) -> Select[Any]:
    """Winners' deposits counted toward the price: forfeited if the winner walks away."""
    require_operator(actor)
    return (select(AuctionDeposit).where(AuctionDeposit.status == DepositStatus.APPLIED)
            .order_by(AuctionDeposit.updated_at.desc(), AuctionDeposit.id.desc()))
