"""The auction's row lock, its rules for the mode functions, and the start of bidding."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.core.actor import Actor
from techmarket.core.db import begin_write
from techmarket.core.errors import NotFound
from techmarket.core.workflow import apply
from techmarket.trading.auctions import machines, modes
from techmarket.trading.auctions.constants import AuctionStatus
from techmarket.trading.auctions.models import Auction

SYSTEM = Actor.system("auction clock")


def rules_of(auction: Auction) -> modes.Rules:
    return modes.Rules(start_price=auction.start_price, increment=auction.increment, reserve=auction.reserve,
                       starts_at=auction.starts_at, ends_at=auction.ends_at,
                       extension_minutes=auction.extension_minutes)


def lock(session: Session, auction_id: int) -> Auction:
    """The auction re-read under its row lock, held until the unit of work ends: ``SELECT ... FOR UPDATE`` on
    PostgreSQL; on SQLite the write lock taken with ``BEGIN IMMEDIATE`` (one writer at a time)."""
    begin_write(session)
    auction = session.scalar(select(Auction).where(Auction.id == auction_id).with_for_update()
                             .execution_options(populate_existing=True))
    if auction is None:
        raise NotFound(_l("No such auction."))
    return auction


def open_if_due(session: Session, auction: Auction, now: dt.datetime) -> bool:
    """A scheduled auction whose start has come opens (by the job, a read or the first bid)."""
    if auction.status != AuctionStatus.SCHEDULED or now < auction.starts_at:
        return False
    apply(session, SYSTEM, machines.AUCTION, auction, "open")
    return True
