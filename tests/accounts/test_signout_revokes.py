"""Signing out is enforced by the server: copies of the session and remember-me cookies stop working."""

from __future__ import annotations

import datetime as dt
import re

from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from techmarket.accounts.models import User, UserLogin
from techmarket.core.audit import AuditEntry
from techmarket.extensions import db
from tests.accounts.support import link_in, mails, reread
from tests.factories import PASSWORD

NEW = "Xilamuren-88-grass"


def signed_in(client: FlaskClient) -> bool:
    return client.get("/account/").status_code == 200


def copy_cookies(source: FlaskClient, target: FlaskClient, *names: str) -> None:
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, name
        target.set_cookie(name, cookie.value)


def test_a_session_cookie_copied_before_sign_out_opens_nothing_after(app, make, signin):
    """Before: the signed cookie still opened /account/ after the owner signed out."""
    user = make.user()
    browser = signin(user)
    thief = app.test_client()
    copy_cookies(browser, thief, "session")
    assert signed_in(thief)
    assert browser.post("/account/logout").status_code == 302
    assert not signed_in(browser)
    assert not signed_in(thief)


def test_a_remember_me_cookie_copied_before_sign_out_opens_nothing_after(app, make, signin):
    user = make.user()
    browser = signin(user, remember="y")
    thief = app.test_client()
    copy_cookies(browser, thief, "remember_token")
    assert signed_in(thief)  # the remember cookie alone signs in ...
    browser.post("/account/logout")
    fresh = app.test_client()
    copy_cookies(thief, fresh, "remember_token")
    assert not signed_in(fresh)  # ... until its owner signs out


def test_signing_out_one_browser_leaves_the_others_signed_in(make, signin):
    user = make.user()
    office, home = signin(user), signin(user)
    office.post("/account/logout")
    assert not signed_in(office)
    assert signed_in(home)


def test_sign_out_everywhere_ends_every_session_and_remember_cookie(app, make, signin):
    user = make.user()
    here = signin(user)
    elsewhere = signin(user)
    remembered = signin(user, remember="y")
    copied = app.test_client()
    copy_cookies(remembered, copied, "remember_token")
    page = here.get("/account/").get_data(as_text=True)
    assert 'data-testid="sign-out-everywhere"' in page
    assert re.search(r"signed in on 3 browsers|3 个浏览器", page), page
    resp = here.post("/account/sign-out-everywhere")
    assert resp.status_code == 302
    for c in (here, elsewhere, remembered, copied):
        assert not signed_in(c)
    assert db.session.scalar(select(func.count()).select_from(UserLogin)) == 0
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == str(user.id))).all()
    assert "sign_out_everywhere" in actions
    assert signed_in(signin(user))  # signing in again works


def test_sign_out_everywhere_needs_post_and_a_sign_in(client, make, login):
    assert client.post("/account/sign-out-everywhere").headers["Location"].startswith("/account/login")
    login(make.user())
    assert client.get("/account/sign-out-everywhere").status_code == 405
    assert signed_in(client)


def test_a_password_change_elsewhere_ends_copied_session_and_remember_cookies(app, make, signin):
    user = make.user()
    remembered = signin(user, remember="y")
    session_copy, remember_copy = app.test_client(), app.test_client()
    copy_cookies(remembered, session_copy, "session")
    copy_cookies(remembered, remember_copy, "remember_token")
    other = signin(user)
    resp = other.post("/account/password", data={"current_password": PASSWORD, "password": NEW, "confirm": NEW})
    assert resp.status_code == 302
    assert signed_in(other)
    for c in (remembered, session_copy, remember_copy):
        assert not signed_in(c)


def test_changing_the_password_keeps_this_browsers_remember_me(app, make, signin):
    user = make.user()
    browser = signin(user, remember="y")
    browser.post("/account/password", data={"current_password": PASSWORD, "password": NEW, "confirm": NEW})
    browser.delete_cookie("session")
    assert signed_in(browser)


def test_a_password_reset_ends_every_sign_in(app, make, signin):
    user = make.user()
    remembered = signin(user, remember="y")
    app.test_client().post("/account/forgot", data={"email": user.email})
    path = link_in(mails(make)[0], "/account/reset/")
    assert app.test_client().post(path, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert not signed_in(remembered)
    remembered.delete_cookie("session")
    assert not signed_in(remembered)


def test_remember_me_lasts_thirty_days_at_most(app, make, signin):
    user = make.user()
    resp = app.test_client().post("/account/login",
                                  data={"email": user.email, "password": PASSWORD, "remember": "y"})
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    expires = re.search(r"Expires=([^;]+)", cookie).group(1)
    lasts = dt.datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=dt.UTC) - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=29) < lasts <= dt.timedelta(days=30)
    assert app.config["REMEMBER_COOKIE_DURATION"] == dt.timedelta(days=30)


def test_the_server_ends_a_sign_in_after_thirty_days_whatever_the_cookie_says(make, signin):
    user = make.user()
    browser = signin(user, remember="y")
    db.session.execute(update(UserLogin).values(expires_at=UserLogin.created_at))
    db.session.commit()
    assert not signed_in(browser)
    browser.delete_cookie("session")
    assert not signed_in(browser)


def test_the_token_is_stored_only_as_a_digest(make, signin):
    user = make.user()
    browser = signin(user, remember="y")
    reread()
    stored = db.session.scalar(select(UserLogin.token_hash))
    cookie = browser.get_cookie("remember_token").value
    token = cookie.split("|")[0].rsplit(":", 1)[-1]
    assert len(token) >= 40 and token not in stored and len(stored) == 64
    assert db.session.get(User, user.id).login_token is None


def test_a_forged_or_old_style_id_signs_nobody_in(app, make):
    user = make.user()
    c = app.test_client()
    with c.session_transaction() as sess:
        sess["_user_id"] = f"{user.id}:{user.auth_version}"  # the id before sign-ins were recorded
        sess["_fresh"] = True
    assert not signed_in(c)
    with c.session_transaction() as sess:
        sess["_user_id"] = f"{user.id}:{user.auth_version}:made-up-token"
    assert not signed_in(c)
