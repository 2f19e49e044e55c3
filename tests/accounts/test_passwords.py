"""Password reset by emailed link and password change."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from techmarket.accounts import services as accounts
from techmarket.accounts.models import User
from techmarket.accounts.tasks import send_reset_link
from techmarket.core.actor import Actor
from techmarket.core.audit import AuditEntry
from techmarket.extensions import db
from tests.accounts.support import field_error, link_in, mails, reread
from tests.factories import PASSWORD

NEW = "Xilamuren-88-grass"
NEWER = "Hulunbuir-77-river"


def ask_reset(client, email: str):
    return client.post("/account/forgot", data={"email": email})


def can_sign_in(app, email: str, password: str) -> bool:
    resp = app.test_client().post("/account/login", data={"email": email, "password": password})
    return resp.status_code == 302


def test_password_reset_through_the_emailed_link(app, client, make):
    user = make.user(confirmed=False)
    version = user.auth_version
    resp = ask_reset(client, user.email)
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/account/login"
    sent = mails(make)
    assert [m["To"] for m in sent] == [user.email]
    path = link_in(sent[0], "/account/reset/")
    assert client.get(path).status_code == 200
    resp = client.post(path, data={"password": NEW, "confirm": NEW})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/account/login"
    reread()
    fresh = db.session.get(User, user.id)
    assert fresh.is_confirmed  # the link proved the address
    assert fresh.auth_version == version + 1
    assert can_sign_in(app, user.email, NEW)
    assert not can_sign_in(app, user.email, PASSWORD)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == str(user.id))).all()
    assert "reset_password" in actions


def test_reset_link_stops_working_after_use(app, client, make):
    user = make.user()
    ask_reset(client, user.email)
    path = link_in(mails(make)[0], "/account/reset/")
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302
    resp = client.post(path, data={"password": NEWER, "confirm": NEWER})
    assert resp.status_code == 404
    assert "<html lang=" in resp.get_data(as_text=True)
    assert can_sign_in(app, user.email, NEW)
    assert not can_sign_in(app, user.email, NEWER)


def test_older_reset_links_stop_working_once_one_is_used(client, make):
    user = make.user()
    ask_reset(client, user.email)
    ask_reset(client, user.email)
    first, second = (link_in(m, "/account/reset/") for m in mails(make))
    assert client.post(second, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert client.post(first, data={"password": NEWER, "confirm": NEWER}).status_code == 404


def test_forged_reset_tokens_are_rejected(app, client, make):
    user = make.user()
    reread()
    fingerprint = accounts.reset_fingerprint(db.session.get(User, user.id))
    forged = [
        "not-a-token",
        URLSafeTimedSerializer("some-other-secret-key-0123456789abcdef", salt="techmarket-reset")
        .dumps({"id": user.id, "fp": fingerprint}),
        # signed with the site's key but for another purpose (the confirmation salt)
        URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="techmarket-confirm")
        .dumps({"id": user.id, "fp": fingerprint}),
    ]
    for token in forged:
        assert client.get(f"/account/reset/{token}").headers["Location"] == "/account/forgot", token
        resp = client.post(f"/account/reset/{token}", data={"password": NEW, "confirm": NEW})
        assert resp.status_code == 302
        assert resp.headers["Location"] == "/account/forgot"
    # a well-signed token with the wrong fingerprint changes nothing either
    wrong_fp = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="techmarket-reset").dumps(
        {"id": user.id, "fp": "x" * 12})
    assert client.post(f"/account/reset/{wrong_fp}", data={"password": NEW, "confirm": NEW}).status_code == 404
    assert can_sign_in(app, user.email, PASSWORD)


@pytest.mark.parametrize(("hours_old", "works"), [(1, True), (3, False)])
def test_reset_link_expires_after_two_hours(app, client, make, hours_old, works):
    user = make.user()

    class Aged(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - hours_old * 3600

    reread()
    token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="techmarket-reset", signer=Aged).dumps(
        {"id": user.id, "fp": accounts.reset_fingerprint(db.session.get(User, user.id))})
    resp = client.post(f"/account/reset/{token}", data={"password": NEW, "confirm": NEW})
    assert resp.status_code == 302
    assert resp.headers["Location"] == ("/account/login" if works else "/account/forgot")
    assert can_sign_in(app, user.email, NEW if works else PASSWORD)


def test_reset_with_a_weak_or_mismatched_password_keeps_the_old_one(app, client, make):
    user = make.user()
    ask_reset(client, user.email)
    path = link_in(mails(make)[0], "/account/reset/")
    resp = client.post(path, data={"password": "short", "confirm": "short"})
    assert resp.status_code == 400
    assert field_error(resp.get_data(as_text=True), "password")
    resp = client.post(path, data={"password": NEW, "confirm": NEWER})
    assert resp.status_code == 400
    assert field_error(resp.get_data(as_text=True), "confirm")
    # the link still works after a failed attempt
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert can_sign_in(app, user.email, NEW)


def test_forgot_password_says_the_same_for_unknown_and_deactivated_addresses(client, make):
    real, gone = make.user(), make.user()
    accounts.set_active(db.session, Actor.system("test"), gone, False)
    db.session.commit()
    answers = []
    for email in ("nobody@example.cn", gone.email, real.email):
        resp = ask_reset(client, email)
        assert resp.status_code == 302
        page = client.get(resp.headers["Location"]).get_data(as_text=True)
        answers.append(page.split('role="alert">', 1)[1].split("</div>", 1)[0])
    assert answers[0] == answers[1] == answers[2]
    assert [m["To"] for m in mails(make)] == [real.email]  # only the active account got a message


def test_forgot_password_with_an_invalid_address_is_refused(client, make):
    resp = ask_reset(client, "")
    assert resp.status_code == 400
    assert field_error(resp.get_data(as_text=True), "email")
    assert mails(make) == []


def test_change_password_signs_out_other_sessions(app, make, signin):
    user = make.user()
    version = user.auth_version
    here = signin(user)
    elsewhere = signin(user)
    resp = here.post("/account/password",
                     data={"current_password": PASSWORD, "password": NEW, "confirm": NEW})
    assert resp.status_code == 302
    assert here.get("/account/").status_code == 200  # this session carries the new auth version
    resp = elsewhere.get("/account/")
    assert resp.status_code == 302
    assert "/account/login" in resp.headers["Location"]
    reread()
    assert db.session.get(User, user.id).auth_version == version + 1
    assert can_sign_in(app, user.email, NEW)


def test_change_password_also_voids_remember_me_cookies(make, signin):
    user = make.user()
    here = signin(user)
    remembered = signin(user, remember="y")
    remembered.delete_cookie("session")
    assert remembered.get("/account/").status_code == 200
    here.post("/account/password", data={"current_password": PASSWORD, "password": NEW, "confirm": NEW})
    remembered.delete_cookie("session")
    assert remembered.get("/account/").status_code == 302


def test_change_password_needs_the_current_one(app, make, signin):
    user = make.user()
    version = user.auth_version
    c = signin(user)
    resp = c.post("/account/password", data={"current_password": "Wrong-pass-1", "password": NEW, "confirm": NEW})
    assert resp.status_code == 400
    assert field_error(resp.get_data(as_text=True), "current_password")
    resp = c.post("/account/password", data={"current_password": PASSWORD, "password": "abc", "confirm": "abc"})
    assert resp.status_code == 400
    assert field_error(resp.get_data(as_text=True), "password")
    reread()
    assert db.session.get(User, user.id).auth_version == version
    assert c.get("/account/").status_code == 200
    assert can_sign_in(app, user.email, PASSWORD)


def test_password_pages_need_sign_in(client):
    assert client.get("/account/password").headers["Location"].startswith("/account/login")


def test_forgot_password_answers_alike_in_status_redirect_and_message(app, make):
    real = make.user(language="en")
    answers = []
    for email in (real.email, "nobody@example.cn"):
        c = app.test_client()
        resp = ask_reset(c, email)
        page = c.get(resp.headers["Location"]).get_data(as_text=True)
        answers.append((resp.status_code, resp.headers["Location"],
                        page.split('role="alert">', 1)[1].split("</div>", 1)[0]))
    assert answers[0] == answers[1]


def test_reset_requests_are_rate_limited_per_client_address(app, make):
    app.config["RESET_RATE_LIMIT"] = "2 per 15 minutes"
    user = make.user()
    c = app.test_client()
    assert [ask_reset(c, e).status_code for e in ("nobody@example.cn", user.email)] == [302, 302]
    resp = ask_reset(c, user.email)
    assert resp.status_code == 429
    assert "Traceback" not in resp.get_data(as_text=True)
    assert [m["To"] for m in mails(make)] == [user.email]  # the refused request sent nothing
    assert c.get("/account/forgot").status_code == 200  # reading the form is not limited
    other = app.test_client()
    assert other.post("/account/forgot", data={"email": user.email},
                      environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 302


def test_default_reset_limit_comes_from_the_configuration(app, client):
    per = int(app.config["RESET_RATE_LIMIT"].split(" per ")[0])
    statuses = [ask_reset(client, f"n{i}@example.cn").status_code for i in range(per + 1)]
    assert statuses == [302] * per + [429]


class RecordingQueue:
    """A job queue that only notes what was queued (as RQ would, before a worker runs it)."""

    name = "recording"

    def __init__(self) -> None:
        self.jobs: list[tuple[str, dict]] = []

    def enqueue(self, func_path: str, **kwargs: object) -> str:
        self.jobs.append((func_path, kwargs))
        return str(len(self.jobs))


def test_the_reset_request_does_the_same_work_for_every_address(app, make):
    """Before: the request looked the account up and rendered a mail only for real addresses (a timing
    difference); now it queues one job either way and the job looks the address up."""
    real = make.user(language="en")
    recording, inline = RecordingQueue(), app.extensions["techmarket.jobs"]
    app.extensions["techmarket.jobs"] = recording
    for email in (real.email, "nobody@example.cn"):
        assert ask_reset(app.test_client(), email).status_code == 302
    assert recording.jobs == [("techmarket.accounts.tasks.send_reset_link", {"email": real.email}),
                              ("techmarket.accounts.tasks.send_reset_link", {"email": "nobody@example.cn"})]
    assert mails(make) == []
    # what a worker then does, outside any request
    app.extensions["techmarket.jobs"] = inline
    assert send_reset_link("nobody@example.cn") is False
    assert send_reset_link(real.email.upper()) is True
    sent = mails(make)
    assert [m["To"] for m in sent] == [real.email]
    assert "Reset your password" in sent[0]["Subject"]
    assert f"{app.config['BASE_URL']}/account/reset/" in sent[0].get_content()
