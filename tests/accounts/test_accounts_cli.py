"""``techmarket accounts create-admin EMAIL``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from techmarket.accounts import throttle
from techmarket.accounts.models import LoginThrottle, User, UserLogin
from techmarket.core.clock import utcnow
from techmarket.core.roles import Role
from techmarket.extensions import db
from tests.accounts.support import reread

ADMIN_PW = "Ordos-Admin-2024!"


def users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def test_create_admin_with_the_password_prompted_twice(app, runner):
    result = runner.invoke(args=["accounts", "create-admin", "Boss@Example.CN", "--name", "管理员"],
                           input=f"{ADMIN_PW}\n{ADMIN_PW}\n")
    assert result.exit_code == 0, result.output
    assert "boss@example.cn" in result.output
    assert ADMIN_PW not in result.output  # the prompt hides what is typed
    reread()
    admin = db.session.scalar(select(User).where(User.email == "boss@example.cn"))
    assert admin.name == "管理员"
    assert admin.roles == {Role.ADMIN, Role.OPERATOR}
    assert admin.is_confirmed
    # and the new admin reaches the console through the web
    c = app.test_client()
    assert c.post("/account/login", data={"email": "boss@example.cn", "password": ADMIN_PW}).status_code == 302
    assert c.get("/admin/organisations").status_code == 200
    assert c.get("/admin/users").status_code == 200


def test_create_admin_with_the_password_option(runner):
    result = runner.invoke(args=["accounts", "create-admin", "root@example.cn", "--password", ADMIN_PW])
    assert result.exit_code == 0, result.output
    reread()
    assert db.session.scalar(select(User).where(User.email == "root@example.cn")).has_role(Role.ADMIN)


def test_create_admin_with_the_password_from_the_environment(runner):
    result = runner.invoke(args=["accounts", "create-admin", "env@example.cn"],
                           env={"TECHMARKET_ADMIN_PASSWORD": ADMIN_PW})
    assert result.exit_code == 0, result.output
    assert users() == 1


def test_create_admin_promotes_an_existing_user_keeping_the_password(app, runner, make):
    user = make.user(Role.ENTERPRISE)
    result = runner.invoke(args=["accounts", "create-admin", user.email, "--password", "ignored-Pass-99"])
    assert result.exit_code == 0, result.output
    reread()
    fresh = db.session.get(User, user.id)
    assert fresh.roles == {Role.ENTERPRISE, Role.ADMIN, Role.OPERATOR}
    assert users() == 1


def test_create_admin_with_a_weak_password_fails_and_creates_nothing(runner):
    result = runner.invoke(args=["accounts", "create-admin", "weak@example.cn", "--password", "12345"])
    assert result.exit_code != 0
    assert "password" in result.output.lower()
    assert "Traceback" not in result.output
    assert users() == 0


def test_create_admin_with_mismatched_prompts_fails(runner):
    result = runner.invoke(args=["accounts", "create-admin", "typo@example.cn"],
                           input=f"{ADMIN_PW}\n{ADMIN_PW}x\n")
    assert result.exit_code != 0
    assert users() == 0


def test_create_admin_with_an_invalid_email_fails(runner):
    result = runner.invoke(args=["accounts", "create-admin", "not-an-email", "--password", ADMIN_PW])
    assert result.exit_code != 0
    assert "email" in result.output.lower()
    assert users() == 0


def test_sign_out_ends_every_sign_in_of_one_account(runner, make, signin):
    user, other = make.user(), make.user()
    theirs, mine = signin(user, remember="y"), signin(other)
    result = runner.invoke(args=["accounts", "sign-out", user.email.upper()])
    assert result.exit_code == 0, result.output
    assert theirs.get("/account/").status_code == 302
    theirs.delete_cookie("session")
    assert theirs.get("/account/").status_code == 302
    assert mine.get("/account/").status_code == 200
    result = runner.invoke(args=["accounts", "sign-out", "nobody@example.cn"])
    assert result.exit_code != 0 and "nobody@example.cn" in result.output


def test_prune_deletes_only_ended_sign_ins_and_forgotten_counts(app, runner, make, signin):
    user = make.user()
    live, ended = signin(user), signin(user)
    for email in ("old@example.cn", "new@example.cn"):
        app.test_client().post("/account/login", data={"email": email, "password": "Wrong-pass-42"})
    newest = db.session.scalar(select(func.max(UserLogin.id)))  # the sign-in of ``ended``
    db.session.execute(update(UserLogin).where(UserLogin.id == newest).values(expires_at=UserLogin.created_at))
    db.session.execute(update(LoginThrottle).where(LoginThrottle.key == throttle.key_for("old@example.cn"))
                       .values(last_failure_at=utcnow() - dt.timedelta(days=2)))
    db.session.commit()
    result = runner.invoke(args=["accounts", "prune"])
    assert result.exit_code == 0, result.output
    assert "1 ended sign-in(s) and 1 failed sign-in count(s) deleted" in result.output
    reread()
    assert db.session.scalars(select(LoginThrottle.key)).all() == [throttle.key_for("new@example.cn")]
    assert live.get("/account/").status_code == 200
    assert ended.get("/account/").status_code == 302
