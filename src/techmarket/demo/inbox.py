"""The demo users' notification inboxes: a realistic handful unread, the older ones read.

Loading the demo drives hundreds of listings and contracts through their workflows in one go, and every step
notifies someone: without this, an owner would sign in to dozens of unread notifications from one instant.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from techmarket.accounts.models import User
from techmarket.accounts.notifications import Notification
from techmarket.core.clock import utcnow

DEMO_DOMAIN = "@demo.techmarket.cn"
KEEP_UNREAD = 4


def settle_notifications(session: Session, keep: int = KEEP_UNREAD) -> int:
    """Mark read all but the newest ``keep`` unread notifications of each demo user; returns how many."""
    rows = session.execute(
        select(Notification.id, Notification.user_id).join(User, User.id == Notification.user_id)
        .where(Notification.read_at.is_(None), User.email.like(f"%{DEMO_DOMAIN}"))
        .order_by(Notification.user_id, Notification.id.desc())).all()
    kept: Counter[int] = Counter()
    older: list[int] = []
    for notification_id, user_id in rows:
        kept[user_id] += 1
        if kept[user_id] > keep:
            older.append(notification_id)
    now = utcnow()
    for start in range(0, len(older), 500):
        session.execute(update(Notification).where(Notification.id.in_(older[start:start + 500]))
                        .values(read_at=now))
    return len(older)
