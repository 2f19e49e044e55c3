"""Webhook retries actually run: every minute from the embedded worker (``make run``), and from a systemd timer
in production (where the worker's own schedule is off)."""

from __future__ import annotations

import configparser
import datetime as dt
from pathlib import Path

from techmarket.accounts.services import actor_for
from techmarket.core import jobs, schedule
from techmarket.core.clock import utcnow
from techmarket.extensions import db
from techmarket.webhooks import services, tasks
from techmarket.webhooks.models import WebhookDelivery
from tests.api.support import receiver

SYSTEMD = Path(__file__).resolve().parents[2] / "deploy" / "systemd"


class Recorder:
    def __init__(self) -> None:
        self.queued: list[str] = []

    def enqueue(self, func_path: str, *, job_timeout: int | None = None, **kwargs: object) -> str:
        self.queued.append(func_path)
        return str(len(self.queued))


def test_the_retry_job_is_due_every_minute_in_the_embedded_default_only(app) -> None:
    assert schedule.RECURRING[tasks.RETRY_JOB] == 60
    plan, queue = schedule.Schedule(), Recorder()
    only = {tasks.RETRY_JOB: 60.0}
    assert plan.enqueue_due(queue, 1000.0, only) == [tasks.RETRY_JOB]  # due at the worker's start
    assert plan.enqueue_due(queue, 1059.0, only) == []
    assert plan.enqueue_due(queue, 1060.0, only) == [tasks.RETRY_JOB]
    assert schedule.enabled({"ENV": "development", "JOBS_BACKEND": "local", "JOBS_SCHEDULE": "auto"})
    assert not schedule.enabled({"ENV": "production", "JOBS_BACKEND": "local", "JOBS_SCHEDULE": "auto"})
    assert not schedule.enabled({"ENV": "development", "JOBS_BACKEND": "rq", "JOBS_SCHEDULE": "auto"})
    assert not schedule.enabled({"ENV": "testing", "JOBS_BACKEND": "local", "JOBS_SCHEDULE": "auto"})
    assert schedule.enabled({"ENV": "production", "JOBS_SCHEDULE": "1"})
    timer = configparser.ConfigParser(interpolation=None)
    timer.read(SYSTEMD / "techmarket-webhooks.timer")
    assert timer["Timer"]["OnUnitActiveSec"] == "1min"
    unit = configparser.ConfigParser(interpolation=None)
    unit.read(SYSTEMD / "techmarket-webhooks.service")
    assert unit["Service"]["ExecStart"].endswith("techmarket webhooks retry")


def test_the_embedded_worker_retries_a_due_delivery_by_itself(app, make) -> None:
    app.extensions["techmarket.jobs"] = jobs.LocalQueue(app)
    app.config.update(JOBS_SCHEDULE="1", JOBS_POLL_SECONDS=0.01)
    owner = make.user()
    org = make.org(owner, status="verified")
    with receiver() as hook:
        sub = services.subscribe(db.session, actor_for(owner), org, hook.url, ["listing.published"],
                                   allow_private=True)
        delivery = WebhookDelivery(subscription_id=sub.id, event_id="e-1", event_type="listing.published",
                                   payload={"id": "e-1"}, attempts=1, next_attempt_at=utcnow() - dt.timedelta(1))
        db.session.add(delivery)
        db.session.commit()
        jobs.work(app, burst=True)  # the worker of `make run`: enqueues the retry job, runs it and the delivery
        assert len(hook.received) == 1
    db.session.expire_all()
    assert (db.session.get(WebhookDelivery, delivery.id).status, delivery.attempts) == ("delivered", 2)
