"""``techmarket <domain> <verb>``: Flask's CLI (``db``, ``run``, ``shell``) plus the domains' command groups,
which :func:`techmarket.app.create_app` registers on the application."""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup

from techmarket.app import create_app
from techmarket.config import ConfigError, load_config


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_version_option=False)
def cli() -> None:
    """内蒙古科技大市场 techmarket."""


def main() -> None:
    """The ``techmarket`` command. A configuration that cannot work (a production start without a real
    secret key, say) is one clear line on stderr and exit status 2, not a traceback."""
    try:
        load_config()
        cli.main(prog_name="techmarket")
    except ConfigError as exc:
        click.echo(f"techmarket: {exc}", err=True)
        sys.exit(2)
