"""``techmarket audit ...`` and ``techmarket jobs ...``"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from techmarket.core import audit_checkpoints, jobs
from techmarket.core.audit import verify_chain
from techmarket.core.local_jobs import pending
from techmarket.extensions import db


@click.group("audit")
def audit_cli() -> None:
    """The audit log."""


def _verified() -> bool:
    """Check the chain under the audit key and against the signed checkpoints; report; True when intact."""
    session = db.current()  # the request's Session itself (typed), not the scoped proxy
    checked, problem = verify_chain(session)
    if problem is not None:
        click.echo(f"audit log BROKEN at entry id={problem.entry_id} seq={problem.seq}: {problem.reason} "
                   f"({checked} entries before it are intact)", err=True)
    points, problems = audit_checkpoints.check(session)
    for text in problems:
        click.echo(f"audit log BROKEN: {text}", err=True)
    if problem is None and not problems:
        click.echo(f"audit log intact: {checked} entries, consistent with {points} checkpoints "
                   f"({audit_checkpoints.checkpoint_path()})")
    return problem is None and not problems


def _checkpoint() -> None:
    point = audit_checkpoints.write(db.current())
    click.echo(f"checkpoint written: seq {point.seq} at {point.at}")


@audit_cli.command("verify")
@click.option("--no-checkpoint", is_flag=True, help="Do not append a checkpoint of the verified head.")
@with_appcontext
def verify(no_checkpoint: bool) -> None:
    """Check the keyed hash chain and the checkpoints kept outside the database; exit 1 naming the first
    problem (an edited, deleted or recomputed entry, a truncated head). When intact, append a checkpoint."""
    if not _verified():
        raise SystemExit(1)
    if not no_checkpoint:
        _checkpoint()


@audit_cli.command("checkpoint")
@with_appcontext
def checkpoint() -> None:
    """Verify, then append a signed checkpoint of the head to AUDIT_CHECKPOINT_PATH (run daily)."""
    if not _verified():
        click.echo("no checkpoint written: the log must be intact to be signed", err=True)
        raise SystemExit(1)
    _checkpoint()


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
    for job in pending(db.current()):
        click.echo(f"{job.id}\t{job.status}\t{job.func_path}\t{job.created_at:%Y-%m-%d %H:%M:%S}\t{job.error or ''}")
