"""``techmarket accounts ...``"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from techmarket.accounts import services
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
