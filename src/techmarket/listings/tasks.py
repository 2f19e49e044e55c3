"""Background jobs of the listing domain."""

from __future__ import annotations

from techmarket.extensions import db
from techmarket.listings.services import expire_due


def expire_listings() -> int:
    """Scheduled daily (``techmarket listings expire`` from cron or a systemd timer)."""
    n = expire_due(db.session)
    db.session.commit()
    return n
