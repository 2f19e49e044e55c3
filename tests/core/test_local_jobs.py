"""The local job runner: a job table in the application's database, claimed under a lease."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from techmarket.core import jobs, local_jobs, mail
from techmarket.core.clock import utcnow
from techmarket.core.components import provide
from techmarket.core.db import begin_write
from techmarket.extensions import db
from techmarket.listings import importing
from techmarket.search.service import SearchService
from tests.listings.test_import_export import OPERATOR, achievement, csv_file, table


@pytest.fixture()
def queue(app: Flask) -> jobs.LocalQueue:
    local = jobs.LocalQueue(app)
    app.extensions["techmarket.jobs"] = local
    return local


def _jobs() -> list[local_jobs.QueuedJob]:
    db.session.rollback()
    return list(db.session.scalars(select(local_jobs.QueuedJob).order_by(local_jobs.QueuedJob.id)))


def test_mail_is_queued_then_delivered_by_the_worker(app: Flask, queue: jobs.LocalQueue, tmp_path: Any) -> None:
    queue.enqueue("techmarket.core.mail.deliver", to="a@example.cn", subject="测试", body="正文")
    assert [j.status for j in _jobs()] == ["queued"]
    assert not list(mail.outbox_dir().glob("*.eml"))
    assert jobs.drain(app) == 1
    assert len(list(mail.outbox_dir().glob("*.eml"))) == 1 and _jobs() == []


def test_a_failing_job_is_kept_with_its_error_and_a_wrong_path_is_refused_at_once(
        app: Flask, queue: jobs.LocalQueue, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: Any) -> None:
        raise ValueError("no such mailbox")

    monkeypatch.setattr(mail, "deliver", broken)
    queue.enqueue("techmarket.core.mail.deliver", to="a@example.cn", subject="s", body="b")
    assert jobs.drain(app) == 1
    (job,) = _jobs()
    assert job.status == "failed" and "no such mailbox" in (job.error or "")
    with pytest.raises(ValueError):
        queue.enqueue("os.system", command="true")


def test_a_job_that_meets_a_locked_database_runs_again(app: Flask, queue: jobs.LocalQueue,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def flaky(**kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("UPDATE listing ...", {}, Exception("database is locked"))

    monkeypatch.setattr(mail, "deliver", flaky)
    monkeypatch.setattr(jobs.time, "sleep", lambda s: None)
    queue.enqueue("techmarket.core.mail.deliver", to="a@example.cn", subject="s", body="b")
    assert jobs.drain(app) == 1
    assert len(calls) == 2 and _jobs() == []


def test_a_job_is_claimed_once_and_a_dead_workers_lease_runs_out(app: Flask, queue: jobs.LocalQueue) -> None:
    queue.enqueue("techmarket.core.mail.deliver", to="a@example.cn", subject="s", body="b")
    with Session(db.engine) as first, Session(db.engine) as second:
        job = local_jobs.claim(first, "worker-1", lease=60)
        assert job is not None and job.status == "running"
        assert local_jobs.claim(second, "worker-2", lease=60) is None
        assert local_jobs.expire_leases(second) == 0
        assert local_jobs.expire_leases(second, now=utcnow() + dt.timedelta(seconds=61)) == 1
    (job,) = _jobs()
    assert job.status == "failed" and job.error == local_jobs.WORKER_DIED


def test_enqueue_inside_a_sqlite_write_transaction_joins_it(app: Flask, queue: jobs.LocalQueue) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single write lock")
    begin_write(db.session)  # the caller holds the write lock: a second connection would wait for it
    queue.enqueue("techmarket.core.mail.deliver", to="a@example.cn", subject="s", body="b")
    db.session.rollback()  # ... so the job went with the caller's unit of work
    assert _jobs() == []
    begin_write(db.session)
    queue.enqueue("techmarket.core.mail.deliver", to="a@example.cn", subject="s", body="b")
    db.session.commit()
    assert len(_jobs()) == 1


def test_a_commit_that_changes_the_index_queues_one_outbox_drain(app: Flask, queue: jobs.LocalQueue,
                                                                 make: Any) -> None:
    service = SearchService(app, es_backend=object())
    service.backend_name = "elasticsearch"  # the outbox is written and a drain queued after the commit
    provide(app, SearchService, service)
    org = make.org(status="verified")
    assert _jobs() == []  # an organisation is not indexed: nothing queued
    rows = table([achievement(org.credit_code or "", title=f"排队同步的成果 {i}") for i in range(3)])
    with force_locale("en"):
        importing.import_rows(db.session, OPERATOR, importing.read_sheet("x.csv", csv_file(rows)),
                              progress=lambda d, t: db.session.commit())
    assert [j.func_path for j in _jobs()] == ["techmarket.search.outbox.drain"]  # queued in an after_commit
