"""Imports never run in the web request: the local job runner, a dead worker, resuming, one search drain per
batch, workbook bombs, and SQLite writers that wait instead of failing."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from techmarket.config import load_config
from techmarket.core import jobs, local_jobs
from techmarket.core.audit import AuditEntry, verify_chain
from techmarket.core.clock import utcnow
from techmarket.core.components import provide
from techmarket.core.errors import Conflict
from techmarket.core.progress import JobRun
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings import bulk, import_tasks, importing
from techmarket.listings.data import ListingData
from techmarket.listings.models import Listing
from techmarket.orgs.models import Organisation
from techmarket.search.models import SearchOutbox
from techmarket.search.service import SearchService
from tests.factories import Factories
from tests.listings.test_import_export import OPERATOR, achievement, csv_file, table, upload

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def local_queue(app: Flask) -> jobs.LocalQueue:
    queue = jobs.LocalQueue(app)
    app.extensions["techmarket.jobs"] = queue
    return queue


@pytest.fixture()
def operator_client(make: Factories, login: Any) -> FlaskClient:
    return login(make.user(Role.OPERATOR, language="en"))


@pytest.fixture()
def org(make: Factories) -> Organisation:
    return make.org(status="verified")


def rows_file(org: Organisation, n: int, prefix: str = "后台导入的成果") -> bytes:
    return csv_file(table([achievement(org.credit_code or "", title=f"{prefix} {i:04d}") for i in range(n)]))


def run_id_of(resp: Any) -> int:
    assert resp.status_code == 302, resp.get_data(as_text=True)[:1500]
    return int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def listings() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Listing)) or 0


def test_the_embedded_default_runs_jobs_in_the_background() -> None:
    config = load_config({}, environ={})
    assert config["JOBS_BACKEND"] == "local"  # before: "inline", the job ran inside the web request
    probe = Flask("probe")
    probe.config.update(config)
    assert isinstance(jobs.make_queue(probe), jobs.LocalQueue)


def test_the_upload_only_queues_and_a_worker_process_runs_the_import(
        app: Flask, local_queue: jobs.LocalQueue, operator_client: FlaskClient, org: Organisation) -> None:
    run_id = run_id_of(upload(operator_client, rows_file(org, 7), "seven.csv"))
    assert listings() == 0  # the request saved nothing: it queued the job
    state = operator_client.get(f"/admin/imports/{run_id}.json").get_json()
    assert (state["status"], state["finished"]) == ("queued", False)
    assert "waiting for the background worker" in operator_client.get(f"/admin/imports/{run_id}").get_data(
        as_text=True)
    db.session.rollback()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TECHMARKET_")}
    env.update(TECHMARKET_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               TECHMARKET_INSTANCE_PATH=app.instance_path, TECHMARKET_SECRET_KEY=app.config["SECRET_KEY"],
               PYTHONPATH=str(PROJECT / "src") + os.pathsep + env.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", "from techmarket.cli import main; main()", "jobs", "worker",
                           "--burst"], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    state = operator_client.get(f"/admin/imports/{run_id}.json").get_json()
    assert (state["status"], state["created"], state["total"]) == ("done", 7, 7)
    assert listings() == 7
    assert db.session.scalar(select(func.count()).select_from(local_jobs.QueuedJob)) == 0


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in the job catches it, nothing after it runs."""


def test_a_worker_dying_mid_import_leaves_a_failed_run_that_resumes_where_it_stopped(
        app: Flask, local_queue: jobs.LocalQueue, operator_client: FlaskClient, org: Organisation,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "BATCH", 5)
    monkeypatch.setattr(importing, "BATCH_SECONDS", 3600)
    real = import_tasks._Batches.__call__

    def die_after_the_first_batch(self: Any, done: int, total: int) -> None:
        real(self, done, total)
        raise WorkerKilled

    monkeypatch.setattr(import_tasks._Batches, "__call__", die_after_the_first_batch)
    run_id = run_id_of(upload(operator_client, rows_file(org, 12), "twelve.csv"))
    with pytest.raises(WorkerKilled):
        jobs.drain(app)
    monkeypatch.setattr(import_tasks._Batches, "__call__", real)

    state = operator_client.get(f"/admin/imports/{run_id}.json").get_json()
    # The first batch is saved and its counts are live: not 0 until the end.
    assert (state["status"], state["done"], state["created"], state["total"]) == ("running", 5, 5, 12)
    assert listings() == 5
    # No heartbeat since: the lease and the run's heartbeat run out.
    long_ago = utcnow() - dt.timedelta(hours=1)
    db.session.execute(update(JobRun).where(JobRun.id == run_id).values(heartbeat_at=long_ago))
    db.session.execute(update(local_jobs.QueuedJob).values(locked_until=long_ago))
    db.session.commit()
    assert jobs.drain(app) == 0  # the dead job is not run again by itself ...
    job = db.session.scalar(select(local_jobs.QueuedJob))
    assert job is not None and job.status == "failed" and "worker" in (job.error or "")
    page = operator_client.get(f"/admin/imports/{run_id}").get_data(as_text=True)  # ... the run says why
    assert 'data-testid="run-message"' in page and "stopped" in page and 'data-testid="resume"' in page
    state = operator_client.get(f"/admin/imports/{run_id}.json").get_json()
    assert (state["status"], state["resumable"]) == ("failed", True)

    assert operator_client.post(f"/admin/imports/{run_id}/resume").status_code == 302
    assert operator_client.get(f"/admin/imports/{run_id}.json").get_json()["status"] == "queued"
    assert jobs.drain(app) == 1
    state = operator_client.get(f"/admin/imports/{run_id}.json").get_json()
    assert (state["status"], state["created"], state["unchanged"], state["failed"]) == ("done", 12, 0, 0)
    assert listings() == 12
    report = operator_client.get(f"/admin/imports/{run_id}/report.csv")
    assert report.status_code == 200
    # Resuming a finished run is refused with a message.
    resp = operator_client.post(f"/admin/imports/{run_id}/resume", follow_redirects=True)
    assert "Only an import that stopped can be resumed" in resp.get_data(as_text=True)


class RecordingQueue:
    name = "recording"

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def enqueue(self, func_path: str, *, job_timeout: int | None = None, **kwargs: Any) -> str:
        self.calls.append((func_path, kwargs))
        return str(len(self.calls))


def test_an_import_queues_one_search_drain_per_batch_not_per_row(app: Flask, org: Organisation,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    queue = RecordingQueue()
    app.extensions["techmarket.jobs"] = queue
    service = SearchService(app, es_backend=object())
    service.backend_name = "elasticsearch"  # outbox rows are written; the drains are only recorded
    provide(app, SearchService, service)
    monkeypatch.setattr(importing, "BATCH", 5)
    monkeypatch.setattr(importing, "BATCH_SECONDS", 3600)
    sheet = importing.read_sheet("x.csv", rows_file(org, 12))
    with force_locale("en"):
        report = importing.import_rows(db.session, OPERATOR, sheet, progress=lambda d, t: db.session.commit())
    assert report.created == 12
    drains = [c for c in queue.calls if c[0] == "techmarket.search.outbox.drain"]
    assert len(drains) == 3  # batches of 5, 5 and 2 rows
    outboxed = set(db.session.scalars(select(SearchOutbox.object_id)))
    assert outboxed == set(report.created_ids)  # every created listing is in the outbox all the same


def test_a_row_rolled_back_in_a_batch_keeps_the_others_in_the_search_outbox(
        app: Flask, org: Organisation, monkeypatch: pytest.MonkeyPatch) -> None:
    app.extensions["techmarket.jobs"] = RecordingQueue()
    service = SearchService(app, es_backend=object())
    service.backend_name = "elasticsearch"
    provide(app, SearchService, service)
    real = bulk._snapshot

    def fail_for_one(data: ListingData, row: dict[str, Any]) -> dict[str, Any]:
        if data.title == "中途失败的成果":
            raise Conflict("simulated failure after the listing was written")
        return real(data, row)

    monkeypatch.setattr(bulk, "_snapshot", fail_for_one)
    rows = [achievement(org.credit_code or "", title=f"索引保留的成果 {i}") for i in range(3)]
    rows.insert(1, achievement(org.credit_code or "", title="中途失败的成果"))
    with force_locale("en"):
        report = importing.import_rows(db.session, OPERATOR, importing.read_sheet("x.csv", csv_file(table(rows))),
                                       progress=lambda d, t: db.session.commit())
    assert (report.created, report.failed) == (3, 1)
    assert set(db.session.scalars(select(SearchOutbox.object_id))) >= set(report.created_ids)
    # The audit entries are appended per batch; the rolled-back row's are dropped and the chain holds.
    entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "listing")
                                      .order_by(AuditEntry.seq)))
    assert [(e.object_id, e.action) for e in entries] == [
        (str(i), "import") for i in report.created_ids]
    total = db.session.scalar(select(func.count()).select_from(AuditEntry))
    assert verify_chain(db.session) == (total, None)


# --- workbook bombs ------------------------------------------------------------------------------------------


def _workbook_with_sheet(write_sheet: Any) -> bytes:
    """A real workbook from openpyxl whose first worksheet is replaced by what ``write_sheet`` streams."""
    wb = openpyxl.Workbook()
    wb.active.append(["标题 / Title"])
    plain = io.BytesIO()
    wb.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with dst.open(info.filename, "w", force_zip64=True) as part:
                    write_sheet(part)
            else:
                dst.writestr(info, src.read(info.filename))
    return out.getvalue()


HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
        b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _size_bomb(part: Any) -> None:  # unpacks to 120 MB of nothing
    part.write(HEAD + b"<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Title</t></is></c></row>"
               + b"</sheetData><!--")
    chunk = b" " * (1024 * 1024)
    for _ in range(120):
        part.write(chunk)
    part.write(b"--></worksheet>")


def _cell_bomb(part: Any) -> None:  # 2.1 million empty cells in 1,000 rows
    part.write(HEAD + b"<sheetData>")
    row = b"<c/>" * 2100
    for r in range(1, 1001):
        part.write(b'<row r="%d">' % r + row + b"</row>")
    part.write(b"</sheetData></worksheet>")


def _dimension_bomb(part: Any) -> None:  # declares every row and column of a sheet
    part.write(HEAD + b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"/></row></sheetData>'
               b"</worksheet>")


@pytest.mark.parametrize(("bomb", "problem"), [(_size_bomb, "MB unpacked: 120"),
                                               (_cell_bomb, "cells in a sheet: 2,100,000"),
                                               (_dimension_bomb, "rows in a sheet: 1,048,576")])
def test_workbook_bombs_are_refused_before_parsing(operator_client: FlaskClient, bomb: Any, problem: str) -> None:
    data = _workbook_with_sheet(bomb)
    assert len(data) < 600 * 1024
    resp = upload(operator_client, data, "bomb.xlsx")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "too large to import" in body and problem in body
    assert db.session.scalar(select(func.count()).select_from(JobRun)) == 0
    with force_locale("zh_Hans_CN"), pytest.raises(importing.ImportFileError) as refused:
        importing.read_sheet("bomb.xlsx", data)
    assert "过大" in str(refused.value.message)


def test_a_workbook_within_the_limits_still_imports(operator_client: FlaskClient, org: Organisation,
                                                    local_queue: jobs.LocalQueue, app: Flask) -> None:
    wb = openpyxl.Workbook()
    for row in table([achievement(org.credit_code or "", title=f"表格成果 {i}") for i in range(30)]):
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    run_id = run_id_of(upload(operator_client, buf.getvalue(), "ok.xlsx"))
    jobs.drain(app)
    assert operator_client.get(f"/admin/imports/{run_id}.json").get_json()["created"] == 30


# --- SQLite: a writer that commits in the middle of an import batch waits instead of failing it -----------


def test_a_concurrent_writer_waits_for_the_import_batch_instead_of_failing_its_rows(
        app: Flask, org: Organisation, make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single write lock")
    other = make.org(status="verified")
    seller = Listing(kind="achievement", organisation_id=other.id, title="别人的成果", summary="",
                     status="published")
    db.session.add(seller)
    db.session.commit()
    engine, seller_id = db.engine, seller.id
    writers: list[threading.Thread] = []
    errors: list[BaseException] = []
    real = importing.save_listings

    def view_counter_commits_meanwhile(session: Session, *args: Any, **kwargs: Any) -> list[int]:
        session.execute(select(Organisation.id).limit(1)).all()  # the row's transaction has read ...

        def write() -> None:
            try:
                with Session(engine) as other_session:
                    other_session.execute(update(Listing).where(Listing.id == seller_id)
                                          .values(view_count=Listing.view_count + 1))
                    other_session.commit()
            except BaseException as exc:
                errors.append(exc)

        writer = threading.Thread(target=write)
        writer.start()
        writer.join(timeout=0.3)  # ... and another connection commits (or waits for the lock) meanwhile
        writers.append(writer)
        return real(session, *args, **kwargs)

    monkeypatch.setattr(importing, "save_listings", view_counter_commits_meanwhile)
    monkeypatch.setattr(importing, "BATCH", 1)  # a batch per row: four transactions, each with a writer meanwhile
    sheet = importing.read_sheet("x.csv", rows_file(org, 4, prefix="并发写入的成果"))
    with force_locale("en"):
        report = importing.import_rows(db.session, OPERATOR, sheet, progress=lambda d, t: db.session.commit())
    for writer in writers:
        writer.join(timeout=40)
    assert (report.created, report.failed) == (4, 0), report.lines
    assert not errors
    db.session.expire_all()
    assert db.session.get(Listing, seller.id).view_count == 4
