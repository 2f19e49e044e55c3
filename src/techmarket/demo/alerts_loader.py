"""Demo subscriptions and a first digest, so the settings page and a digest have something to show."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from techmarket.accounts.models import User
from techmarket.accounts.services import actor_for
from techmarket.core.clock import utcnow
from techmarket.matching import alerts, subscriptions
from techmarket.matching.models import Subscription
from techmarket.search.service import SearchService

# email -> what they follow: (kind, target, frequency); kind "search" takes the words as target
FOLLOWS = {
    "enterprise@demo.techmarket.cn": [("search", "储能", "daily"), ("field", "rare_earth", "weekly")],
    "researcher@demo.techmarket.cn": [("region", "150200", "immediate"), ("search", "稀土", "daily")],
    "partner@demo.techmarket.cn": [("field", "new_energy", "daily")],
}


def load_alerts(session: Session, search: SearchService) -> int:
    """The demo users' subscriptions (dated a week back, so that the listings count as new for them), then one
    daily digest run (its mail is not sent: the demo keeps everything in the site). Safe to run again."""
    made = 0
    for email, follows in FOLLOWS.items():
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            continue
        for kind, target, frequency in follows:
            if kind == "search":
                subscriptions.save_search(session, actor_for(user), [("q", target)], frequency=frequency)
            else:
                subscriptions.follow(session, actor_for(user), kind, target, frequency=frequency)
            made += 1
    session.execute(update(Subscription).values(created_at=utcnow() - dt.timedelta(days=7)))
    session.flush()
    alerts.run_digest(session, search, "daily")
    return made
