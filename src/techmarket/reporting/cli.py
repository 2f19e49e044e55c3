"""``techmarket reporting rebuild``: recount the statistics from the domain tables."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from techmarket.extensions import db
from techmarket.reporting import tally
from techmarket.reporting.sources import SOURCES


@click.group("reporting")
def reporting_cli() -> None:
    """Reporting: the summary tables behind the statistics pages."""


@reporting_cli.command("rebuild")
@click.option("--source", "names", multiple=True, type=click.Choice(sorted(SOURCES)),
              help="Only this source (repeatable); all by default.")
@with_appcontext
def rebuild_command(names: tuple[str, ...]) -> None:
    """Recount every listing, inquiry, deal, contract and disbursement into the summary tables."""
    bars: dict[str, object] = {}

    def progress(source: str, done: int, total: int) -> None:
        if source not in bars:
            click.echo(f"{source}: {total} object(s)")
        bars[source] = done
        click.echo(f"\r  {done}/{total}", nl=done >= total)

    counted = tally.rebuild(db.session, names or None, progress)
    db.session.commit()
    for name, n in counted.items():
        click.echo(f"{name}: {n} counted")
