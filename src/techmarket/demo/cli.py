"""``techmarket demo load``"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from techmarket.accounts.notifications import without_mail
from techmarket.demo.api_loader import DEMO_TOKEN, load_api
from techmarket.demo.contracts_data import SECOND_REGISTRAR
from techmarket.demo.contracts_loader import load_contracts
from techmarket.demo.data import DEMO_PASSWORD, USERS
from techmarket.demo.inbox import settle_notifications
from techmarket.demo.loader import load
from techmarket.demo.trading_loader import load_trading
from techmarket.extensions import db


@click.group("demo")
def demo_cli() -> None:
    """Demo data."""


@demo_cli.command("load")
@with_appcontext
def load_command() -> None:
    """Add the demo organisations, users, listings and contracts (safe to run again). Refused in production:
    the demo accounts' password is published in the README."""
    if current_app.config["ENV"] == "production":
        click.echo("techmarket demo load refuses to run with TECHMARKET_ENV=production: it creates accounts whose "
                   "password is published in the README.", err=True)
        raise SystemExit(2)
    with without_mail(db.session):  # notifications stay in the site; no demo mail leaves it
        created = load(db.session)
        created["contracts"] = load_contracts(db.session)
        created["trading"] = load_trading(db.session)
        created["api"] = load_api(db.session)
        settle_notifications(db.session)
        db.session.commit()
    click.echo(f"demo data: {created['users']} users, {created['organisations']} organisations and "
               f"{created['listings']} listings added")
    click.echo(f"demo contracts: {created['contracts']} added (second registrar {SECOND_REGISTRAR[0]})")
    click.echo(f"demo trading: {created['trading']} added (a negotiation with a counter-offer, a 挂牌 sale)")
    click.echo(f"demo API token (enterprise@demo's organisation, every scope): {DEMO_TOKEN}")
    click.echo(f"demo logins (password {DEMO_PASSWORD}): " + ", ".join(u[0] for u in USERS))
