"""A queued background job that no worker takes up: the pages said "0 %" forever (plain ``flask run`` without
``techmarket jobs worker``). Now they say "Queued", then, after ``NOT_STARTED_SECONDS``, that the worker may not be
running; a running job still shows its progress. Timestamps are set directly instead of waiting."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from techmarket.core import jobs, progress
from techmarket.core.clock import utcnow
from techmarket.core.progress import NOT_STARTED_SECONDS, JobRun
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings.models import Listing
from techmarket.reporting.models import YearlyReport
from tests.factories import Factories
from tests.listings.test_import_export import achievement, csv_file, table, upload

NOTICE_ZH = "任务排队中，尚未开始：后台任务进程可能未运行，请联系运营方。"
NOTICE_EN = "Queued, not started yet: the background worker may not be running. Contact the market operator."
COMMAND = "<code>techmarket jobs worker</code>"


@pytest.fixture(autouse=True)
def no_worker(app: Flask) -> None:
    """The embedded default's job table, and nobody working it."""
    app.extensions["techmarket.jobs"] = jobs.LocalQueue(app)


def age(run_id: int, seconds: int) -> None:
    db.session.rollback()
    run = db.session.get(JobRun, run_id)
    assert run is not None and run.status == "queued"
    run.created_at = utcnow() - dt.timedelta(seconds=seconds)
    db.session.commit()


def start(run_id: int, done: int, total: int) -> None:
    db.session.rollback()
    run = db.session.get(JobRun, run_id)
    assert run is not None
    progress.update(db.session, run, status="running", total=total, done=done)
    db.session.commit()


def page(client: FlaskClient, url: str, lang: str) -> str:
    client.get(f"/lang/{lang}")
    resp = client.get(url)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_the_phase_of_a_run_is_not_started_once_queued_too_long_without_a_worker() -> None:
    now = dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.UTC)
    run = JobRun(kind="k", status="queued", created_at=now - dt.timedelta(seconds=NOT_STARTED_SECONDS - 1))
    assert run.phase(now) == "queued"
    run.created_at = now - dt.timedelta(seconds=NOT_STARTED_SECONDS)
    assert run.phase(now) == "not_started"
    run.heartbeat_at = now - dt.timedelta(seconds=2)  # queued again (resumed) two seconds ago
    assert run.phase(now) == "queued"
    run.status = "running"
    run.heartbeat_at = now - dt.timedelta(minutes=5)
    assert run.phase(now) == "running"


def test_a_report_page_says_queued_then_that_the_worker_may_not_run_then_shows_progress(
        make: Factories, signin) -> None:
    operator = signin(make.operator())
    asked = operator.post("/admin/reporting/reports", data={"prefecture": "150200", "year": "2024"})
    assert asked.status_code == 302
    report = db.session.scalars(select(YearlyReport)).one()
    url = f"/admin/reporting/reports/{report.id}"

    fresh = page(operator, url, "zh_Hans_CN")
    assert "排队中：等待后台任务进程开始生成报告" in fresh and 'http-equiv="refresh"' in fresh
    assert 'data-testid="job-not-started"' not in fresh and 'role="progressbar"' not in fresh

    assert report.job_run_id is not None
    age(report.job_run_id, NOT_STARTED_SECONDS + 5)
    stalled = page(operator, url, "zh_Hans_CN")
    assert NOTICE_ZH in stalled and COMMAND in stalled and 'role="progressbar"' not in stalled
    assert 'http-equiv="refresh"' in stalled  # it goes away by itself once a worker takes the job
    english = page(operator, url, "en")
    assert NOTICE_EN in english and "Operators: start the worker on the server with" in english
    assert "Queued: waiting for the background worker to start the report" in english

    start(report.job_run_id, 3, 10)
    running = page(operator, url, "en")
    assert 'data-testid="job-not-started"' not in running and "Queued" not in running
    assert 'aria-valuenow="30"' in running and "30%" in running
    assert "Being generated in the background" in running


def test_the_notice_is_for_every_staff_reader_the_command_for_operators_only(make: Factories, signin) -> None:
    operator = signin(make.operator())
    operator.post("/admin/reporting/reports", data={"prefecture": "150200", "year": "2024"})
    report = db.session.scalars(select(YearlyReport)).one()
    assert report.job_run_id is not None
    age(report.job_run_id, 60)
    registrar = signin(make.user(Role.REGISTRAR, email="registrar@example.cn"))
    shown = page(registrar, f"/admin/reporting/reports/{report.id}", "zh_Hans_CN")
    assert NOTICE_ZH in shown and COMMAND not in shown


def test_an_import_page_and_its_json_say_queued_then_not_started_then_show_progress(
        make: Factories, signin) -> None:
    code = make.org(status="verified").credit_code or ""
    operator = signin(make.operator())
    resp = upload(operator, csv_file(table([achievement(code, title=f"排队的成果 {i}") for i in range(3)])), "q.csv")
    assert resp.status_code == 302
    run_id = int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    url = f"/admin/imports/{run_id}"

    state = operator.get(f"{url}.json").get_json()
    assert (state["status"], state["phase"], state["finished"]) == ("queued", "queued", False)
    fresh = page(operator, url, "zh_Hans_CN")
    assert "排队中" in fresh and 'data-phase="queued"' in fresh
    assert 'data-testid="job-not-started"' not in fresh and "<progress" not in fresh

    age(run_id, NOT_STARTED_SECONDS + 1)
    assert operator.get(f"{url}.json").get_json()["phase"] == "not_started"  # the page's script reloads on it
    stalled = page(operator, url, "zh_Hans_CN")
    assert NOTICE_ZH in stalled and COMMAND in stalled and 'data-phase="not_started"' in stalled
    assert "<progress" not in stalled
    english = page(operator, url, "en")
    assert NOTICE_EN in english and "Queued: waiting for the background worker to start the import" in english

    start(run_id, 1, 4)
    state = operator.get(f"{url}.json").get_json()
    assert (state["status"], state["phase"], state["percent"]) == ("running", "running", 25)
    running = page(operator, url, "en")
    assert 'data-testid="job-not-started"' not in running and 'data-phase="running"' in running
    assert '<progress class="w-100" id="import-progress" max="100" value="25">' in running
    assert db.session.scalar(select(Listing.id)) is None  # nothing ran: the test set the states
