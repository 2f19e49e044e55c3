"""``techmarket trading expire|close-due``"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from techmarket.extensions import db
from techmarket.trading import deals, negotiation, sales


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
