"""Background jobs of the payments domain: money going back after an auction's close. Each opens its own unit
of work (it may run in a worker, or inline in tests right after the commit that queued it)."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from techmarket.core.components import component
from techmarket.core.errors import DomainError
from techmarket.extensions import db
from techmarket.payments import deposits, services
from techmarket.payments.components import Gateways
from techmarket.trading.deposits import AuctionDeposit, DepositStatus

log = logging.getLogger(__name__)


def give_back_deposit(deposit_id: int) -> str:
    """A released deposit paid by card: cancel the hold or refund it, and record the refund. A bank transfer
    is sent back by the operator (the deposits page lists it with its deadline)."""
    with Session(db.engine) as session:
        deposit = session.get(AuctionDeposit, deposit_id)
        if deposit is None or deposit.status != DepositStatus.RELEASED:
            return "nothing to do"
        payment = deposits.payment_of(session, deposit)
        if payment is None or payment.gateway == "offline":
            return "waits for the operator"
        try:
            deposits.give_back(session, deposits.SYSTEM, component(Gateways), deposit)
        except DomainError as exc:  # the gateway is down: the operator sees it on the deposits page
            session.rollback()
            log.warning("deposit %s not given back: %s", deposit_id, exc)
            return "failed"
        session.commit()
        return "refunded"


def give_back_winner_deposit(contract_id: int) -> str:
    """The signed contract of an auction's deal is in: the winner's card deposit is given back (a held one is
    captured first by ``capture_deposit``, so this refunds it; a bank transfer waits for the operator)."""
    with Session(db.engine) as session:
        deposit = deposits.winner_deposit_of_contract(session, contract_id)
        if deposit is None:
            return "nothing to do"
        payment = deposits.payment_of(session, deposit)
        if payment is None or payment.gateway == "offline":
            return "waits for the operator"
        try:
            deposits.give_back(session, deposits.SYSTEM, component(Gateways), deposit)
        except DomainError as exc:
            session.rollback()
            log.warning("winner's deposit %s not given back: %s", deposit.id, exc)
            return "failed"
        session.commit()
        return "refunded"


def capture_deposit(deposit_id: int) -> str:
    """The winner's held deposit is captured, so it counts toward the price before the hold lapses."""
    with Session(db.engine) as session:
        deposit = session.get(AuctionDeposit, deposit_id)
        payment = deposits.payment_of(session, deposit) if deposit is not None else None
        if payment is None or payment.status != "authorised":
            return "nothing to do"
        services.capture(session, deposits.SYSTEM, component(Gateways).get(payment.gateway), payment)
        session.commit()
        return "captured"
