"""Subscribing, and turning domain events into signed deliveries.

The after-commit listener (:func:`queue_event`) only queues a job; :func:`fan_out` (a job) writes one delivery
per subscription and queues :func:`deliver` for each; a failed attempt is tried again with exponential backoff
by :func:`retry_due` (the ``techmarket webhooks retry`` command, run every minute by the scheduler), up to
``MAX_ATTEMPTS``. Every attempt's response (status and the start of the body) is kept on the delivery, which
the organisation can replay from its page.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.errors import NotFound, ValidationFailed
from techmarket.core.events import DomainEvent
from techmarket.core.jobs import JobQueue
from techmarket.orgs.models import Organisation
from techmarket.orgs.services import require_owner
from techmarket.webhooks import addresses, catalogue
from techmarket.webhooks.models import WebhookDelivery, WebhookSubscription
from techmarket.webhooks.signing import HEADER, sign

MAX_ATTEMPTS = 6
BACKOFF = dt.timedelta(seconds=30)  # 30 s, 1 min, 2 min, 4 min, 8 min
TIMEOUT_SECONDS = 10
KEPT_BODY = 2000
FAN_OUT_JOB = "techmarket.webhooks.tasks.fan_out"
DELIVER_JOB = "techmarket.webhooks.tasks.deliver"


def subscribe(session: Session, actor: Actor, org: Organisation, url: str,
              event_types: Iterable[str], *, allow_private: bool = False) -> WebhookSubscription:
    """Subscribe ``url``; one whose host is (or resolves to) a private, loopback or link-local address is refused
    unless ``allow_private`` (the setting ``WEBHOOKS_ALLOW_PRIVATE``)."""
    require_owner(session, actor, org, staff_ok=False)
    wanted = sorted(set(event_types))
    errors: dict[str, str] = {}
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc or len(url) > 500:
        errors["url"] = str(_l("Give an http or https address of up to 500 characters."))
    else:
        try:
            addresses.check(url.strip(), allow_private)
        except addresses.Refused:
            errors["url"] = str(_l("Give a public address: this host cannot be found or is inside a private "
                                   "network (private, loopback and link-local addresses are refused)."))
    if not wanted or any(e not in catalogue.BY_NAME for e in wanted):
        errors["event_types"] = str(_l("Choose at least one of the listed events."))
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)
    sub = WebhookSubscription(organisation_id=org.id, url=url.strip(), secret="whsec_" + secrets.token_urlsafe(24),
                              event_types=wanted, created_by_id=actor.user_id)
    session.add(sub)
    session.flush()
    audit.record(session, actor, "webhook_subscription", sub.id, "create", None,
                 {"url": sub.url, "event_types": wanted, "organisation_id": org.id})
    return sub


def unsubscribe(session: Session, actor: Actor, sub: WebhookSubscription) -> None:
    org = session.get(Organisation, sub.organisation_id)
    assert org is not None
    require_owner(session, actor, org, staff_ok=False)
    audit.record(session, actor, "webhook_subscription", sub.id, "delete", {"url": sub.url}, None)
    session.delete(sub)
    session.flush()


def of_organisation(session: Session, org_id: int) -> Sequence[WebhookSubscription]:
    return session.scalars(select(WebhookSubscription).where(WebhookSubscription.organisation_id == org_id)
                           .order_by(WebhookSubscription.id)).all()


def recent_deliveries(session: Session, org_id: int, limit: int = 50) -> Sequence[WebhookDelivery]:
    return session.scalars(select(WebhookDelivery).join(WebhookSubscription)
                           .where(WebhookSubscription.organisation_id == org_id)
                           .order_by(WebhookDelivery.id.desc()).limit(limit)).all()


def queue_event(jobs: JobQueue, event: DomainEvent) -> None:
    """After commit: queue the fan-out of a catalogued event (nothing is sent in the request)."""
    if event.name in catalogue.BY_SOURCE:
        jobs.enqueue(FAN_OUT_JOB, source=event.name, object_id=event.object_id, event_id=str(uuid.uuid4()),
                     at=utcnow().isoformat())


def fan_out(session: Session, source: str, object_id: int, event_id: str, at: str) -> list[int]:
    """One pending delivery per subscription of an organisation concerned; returns their ids."""
    made: list[WebhookDelivery] = []
    for kind in catalogue.BY_SOURCE.get(source, []):
        orgs = kind.organisations(session, object_id)
        if not orgs:
            continue
        subs = session.scalars(select(WebhookSubscription).where(WebhookSubscription.organisation_id.in_(orgs),
                                                                 WebhookSubscription.active.is_(True))).all()
        payload = {"id": event_id, "type": kind.name, "created_at": at, "data": kind.payload(session, object_id)}
        for sub in subs:
            if kind.name in (sub.event_types or []):
                made.append(WebhookDelivery(subscription_id=sub.id, event_id=event_id, event_type=kind.name,
                                            payload=payload, next_attempt_at=utcnow()))
    session.add_all(made)
    session.flush()
    return [d.id for d in made]


def attempt(session: Session, delivery: WebhookDelivery, now: dt.datetime | None = None, *,
            allow_private: bool = False) -> bool:
    """POST the delivery once; record the outcome and when to try again. True when the receiver took it (2xx).

    The host is resolved and checked again now (it may point elsewhere since the subscription: DNS rebinding)
    and the request goes to the very address checked."""
    now = now or utcnow()
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    sub = delivery.subscription
    req = urllib.request.Request(sub.url, data=body, method="POST", headers={  # noqa: S310 (http/https checked)
        "Content-Type": "application/json", "User-Agent": "techmarket-webhooks/1",
        HEADER: sign(sub.secret, int(time.time()), body), "Techmarket-Event": delivery.event_type,
        "Techmarket-Delivery": str(delivery.id)})
    delivery.attempts += 1
    status: int | None = None
    text = ""
    error = None
    try:
        address = addresses.check(sub.url, allow_private)
        with addresses.opener(address).open(req, timeout=TIMEOUT_SECONDS) as resp:
            status, text = resp.status, resp.read(KEPT_BODY).decode("utf-8", "replace")
    except addresses.Refused as exc:
        error = f"refused: {exc}"[:500]
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read(KEPT_BODY).decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = str(exc)[:500]
    delivery.response_status, delivery.response_body, delivery.error = status, text or None, error
    ok = status is not None and 200 <= status < 300
    if ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = "delivered", now, None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = "failed", None
    else:
        delivery.status = "pending"
        delivery.next_attempt_at = now + BACKOFF * (2 ** (delivery.attempts - 1))
    session.flush()
    return ok


def due(session: Session, now: dt.datetime | None = None, limit: int = 100) -> Sequence[int]:
    now = now or utcnow()
    return session.scalars(select(WebhookDelivery.id).where(WebhookDelivery.status == "pending",
                                                            WebhookDelivery.next_attempt_at <= now)
                           .order_by(WebhookDelivery.next_attempt_at).limit(limit)).all()


def replay(session: Session, actor: Actor, delivery: WebhookDelivery) -> None:
    """Send a delivery again (the same event id, a fresh signature), from the organisation's page."""
    org = session.get(Organisation, delivery.subscription.organisation_id)
    if org is None:
        raise NotFound(_l("There is no such delivery."))
    require_owner(session, actor, org, staff_ok=False)
    delivery.status, delivery.next_attempt_at = "pending", utcnow()
    delivery.attempts = min(delivery.attempts, MAX_ATTEMPTS - 1)
    session.flush()
    audit.record(session, actor, "webhook_delivery", delivery.id, "replay", None, {"event_id": delivery.event_id})


def as_row(delivery: WebhookDelivery) -> dict[str, Any]:
    return {"id": delivery.id, "event_id": delivery.event_id, "event_type": delivery.event_type,
            "status": delivery.status, "attempts": delivery.attempts, "response_status": delivery.response_status}
