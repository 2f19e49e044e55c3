"""Signing in and out: uniform errors, deactivation, remember me, rate limit, safe redirects."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from techmarket.accounts import services as accounts
from techmarket.accounts.models import User
from techmarket.core.actor import Actor
from techmarket.extensions import db
from tests.accounts.support import form_errors, reread
from tests.factories import PASSWORD


def signed_in(client) -> bool:
    resp = client.get("/account/")
    return resp.status_code == 200


def test_login_with_the_right_password_signs_in(client, make):
    user = make.user()
    resp = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"
    assert signed_in(client)
    reread()
    assert db.session.get(User, user.id).last_login_at is not None


def test_login_email_is_case_and_space_insensitive(client, make):
    user = make.user(email="wang.wu@example.cn")
    resp = client.post("/account/login", data={"email": "  Wang.Wu@Example.CN ", "password": PASSWORD})
    assert resp.status_code == 302
    assert signed_in(client)
    assert user.id


def test_wrong_password_unknown_email_and_deactivated_give_the_same_message(client, make):
    user = make.user()
    gone = make.user()
    accounts.set_active(db.session, Actor.system("test"), gone, False)
    db.session.commit()
    answers = []
    for email, password in (
        (user.email, "Wrong-pass-42"),
        ("nobody@example.cn", PASSWORD),
        (gone.email, PASSWORD),
    ):
        resp = client.post("/account/login", data={"email": email, "password": password})
        assert resp.status_code == 400, email
        page = resp.get_data(as_text=True)
        message = form_errors(page)
        assert message, email
        answers.append(message)
        assert not signed_in(client)
    assert answers[0] == answers[1] == answers[2]


def test_deactivated_user_is_signed_out_of_an_open_session(app, client, make, login):
    user = make.user()
    login(user)
    assert signed_in(client)
    accounts.set_active(db.session, Actor.system("test"), db.session.get(User, user.id), False)
    db.session.commit()
    resp = client.get("/account/")
    assert resp.status_code == 302
    assert "/account/login" in resp.headers["Location"]


def test_remember_me_sets_a_lasting_http_only_cookie(client, make):
    user = make.user()
    resp = client.post("/account/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert resp.status_code == 302
    cookies = resp.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember, cookies
    assert "HttpOnly" in remember[0]
    assert "Expires=" in remember[0]
    # the remember cookie alone brings the user back once the session is gone
    client.delete_cookie("session")
    assert signed_in(client)


def test_without_remember_me_there_is_no_remember_cookie(client, make):
    user = make.user()
    resp = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert not [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    client.delete_cookie("session")
    assert not signed_in(client)


def test_logout_requires_post(client, make, login):
    login(make.user())
    resp = client.get("/account/logout")
    assert resp.status_code == 405
    assert signed_in(client)
    resp = client.post("/account/logout")
    assert resp.status_code == 302
    assert not signed_in(client)


def test_logout_forgets_the_remember_cookie(client, make):
    user = make.user()
    client.post("/account/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None
    client.post("/account/logout")
    assert not signed_in(client)  # the remember cookie must not sign the user straight back in
    assert client.get_cookie("remember_token") is None


def test_logout_keeps_the_chosen_language(client, make, login):
    login(make.user(language="en"))
    client.post("/account/logout")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page


def test_login_rate_limit_answers_429_with_a_friendly_page(app, client, make):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    user = make.user()
    for _ in range(3):
        resp = client.post("/account/login", data={"email": user.email, "password": "Wrong-pass-42"})
        assert resp.status_code == 400
    resp = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 429
    page = resp.get_data(as_text=True)
    assert "<html lang=" in page
    assert 'class="display-4 text-muted">429</p>' in page
    assert "Traceback" not in page
    assert not signed_in(client)
    # reading the form is not limited
    assert client.get("/account/login").status_code == 200


def test_default_login_rate_limit_comes_from_the_configuration(app, client, make):
    limit = app.config["LOGIN_RATE_LIMIT"]
    per_minute = int(re.match(r"\s*(\d+)\s+per\s+minute", limit).group(1))
    # an empty password is refused by the form before any hashing, yet the attempt still counts
    statuses = [
        client.post("/account/login", data={"email": "nobody@example.cn", "password": ""}).status_code
        for _ in range(per_minute + 1)
    ]
    assert statuses[:per_minute] == [400] * per_minute
    assert statuses[-1] == 429
    assert make.user()  # the site still works for others


@pytest.mark.parametrize("target", [
    "//evil.example/",
    "//evil.example",
    "https://evil.example/",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",  # browsers drop tabs and newlines: this would become //evil.example
    "/\n/evil.example",
    " //evil.example",
])
def test_next_parameter_cannot_redirect_off_site(client, make, target):
    user = make.user()
    resp = client.post("/account/login", query_string={"next": target},
                       data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert location == "/", location


def test_next_parameter_on_this_site_is_followed(client, make):
    user = make.user()
    resp = client.post("/account/login", query_string={"next": "/orgs/"},
                       data={"email": user.email, "password": PASSWORD})
    assert resp.headers["Location"] == "/orgs/"


def test_login_required_page_sends_to_login_with_next(client):
    resp = client.get("/orgs/")
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/account/login?next=")


def test_signed_in_user_is_sent_home_from_login(client, make, login):
    login(make.user())
    assert client.get("/account/login").status_code == 302
    user = db.session.scalar(select(User))
    assert user is not None
