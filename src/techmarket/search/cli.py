"""``techmarket search reindex|status|drain``: parse options, call :mod:`techmarket.search.indexing` or the
outbox drain, commit, print."""

from __future__ import annotations

from time import sleep

import click
from flask import current_app
from flask.cli import with_appcontext

from techmarket.core.components import component
from techmarket.extensions import db
from techmarket.search import indexing, outbox, registry
from techmarket.search.backend import SearchUnavailable
from techmarket.search.elastic import ElasticsearchBackend
from techmarket.search.registry import IndexedType
from techmarket.search.service import SearchService

SHOW_IDS = 20


@click.group("search")
def search_cli() -> None:
    """The search indexes (database and Elasticsearch)."""


def _types(name: str | None) -> list[IndexedType]:
    if name is None:
        return registry.types()
    try:
        return [registry.get(name)]
    except KeyError:
        known = ", ".join(t.name for t in registry.types()) or "none"
        raise click.BadParameter(f"unknown type {name!r} (known: {known})", param_hint="--type") from None


def _es() -> ElasticsearchBackend | None:
    service = component(SearchService)
    return service.es if service.uses_elasticsearch else None


@search_cli.command("reindex")
@click.option("--type", "type_name", metavar="TYPE", help="Only this indexed type (e.g. listing); default all.")
@click.option("--target", type=click.Choice(["all", "database", "elasticsearch"]), default="all", show_default=True,
              help="Which index to rebuild.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes that tokenise the database index (default: one per core for a large rebuild).")
@with_appcontext
def reindex(type_name: str | None, target: str, workers: int | None) -> None:
    """Rebuild the database index and, when configured, Elasticsearch (new index, atomic alias swap)."""
    es = _es()
    session = db.current()
    if target == "elasticsearch" and es is None:
        raise click.UsageError("TECHMARKET_SEARCH_BACKEND is not elasticsearch: there is no Elasticsearch index.")
    for indexed in _types(type_name):
        total = indexing.count_public(session, indexed)
        if target in ("all", "database"):
            with click.progressbar(length=total, label=f"{indexed.name}: database index") as bar:
                written = indexing.rebuild_database(session, indexed, bar.update, workers=workers)
            session.commit()
            click.echo(f"{indexed.name}: database index rebuilt with {written} document(s)")
        if target in ("all", "elasticsearch") and es is not None:
            try:
                with click.progressbar(length=total, label=f"{indexed.name}: elasticsearch") as bar:
                    done = indexing.rebuild_elasticsearch(session, es, indexed, bar.update)
            except SearchUnavailable as exc:
                session.rollback()
                click.echo(f"{indexed.name}: Elasticsearch rebuild failed, the old index still serves: {exc}",
                           err=True)
                raise SystemExit(1) from exc
            session.rollback()  # read-only work; end the read transaction
            old = ", ".join(done.removed_indices) or "none"
            click.echo(f"{indexed.name}: {done.index} serves {done.documents} document(s) through "
                       f"{es.alias(indexed.name)} (replaced: {old})")


@search_cli.command("status")
@click.option("--type", "type_name", metavar="TYPE", help="Only this indexed type; default all.")
@with_appcontext
def status(type_name: str | None) -> None:
    """Compare the database with its index and Elasticsearch; exit 1 when they differ, when Elasticsearch
    does not answer or while the circuit breaker keeps the site on the database (for monitoring)."""
    max_attempts = int(current_app.config["SEARCH_OUTBOX_MAX_ATTEMPTS"])
    session = db.current()
    results = indexing.status(session, _es(), _types(type_name), max_attempts=max_attempts)
    session.rollback()
    breaker_open = False
    if _es() is not None:
        tripped = component(SearchService).breaker.status()
        breaker_open = tripped is not None
        click.echo("circuit breaker: closed (searches go to Elasticsearch)" if tripped is None else
                   f"circuit breaker: OPEN, searches answer from the database ({tripped.failures} failure(s), "
                   f"next probe in {tripped.seconds_left:.0f} s): {tripped.reason}")
    for st in results:
        click.echo(f"{st.name}: {st.objects} object(s) should be indexed")
        _show("database index", st.database_documents, st.database)
        if st.elasticsearch_error is not None:
            click.echo(f"  elasticsearch: UNAVAILABLE ({st.elasticsearch_error})")
        elif st.elasticsearch is not None:
            _show(f"elasticsearch ({st.elasticsearch_index or 'no index'})", st.elasticsearch_documents or 0,
                  st.elasticsearch)
        b = st.backlog
        line = f"  outbox: {b.waiting} change(s) waiting"
        if b.waiting:
            line += f", {b.due} due, {b.stuck} stuck, oldest {b.oldest:%Y-%m-%d %H:%M:%S} UTC" if b.oldest else ""
            if b.last_error:
                line += f"; last error: {b.last_error[:200]}"
        click.echo(line)
    if breaker_open or not all(st.ok for st in results):
        click.echo("search indexes differ from the database: run `techmarket search drain` or "
                   "`techmarket search reindex`", err=True)
        raise SystemExit(1)


def _show(label: str, count: int, diff: indexing.Difference) -> None:
    if diff.ok:
        click.echo(f"  {label}: {count} document(s), in step")
        return
    click.echo(f"  {label}: {count} document(s), DIFFERS")
    for name, ids in (("missing", diff.missing), ("extra", diff.extra)):
        if ids:
            more = f" (+{len(ids) - SHOW_IDS} more)" if len(ids) > SHOW_IDS else ""
            click.echo(f"    {name} {len(ids)}: {', '.join(map(str, ids[:SHOW_IDS]))}{more}")


@search_cli.command("drain")
@click.option("--now", "retry_now", is_flag=True, help="Also retry changes whose backoff has not yet expired.")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=None, help="Rows per transaction.")
@click.option("--every", type=click.FloatRange(1, 86_400), default=None, metavar="SECONDS",
              help="Keep running: drain every SECONDS (a scheduler process, e.g. --every 60).")
@with_appcontext
def drain(retry_now: bool, batch_size: int | None, every: float | None) -> None:
    """Send waiting changes to Elasticsearch (safe to run concurrently, e.g. from a timer every minute).
    While Elasticsearch is marked down it asks nothing; after the cool-down it is the probe that brings the
    index back up to date. Exit 1 when changes are left waiting."""
    while True:
        report = outbox.drain(batch_size=batch_size, due_only=not retry_now)
        if every is None:
            click.echo(str(report))
            if report.failed or report.blocked:
                raise SystemExit(1)
            return
        if report.rows or report.failed or report.blocked:
            click.echo(str(report))
        db.release()
        sleep(every)
