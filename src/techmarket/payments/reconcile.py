"""Reconciliation: the market's payments beside the gateway's, and every difference between them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.payments.gateway import PaymentGateway
from techmarket.payments.models import MarketPayment


@dataclass(frozen=True)
class Difference:
    reference: str
    what: str  # missing at the gateway | unknown to the market | status differs | amount differs
    local_status: str | None
    gateway_status: str | None
    local_amount: Decimal | None
    gateway_amount: Decimal | None
    payment_id: int | None

    def line(self) -> str:
        return (f"{self.reference}\t{self.what}\tmarket: {self.local_status or '-'} {self.local_amount or '-'}"
                f"\tgateway: {self.gateway_status or '-'} {self.gateway_amount or '-'}"
                f"\tpayment #{self.payment_id or '-'}")


def differences(session: Session, gateway: PaymentGateway, since: dt.datetime | None = None) -> list[Difference]:
    """What differs between the market's payments through ``gateway`` (created after ``since``) and the
    gateway's own record. Payments the gateway holds without a market payment id in their metadata belong to
    someone else on the same account and are left out."""
    query = select(MarketPayment).where(MarketPayment.gateway == gateway.name,
                                        MarketPayment.gateway_reference.is_not(None))
    if since is not None:
        query = query.where(MarketPayment.created_at >= since)
    local = {p.gateway_reference: p for p in session.scalars(query.order_by(MarketPayment.id))}
    remote = {g.reference: g for g in gateway.list_payments(since) if g.metadata.get("payment_id")}
    found: list[Difference] = []
    for reference, payment in local.items():
        assert reference is not None
        theirs = remote.get(reference)
        what = ("missing at the gateway" if theirs is None else "status differs" if theirs.status != payment.status
                else "amount differs" if theirs.amount != payment.amount else "")
        if what:
            found.append(Difference(reference, what, payment.status, theirs.status if theirs else None,
                                    payment.amount, theirs.amount if theirs else None, payment.id))
    for reference, theirs in remote.items():
        if reference not in local:
            found.append(Difference(reference, "unknown to the market", None, theirs.status, None, theirs.amount,
                                    None))
    return found

