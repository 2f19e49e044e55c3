"""The auctions' recurring job: open, close and finalise what is due, whether or not anyone is looking.

Production runs ``techmarket trading auctions-due`` from its systemd timer; the embedded default's worker runs
this job every minute (``core.schedule``). Pages do the same lazily when they are read.
"""

from __future__ import annotations

from techmarket.core import schedule
from techmarket.extensions import db
from techmarket.trading.auctions import closing

DUE_JOB = "techmarket.trading.auctions.tasks.close_due"


def close_due() -> int:
    """Move every auction whose start, end or publicity period came; one commit."""
    moved = closing.close_due(db.session)
    db.session.commit()
    return moved


def register() -> None:
    schedule.every(60, DUE_JOB)
