"""The Redis-backed implementations against a real Redis: RQ jobs and the login rate limit."""

from __future__ import annotations

import os

import pytest
from redis import Redis
from rq.job import Job

from techmarket.app import create_app
from techmarket.core import jobs
from techmarket.core.jobs import RQQueue
from techmarket.core.roles import Role
from techmarket.listings import import_tasks
from tests.conftest import REQUIRE, _overrides
from tests.listings.test_import_export import achievement, csv_file, table, upload

_BASE = os.environ.get("TECHMARKET_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Parallel test workers (pytest-xdist: gw0, gw1, ...) each get their own Redis database number.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = _BASE.rsplit("/", 1)[0] + f"/{int(_BASE.rsplit('/', 1)[1]) - _WORKER}"


@pytest.fixture()
def redis_url():
    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        if REQUIRE:
            raise
        pytest.skip(f"Redis not reachable: {exc}")
    Redis.from_url(REDIS_URL).flushdb()
    yield REDIS_URL
    Redis.from_url(REDIS_URL).flushdb()


def test_rq_queue_delivers_mail_through_a_worker(app, redis_url, tmp_path):
    rq_app = create_app({**_overrides(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path),
                         "JOBS_BACKEND": "rq", "REDIS_URL": redis_url})
    queue = rq_app.extensions["techmarket.jobs"]
    assert isinstance(queue, RQQueue)
    with rq_app.app_context():
        queue.enqueue("techmarket.core.mail.deliver", to="a@example.cn", subject="测试", body="正文")
    assert not (tmp_path / "outbox").exists() or not list((tmp_path / "outbox").glob("*.eml"))
    jobs.work(rq_app, burst=True)
    mails = list((tmp_path / "outbox").glob("*.eml"))
    assert len(mails) == 1 and "a@example.cn" in mails[0].name


def test_rq_refuses_a_job_outside_the_package(app, redis_url, tmp_path):
    queue = RQQueue(redis_url)
    with pytest.raises(ValueError):
        queue.enqueue("os.system", command="true")


def test_login_rate_limit_shared_through_redis(app, make, redis_url, tmp_path):
    user = make.user()
    overrides = {**_overrides(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path),
                 "RATELIMIT_STORAGE_URI": redis_url, "LOGIN_RATE_LIMIT": "3 per minute"}
    # Two instances of the app (as two gunicorn workers) share the counter through Redis.
    apps = [create_app(overrides), create_app(overrides)]
    for a in apps:
        a.config["PROPAGATE_EXCEPTIONS"] = True
    first, second = (a.test_client() for a in apps)
    codes = [c.post("/account/login", data={"email": user.email, "password": "wrong-password-1"}).status_code
             for c in (first, second, first, second)]
    assert codes == [400, 400, 400, 429]  # a failed sign-in answers 400, the fourth attempt is refused


def test_rq_import_jobs_get_a_timeout_sized_to_the_file(app, redis_url, tmp_path):
    queue = RQQueue(redis_url)
    job_id = queue.enqueue(import_tasks.JOB, job_timeout=import_tasks.job_timeout(6_000_000), run_id=1)
    job = Job.fetch(job_id, connection=Redis.from_url(redis_url))
    assert job.timeout >= 6_000  # RQ's default of 180 s killed a 12,000-row import
    mail = Job.fetch(queue.enqueue("techmarket.core.mail.deliver", to="a@example.cn", subject="s", body="b"),
                     connection=Redis.from_url(redis_url))
    assert mail.timeout == jobs.DEFAULT_TIMEOUT


def test_rq_import_runs_in_the_worker_with_live_progress(app, make, redis_url, tmp_path):
    operator = make.user(Role.OPERATOR, language="en")
    org = make.org(status="verified")
    rq_app = create_app({**_overrides(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path),
                         "JOBS_BACKEND": "rq", "REDIS_URL": redis_url})
    client = rq_app.test_client()
    assert client.post("/account/login", data={"email": operator.email, "password": "Sekret-pass-42"}
                       ).status_code == 302
    rows = table([achievement(org.credit_code or "", title=f"队列导入 {i}") for i in range(5)])
    resp = upload(client, csv_file(rows), "rq.csv")
    assert resp.status_code == 302
    run_id = int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert client.get(f"/admin/imports/{run_id}.json").get_json()["status"] == "queued"
    jobs.work(rq_app, burst=True)
    state = client.get(f"/admin/imports/{run_id}.json").get_json()
    assert (state["status"], state["created"], state["done"]) == ("done", 5, 5)
