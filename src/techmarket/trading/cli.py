"""``techmarket trading expire|close-due|auctions-due``"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from techmarket.extensions import db
from techmarket.trading import deals, negotiation, sales
from techmarket.trading.auctions import closing


@click.group("trading")
def trading_cli() -> None:
    """Trading: offer expiry, the end of 挂牌 periods, deals out of publicity."""


@trading_cli.command("expire")
@with_appcontext
def expire_command() -> None:
    """Expire offers past their validity."""
    n = negotiation.expire_due(db.session)
    db.session.commit()
    click.echo(f"{n} offer(s) expired.")


@trading_cli.command("close-due")
@with_appcontext
def close_due_command() -> None:
    """Close 挂牌 sales whose period ended; conclude deals whose publicity (公示) ended."""
    closed = sales.close_due(db.session)
    concluded = deals.conclude_due(db.session)
    db.session.commit()
    click.echo(f"{closed} sale(s) closed, {concluded} deal(s) concluded.")


@trading_cli.command("auctions-due")
@with_appcontext
def auctions_due_command() -> None:
    """Open auctions whose start came, close those whose end came, end 成交公示 periods (run every minute; pages
    do the same lazily when they are read)."""
    moved = closing.close_due(db.session)
    db.session.commit()
    click.echo(f"{moved} auction(s) moved on.")
