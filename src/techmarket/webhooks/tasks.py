"""The webhook jobs: each opens its own session (run inline, it is inside another session's after-commit)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from techmarket.core import schedule
from techmarket.core.events import DomainEvent, on
from techmarket.extensions import db
from techmarket.webhooks import catalogue, services
from techmarket.webhooks.models import WebhookDelivery


def fan_out(source: str, object_id: int, event_id: str, at: str) -> list[int]:
    with Session(db.engine) as session:
        ids = services.fan_out(session, source, object_id, event_id, at)
        session.commit()
    for delivery_id in ids:
        current_app.extensions["techmarket.jobs"].enqueue(services.DELIVER_JOB, delivery_id=delivery_id)
    return ids


def deliver(delivery_id: int) -> bool:
    with Session(db.engine) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.status != "pending":
            return False
        ok = services.attempt(session, delivery,
                              allow_private=bool(current_app.config.get("WEBHOOKS_ALLOW_PRIVATE")))
        session.commit()
        return ok


def queue_delivery(delivery_id: int) -> None:
    """Queue one attempt now (a replay from the page)."""
    current_app.extensions["techmarket.jobs"].enqueue(services.DELIVER_JOB, delivery_id=delivery_id)


def retry_due() -> int:
    """Queue the deliveries whose next attempt is due (``techmarket webhooks retry``, every minute)."""
    with Session(db.engine) as session:
        ids = services.due(session)
    for delivery_id in ids:
        current_app.extensions["techmarket.jobs"].enqueue(services.DELIVER_JOB, delivery_id=delivery_id)
    return len(ids)


def _queue_event(event: DomainEvent) -> None:
    services.queue_event(current_app.extensions["techmarket.jobs"], event)


RETRY_JOB = "techmarket.webhooks.tasks.retry_due"


def register() -> None:
    schedule.every(60, RETRY_JOB)  # the embedded worker; production: deploy/systemd/techmarket-webhooks.timer
    for source in catalogue.BY_SOURCE:
        on(source, _queue_event, after_commit=True)
