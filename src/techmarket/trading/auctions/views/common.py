"""What the auction handlers share: who is looking, the auction they may see (moved on lazily), paging."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, abort, current_app
from flask_login import current_user

from techmarket.accounts.services import actor_for
from techmarket.core.actor import ANONYMOUS, Actor
from techmarket.core.clock import utcnow
from techmarket.core.components import component, provide
from techmarket.core.microcache import TTLCache
from techmarket.extensions import db
from techmarket.trading import access
from techmarket.trading.auctions import closing
from techmarket.trading.auctions.constants import AuctionStatus
from techmarket.trading.auctions.models import Auction

HIDDEN = (AuctionStatus.DRAFT, AuctionStatus.REFUSED, AuctionStatus.WITHDRAWN)


def actor() -> Actor:
    return actor_for(current_user) if current_user.is_authenticated else ANONYMOUS


def injected_now() -> dt.datetime | None:
    """The time of ``AUCTION_CLOCK`` (a callable, tests only), else None: a bid then reads the server's clock
    itself, after taking the auction's lock."""
    clock = current_app.config.get("AUCTION_CLOCK")
    return clock() if callable(clock) else None


def now() -> dt.datetime:
    """The server's time (or the injected one) for what a page shows and the lazy steps it takes."""
    return injected_now() or utcnow()


def visible_auction(auction_id: int, *, refresh: bool = True) -> Auction:
    """The auction if the visitor may see it (a draft only for its owner and the operator), moved on first when
    its start, end or publicity end has come (the close happens on any read)."""
    auction = db.session.get(Auction, auction_id)
    if auction is None:
        abort(404)
    if auction.status in HIDDEN:  # the visitor is looked up only here: the polled status stays cheap
        who = actor()
        if not (who.is_operator or auction.seller_org_id in access.org_ids_of(db.session, who)):
            abort(404)
    if refresh and closing.refresh(db.session, auction, now()):
        actor()  # load the signed-in user before the commit: the mail sent after it asks for their language
        db.session.commit()
    return auction


Snapshot = tuple[dict[str, Any], dt.datetime]
"""A running auction's polled status (without the server time) and when it must be read again at the latest:
its start (scheduled) or its end (open), when a read moves it on."""


class StatusSnapshots(TTLCache[Snapshot]):
    """Running auctions' polled status, kept ``AUCTION_STATUS_CACHE_SECONDS`` per process: the page of every
    watcher polls every few seconds, and most polls then cost no database read."""


def provide_status_snapshots(app: Flask) -> None:
    provide(app, StatusSnapshots, StatusSnapshots(float(app.config["AUCTION_STATUS_CACHE_SECONDS"]),
                                                  max_entries=1024))


def status_snapshots() -> StatusSnapshots:
    return component(StatusSnapshots)
