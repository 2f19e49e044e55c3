"""``techmarket audit ...`` and ``techmarket jobs ...``"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from techmarket.core import jobs
from techmarket.core.audit import verify_chain
from techmarket.core.local_jobs import pending
from techmarket.extensions import db


@click.group("audit")
def audit_cli() -> None:
    """The audit log."""


@audit_cli.command("verify")
@with_appcontext
def verify() -> None:
    """Check the hash chain; exit 1 naming the first bad entry."""
    checked, problem = verify_chain(db.session)
    if problem is None:
        click.echo(f"audit log intact: {checked} entries")
        return
    click.echo(f"audit log BROKEN at entry id={problem.entry_id} seq={problem.seq}: {problem.reason} "
               f"({checked} entries before it are intact)", err=True)
    raise SystemExit(1)


@click.group("jobs")
def jobs_cli() -> None:
    """Background jobs."""


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker(burst: bool) -> None:
    """Run the background jobs: the job table (local, the default) or the Redis queue (rq).

    `make run` starts one next to the web server; SIGTERM lets the running job finish first (local)."""
    jobs.work(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]


@jobs_cli.command("list")
@with_appcontext
def list_jobs() -> None:
    """The local job table: queued, running and failed jobs."""
    for job in pending(db.session()):
        click.echo(f"{job.id}\t{job.status}\t{job.func_path}\t{job.created_at:%Y-%m-%d %H:%M:%S}\t{job.error or ''}")
