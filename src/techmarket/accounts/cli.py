"""``techmarket accounts ...``"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from techmarket.accounts import logins, services, throttle
from techmarket.core.actor import Actor
from techmarket.core.errors import DomainError
from techmarket.extensions import db


@click.group("accounts")
def accounts_cli() -> None:
    """User accounts."""


@accounts_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", show_default=True)
@click.password_option(help="Asked for when not given (env TECHMARKET_ADMIN_PASSWORD).",
                       envvar="TECHMARKET_ADMIN_PASSWORD")
@with_appcontext
def create_admin(email: str, name: str, password: str) -> None:
    """Create a confirmed administrator (or make an existing user one)."""
    # No request here, so no locale selector can run: messages use the site's default language.
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        try:
            user = services.create_admin(db.session, email, password, name)
        except DomainError as exc:
            db.session.rollback()
            details = "; ".join(f"{k}: {v}" for k, v in exc.field_errors.items()) or str(exc.message)
            raise click.ClickException(details) from exc
    db.session.commit()
    click.echo(f"{user.email} is an administrator and operator.")


@accounts_cli.command("sign-out")
@click.argument("email")
@with_appcontext
def sign_out(email: str) -> None:
    """End every sign-in of one account (a stolen cookie or password): its sessions and remember-me cookies."""
    user = services.find_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    logins.sign_out_everywhere(db.session, Actor.system("cli"), user)
    db.session.commit()
    click.echo(f"{user.email} is signed out everywhere.")


@accounts_cli.command("prune")
@with_appcontext
def prune() -> None:
    """Delete ended sign-ins and forgotten failed sign-in counts (run daily)."""
    ended, forgotten = logins.prune(db.session), throttle.prune(db.session)
    db.session.commit()
    click.echo(f"{ended} ended sign-in(s) and {forgotten} failed sign-in count(s) deleted.")
