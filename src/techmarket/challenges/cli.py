"""``techmarket challenges due``"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from techmarket.challenges import reminders
from techmarket.extensions import db


@click.group("challenges")
def challenges_cli() -> None:
    """Calls (揭榜挂帅): deadlines and reminders."""


@challenges_cli.command("due")
@with_appcontext
def due_command() -> None:
    """Close calls whose application deadline passed; remind applicants 3 days before a deadline (run daily)."""
    closed = reminders.close_due(db.session)
    reminded = reminders.remind(db.session)
    db.session.commit()
    click.echo(f"{closed} call(s) closed for review, {reminded} call(s) reminded.")
