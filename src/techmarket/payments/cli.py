"""``techmarket payments reconcile``"""

from __future__ import annotations

import datetime as dt
import sys

import click
from flask.cli import with_appcontext

from techmarket.core.components import component
from techmarket.extensions import db
from techmarket.payments import reconcile
from techmarket.payments.components import Gateways


@click.group("payments")
def payments_cli() -> None:
    """Payments: reconciliation with the gateway."""


@payments_cli.command("reconcile")
@click.option("--gateway", "name", default=None, help="stripe or offline (default: the configured backend).")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Only payments of the last N days (default: all).")
@with_appcontext
def reconcile_command(name: str | None, days: int | None) -> None:
    """Compare the market's payments with the gateway's and list every difference (exit 1 when there are any)."""
    gateways = component(Gateways)
    gateway = gateways.get(name or gateways.default_name)
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=days) if days else None
    found = reconcile.differences(db.session, gateway, since)
    for difference in found:
        click.echo(difference.line())
    click.echo(f"{len(found)} difference(s) with {gateway.name}.", err=bool(found))
    if found:
        sys.exit(1)
