"""``techmarket webhooks retry``: queue the deliveries whose next attempt is due (run it every minute)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from techmarket.webhooks import tasks


@click.group("webhooks")
def webhooks_cli() -> None:
    """Webhook deliveries."""


@webhooks_cli.command("retry")
@with_appcontext
def retry() -> None:
    click.echo(f"queued {tasks.retry_due()} delivery(ies)")
