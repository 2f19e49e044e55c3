"""What the matching domain does when listings change (registered once by create_app): a published demand's
owners follow its new matches; a published listing is offered to the immediate subscriptions by a job."""

from __future__ import annotations

from sqlalchemy.orm import Session

from techmarket.core import events
from techmarket.core.events import DomainEvent
from techmarket.core.jobs import queue
from techmarket.matching.items import register_source
from techmarket.matching.listing_items import KIND, ListingSource
from techmarket.matching.subscriptions import subscribe_owners_to_demand

PUBLISHED = "listing.approved"  # listings/workflow.py: the operator's approval publishes a listing
DELIVER_JOB = "techmarket.matching.alert_tasks.deliver_immediately"


def _subscribe_owners(session: Session, event: DomainEvent) -> None:
    if event.subject is not None:
        subscribe_owners_to_demand(session, event.subject)


def _queue_alerts(event: DomainEvent) -> None:
    """After the commit: a job finds the immediate subscriptions the new listing matches (never the request)."""
    queue().enqueue(DELIVER_JOB, kind=KIND, item_id=event.object_id)


def register() -> None:
    register_source(ListingSource())
    events.on(PUBLISHED, _subscribe_owners)
    events.on(PUBLISHED, _queue_alerts, after_commit=True)
