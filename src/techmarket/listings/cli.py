"""``techmarket listings import|template|expire``"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _

from techmarket.core.actor import Actor
from techmarket.extensions import db
from techmarket.listings import exporting
from techmarket.listings.importing import FORMATS, ImportFileError, import_rows, read_sheet
from techmarket.listings.tasks import expire_listings

SHOWN_PROBLEMS = 20


@click.group("listings")
def listings_cli() -> None:
    """Listings: bulk import, templates, expiry."""


@listings_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--org", "org_code", default="", metavar="CODE",
              help="Credit code of the owning organisation for rows without an org_code column.")
@click.option("--lang", type=click.Choice(["zh_Hans_CN", "en"]), default=None,
              help="Language of the report (default: the site's default language).")
@with_appcontext
def import_command(file: Path, org_code: str, lang: str | None) -> None:
    """Import listings from a CSV or XLSX FILE; writes FILE.report.csv beside it.

    Exit 0 when every row was imported or was already there, 1 when some rows failed, 2 when the file
    cannot be read.
    """
    with force_locale(lang or current_app.config["DEFAULT_LOCALE"]):
        try:
            sheet = read_sheet(file.name, file.read_bytes())
        except (ImportFileError, OSError) as exc:
            message = exc.message if isinstance(exc, ImportFileError) else exc.strerror
            click.echo(f"{file}: {message}", err=True)
            raise SystemExit(2) from None
        seen = 0
        with click.progressbar(length=len(sheet.rows), label=_("Importing"), show_pos=True) as bar:

            def on_batch(done: int, total: int) -> None:
                nonlocal seen
                db.session.commit()
                bar.update(done - seen)
                seen = done

            report = import_rows(db.session, Actor.system("cli import"), sheet, org_code, progress=on_batch)
        db.session.commit()
        out = file.with_name(file.name + ".report.csv")
        out.write_bytes(exporting.report_file(report, "csv"))
        click.echo(_("%(total)d rows: %(created)d created, %(unchanged)d unchanged, %(failed)d failed.",
                     **report.counts()))
        failures = [line for line in report.lines if line.outcome == "failed"]
        for line in failures[:SHOWN_PROBLEMS]:
            click.echo(f"  {_('row')} {line.row} · {line.column or '—'}: {line.message}")
        if len(failures) > SHOWN_PROBLEMS:
            click.echo("  " + _("… and %(n)d more problems.", n=len(failures) - SHOWN_PROBLEMS))
        click.echo(_("Report written to %(path)s", path=str(out)))
        if report.failed:
            rejected = file.with_name(f"{file.name}.rejected.{sheet.fmt}")
            rejected.write_bytes(exporting.bad_rows_file(report, sheet.fmt))
            click.echo(_("Rejected rows written to %(path)s: fix them and import that file.", path=str(rejected)))
        raise SystemExit(1 if report.failed else 0)


@listings_cli.command("template")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="xlsx", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write it (default: listings-template.<format>).")
@with_appcontext
def template_command(fmt: str, output: Path | None) -> None:
    """Write the import template (Chinese and English headers, an example row)."""
    path = output or Path(f"listings-template.{fmt}")
    path.write_bytes(exporting.template(fmt))
    click.echo(str(path))


@listings_cli.command("expire")
@with_appcontext
def expire_command() -> None:
    """Expire published listings past their validity (run daily) and say how many."""
    n = expire_listings()
    click.echo(f"expired {n} listing(s)")
