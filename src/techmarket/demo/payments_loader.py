"""Demo payments through the payments services, with the embedded default gateway (bank transfer): for the
demo auctions' deposits still due, one transfer with its receipt waiting for the operator, and one the operator
confirmed (the deposit is secured). Idempotent: a deposit with a payment is left alone."""

from __future__ import annotations

import io

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts import services as accounts
from techmarket.accounts.models import User, UserRole
from techmarket.core.components import component
from techmarket.core.roles import Role
from techmarket.demo.contracts_loader import pdf
from techmarket.orgs.models import Membership
from techmarket.payments import deposits, services
from techmarket.payments.components import Gateways
from techmarket.trading.deposits import AuctionDeposit, DepositStatus


def load_payments(session: Session, limit: int = 2) -> int:
    due = list(session.scalars(select(AuctionDeposit).where(AuctionDeposit.status == DepositStatus.DUE)
                               .order_by(AuctionDeposit.id).limit(limit)))
    operator = session.scalar(select(User).join(UserRole, UserRole.user_id == User.id)
                              .where(UserRole.role == Role.OPERATOR.value).order_by(User.id).limit(1))
    offline = component(Gateways).get("offline")
    added = 0
    for n, deposit in enumerate(due):
        payer = session.scalar(select(User).join(Membership, Membership.user_id == User.id)
                               .where(Membership.organisation_id == deposit.organisation_id).limit(1))
        if payer is None or deposits.payment_of(session, deposit) is not None:
            continue
        actor = accounts.actor_for(payer)
        payment, _ = deposits.pay(session, actor, offline, deposit)
        receipt = pdf("Bank transfer receipt (demo)", f"Deposit of auction {deposit.auction_id}",
                      f"Remark {payment.gateway_reference}", f"Amount CNY {deposit.amount:,.2f}")
        services.upload_receipt(session, actor, payment, "保证金银行回单.pdf", io.BytesIO(receipt),
                                instance_path=current_app.instance_path,
                                max_bytes=int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024)
        if n % 2 == 1 and operator is not None:
            services.decide_transfer(session, accounts.actor_for(operator), payment, confirm=True)
        added += 1
    session.flush()
    return added
