"""``techmarket demo load``"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from techmarket.accounts.notifications import without_mail
from techmarket.core.clock import local_today
from techmarket.core.components import component
from techmarket.demo.alerts_loader import load_alerts
from techmarket.demo.api_loader import DEMO_TOKEN, load_api
from techmarket.demo.auctions_loader import load_auctions
from techmarket.demo.challenges_loader import load_challenges
from techmarket.demo.claims_loader import load_claims
from techmarket.demo.contracts_data import SECOND_REGISTRAR
from techmarket.demo.contracts_loader import load_contracts
from techmarket.demo.data import DEMO_PASSWORD, USERS
from techmarket.demo.inbox import settle_notifications
from techmarket.demo.inquiries_loader import load_inquiries
from techmarket.demo.loader import load
from techmarket.demo.payments_loader import load_payments
from techmarket.demo.reporting_loader import load_bodies
from techmarket.demo.trading_loader import load_trading
from techmarket.extensions import db
from techmarket.search.service import SearchService


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
        created["inquiries"] = load_inquiries(db.session)
        created["claims"] = load_claims(db.session)
        created["challenges"] = load_challenges(db.session)
        created["auctions"] = load_auctions(db.session)
        created["payments"] = load_payments(db.session)
        created["api"] = load_api(db.session)
        created["bodies"] = load_bodies(db.session, local_today())  # last: it also counts the statistics afresh
        settle_notifications(db.session)
        db.session.commit()  # the search index holds the listings from here on
        created["alerts"] = load_alerts(db.session, component(SearchService))
        settle_notifications(db.session)  # the first digest notified too: each demo user starts with a few unread
        db.session.commit()
    click.echo(f"demo data: {created['users']} users, {created['organisations']} organisations and "
               f"{created['listings']} listings added")
    click.echo(f"demo contracts: {created['contracts']} added (second registrar {SECOND_REGISTRAR[0]})")
    click.echo(f"demo inquiries: {created['inquiries']} threads added (enterprises asking, owners answering)")
    click.echo(f"demo trading: {created['trading']} added (a negotiation with a counter-offer, a 挂牌 sale)")
    click.echo(f"demo platforms and bodies: {created['bodies']} added; statistics counted")
    click.echo(f"demo claims and brokers: {created['claims']} added (bureaus: county@demo.techmarket.cn for 九原区, "
               "county-qingshan@ for 青山区, county-tumd@ for 土默特左旗, city@demo.techmarket.cn for 包头市)")
    click.echo(f"demo calls (揭榜挂帅): {created['challenges']} added (one in each stage)")
    click.echo(f"demo alerts: {created['alerts']} subscriptions and a first daily digest")
    click.echo(f"demo auctions: {created['auctions']} added (one running, one closed in 成交公示, the others held "
               "in past months)")
    click.echo(f"demo payments: {created['payments']} deposit transfer(s) added")
    click.echo(f"demo API token (enterprise@demo's organisation, every scope): {DEMO_TOKEN}")
    click.echo(f"demo logins (password {DEMO_PASSWORD}): " + ", ".join(u[0] for u in USERS))
