"""``techmarket <domain> <verb>``: Flask's CLI (``db``, ``run``, ``shell``) plus the domains' command groups,
which :func:`techmarket.app.create_app` registers on the application."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from techmarket.app import create_app


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_version_option=False)
def main() -> None:
    """内蒙古科技大市场 techmarket."""
