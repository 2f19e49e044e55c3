"""``techmarket orgs ...``"""

from __future__ import annotations

import click

from techmarket.orgs import creditcode


@click.group("orgs")
def orgs_cli() -> None:
    """Organisations."""


@orgs_cli.command("check-code")
@click.argument("code")
def check_code(code: str) -> None:
    """Say whether a unified social credit code is valid and why not (exit 0 valid, 1 invalid)."""
    result = creditcode.check(code)
    if result.valid:
        click.echo(f"{result.code}: valid / 有效 (division {result.division_code})")
        return
    click.echo(f"{result.code}: invalid / 无效 — {result.detail_en} / {result.detail_zh}")
    if result.overridable:
        click.echo("The operator may accept it with a recorded override if the code is real. "
                   "/ 如代码真实，运营方可记录原因后予以认可。")
    raise SystemExit(1)
