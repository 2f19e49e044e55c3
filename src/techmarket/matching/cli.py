"""``techmarket matching digest --period daily|weekly`` (run by techmarket-daily.timer)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from techmarket.matching import alert_tasks


@click.group("matching")
def matching_cli() -> None:
    """Matching: subscription digests."""


@matching_cli.command("digest")
@click.option("--period", type=click.Choice(["daily", "weekly"]), default="daily", show_default=True)
@with_appcontext
def digest_command(period: str) -> None:
    """Send each user one digest of the new listings their subscriptions find (at most one per day or ISO week;
    running it again sends nothing twice)."""
    report = alert_tasks.digest(period)
    click.echo(f"{period} digest {report.key}: {report.items} new items, {report.subscriptions} subscriptions, "
               f"{len(report.digests)} digests sent")
