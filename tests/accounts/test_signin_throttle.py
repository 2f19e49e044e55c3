"""Failed sign-ins are counted per email address in the database: every web worker sees the same count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update

from techmarket.accounts import throttle
from techmarket.accounts.models import LoginThrottle
from techmarket.app import create_app
from techmarket.core.clock import utcnow
from techmarket.extensions import db
from tests.accounts.support import form_errors, isolate_requests, link_in, mails, reread
from tests.conftest import _overrides
from tests.factories import PASSWORD

WRONG = "Wrong-pass-42"


def attempt(client, email: str, password: str, ip: str = "127.0.0.1", lang: str = "en"):
    return client.post("/account/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip}, headers={"Accept-Language": lang})


@pytest.fixture()
def second_worker(app: Flask, database: tuple[str, str], tmp_path: Path) -> Iterator[Flask]:
    """Another application on the same database: what a second gunicorn worker is (its own memory://
    rate-limit counters)."""
    _kind, url = database
    other = create_app(_overrides(url, tmp_path / "second"))
    isolate_requests(other)
    other.config["LOGIN_RATE_LIMIT"] = app.config["LOGIN_RATE_LIMIT"] = "10 per minute"
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_two_workers_share_one_count_per_account(app, second_worker, make):
    """Before: each worker let 10 wrong passwords a minute through, so N workers gave N times the limit."""
    user = make.user()
    clients = [app.test_client(), second_worker.test_client()]
    answers = [attempt(clients[i % 2], user.email, WRONG) for i in range(20)]
    statuses = [r.status_code for r in answers]
    checked = sum("Wrong email or password" in (form_errors(r.get_data(as_text=True)) or "") for r in answers)
    assert checked == 5, statuses  # LOGIN_LOCKOUT_AFTER password checks, whatever the number of workers
    assert statuses == [400] * 4 + [429] * 16


def test_the_lock_holds_for_every_client_address_and_even_the_right_password(app, make):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    user = make.user()
    for i in range(5):
        assert attempt(app.test_client(), user.email, WRONG, ip=f"10.0.0.{i}").status_code == (400 if i < 4 else 429)
    resp = attempt(app.test_client(), user.email, PASSWORD, ip="10.9.9.9")
    assert resp.status_code == 429
    assert 55 <= int(resp.headers["Retry-After"]) <= 60
    message = form_errors(resp.get_data(as_text=True))
    assert "Try again in 1 minute" in message, message
    assert "Wrong email or password" not in message  # the password was not even checked


def test_the_wait_is_told_in_the_visitors_language(app, make):
    user = make.user()
    for _ in range(5):
        attempt(app.test_client(), user.email, WRONG, lang="zh-CN")
    resp = attempt(app.test_client(), user.email, WRONG, lang="zh-CN")
    assert resp.status_code == 429
    message = form_errors(resp.get_data(as_text=True))
    assert "1分钟" in message and "后再试" in message, message
    page = resp.get_data(as_text=True)
    assert f'value="{user.email}"' in page  # the address typed is kept


def test_the_failure_that_locks_says_so_at_once(app, make):
    user = make.user()
    for _ in range(4):
        assert attempt(app.test_client(), user.email, WRONG).status_code == 400
    resp = attempt(app.test_client(), user.email, WRONG)
    assert resp.status_code == 429
    message = form_errors(resp.get_data(as_text=True))
    assert "Wrong email or password" in message and "Try again in 1 minute" in message


def test_unknown_addresses_are_locked_the_same_way(app, make):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    known = make.user()
    answers = {}
    for email in (known.email, "nobody@example.cn"):
        statuses = [attempt(app.test_client(), email, WRONG).status_code for _ in range(6)]
        last = attempt(app.test_client(), email, WRONG)
        answers[email] = (statuses, last.status_code, form_errors(last.get_data(as_text=True)))
    assert answers[known.email] == answers["nobody@example.cn"]


def test_a_successful_sign_in_resets_the_count(app, make):
    user = make.user()
    for _ in range(4):
        attempt(app.test_client(), user.email, WRONG)
    assert attempt(app.test_client(), user.email, PASSWORD).status_code == 302
    for _ in range(4):
        assert attempt(app.test_client(), user.email, WRONG).status_code == 400
    assert attempt(app.test_client(), user.email, PASSWORD).status_code == 302


def _expire_lock(email: str) -> None:
    db.session.execute(update(LoginThrottle).where(LoginThrottle.key == throttle.key_for(email))
                       .values(locked_until=utcnow() - dt.timedelta(seconds=1)))
    db.session.commit()


def test_the_lock_ends_and_doubles_with_each_further_failure(app, make):
    user = make.user()
    for _ in range(5):
        attempt(app.test_client(), user.email, WRONG)
    _expire_lock(user.email)
    resp = attempt(app.test_client(), user.email, WRONG)  # allowed again, checked, and locks for longer
    assert resp.status_code == 429
    assert 115 <= int(resp.headers["Retry-After"]) <= 120
    _expire_lock(user.email)
    assert attempt(app.test_client(), user.email, PASSWORD).status_code == 302
    reread()
    assert db.session.scalar(select(LoginThrottle)) is None


def test_the_longest_lock_is_capped(app, make):
    app.config["LOGIN_LOCKOUT_MAX_SECONDS"] = 300
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    for _ in range(12):
        _expire_lock("x@example.cn")
        resp = attempt(app.test_client(), "x@example.cn", WRONG)
    assert resp.status_code == 429
    assert 295 <= int(resp.headers["Retry-After"]) <= 300


def test_old_failures_are_forgotten(app, make):
    user = make.user()
    for _ in range(4):
        attempt(app.test_client(), user.email, WRONG)
    db.session.execute(update(LoginThrottle).values(last_failure_at=utcnow() - dt.timedelta(hours=25)))
    db.session.commit()
    for _ in range(4):
        assert attempt(app.test_client(), user.email, WRONG).status_code == 400


def test_a_password_reset_lifts_the_lock(app, client, make):
    user = make.user()
    for _ in range(5):
        attempt(app.test_client(), user.email, WRONG)
    client.post("/account/forgot", data={"email": user.email})
    path = link_in(mails(make)[0], "/account/reset/")
    new = "Xilamuren-88-grass"
    assert client.post(path, data={"password": new, "confirm": new}).status_code == 302
    assert attempt(app.test_client(), user.email, new).status_code == 302


def test_only_a_digest_of_the_address_is_stored(app, make):
    attempt(app.test_client(), "Secret.Person@Example.CN", WRONG)
    row = db.session.scalar(select(LoginThrottle))
    assert row is not None and "secret" not in row.key.lower()
    assert row.key == throttle.key_for("secret.person@example.cn")
