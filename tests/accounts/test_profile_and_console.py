"""The user's own profile, the confirmation resend, and the operator's user management in the console."""

from __future__ import annotations

from techmarket.accounts.models import User
from techmarket.core.roles import Role
from techmarket.extensions import db
from tests.accounts.support import field_error, field_value, link_in, mails, reread
from tests.factories import PASSWORD


def fresh(user: User) -> User:
    reread()
    return db.session.get(User, user.id)


def test_profile_saves_name_and_language_and_the_site_follows(make, signin):
    user = make.user()
    c = signin(user)
    resp = c.post("/account/", data={"name": "Bayar", "language": "en"})
    assert resp.status_code == 302
    after = fresh(user)
    assert (after.name, after.language) == ("Bayar", "en")
    assert '<html lang="en">' in c.get("/account/").get_data(as_text=True)


def test_profile_refuses_bad_input_and_keeps_it(make, signin):
    user = make.user(name="原名")
    c = signin(user)
    resp = c.post("/account/", data={"name": "名" * 101, "language": "en"})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert field_error(page, "name")
    assert field_value(page, "name") == "名" * 101
    assert c.post("/account/", data={"name": "新名", "language": "klingon"}).status_code == 400
    assert c.post("/account/", data={"name": "   ", "language": "en"}).status_code == 400
    assert fresh(user).name == "原名"


def test_unconfirmed_user_can_have_the_link_sent_again(make, signin):
    user = make.user(confirmed=False)
    c = signin(user)
    assert c.post("/account/confirm/resend").status_code == 302
    sent = mails(make)
    assert [m["To"] for m in sent] == [user.email]
    assert c.get(link_in(sent[0], "/account/confirm/")).status_code == 302
    assert fresh(user).is_confirmed
    # once confirmed, nothing more is sent
    assert c.post("/account/confirm/resend").status_code == 302
    assert len(mails(make)) == 1


def test_resending_is_rate_limited(make, signin):
    c = signin(make.user(confirmed=False))
    statuses = [c.post("/account/confirm/resend").status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    assert len(mails(make)) == 5


def test_operator_deactivates_a_user_who_is_signed_out_and_cannot_sign_in(app, make, signin):
    user = make.user()
    victim = signin(user)
    op = signin(make.operator())
    resp = op.post(f"/admin/users/{user.id}", data={"which": "active"})  # the box unticked
    assert resp.status_code == 302
    assert not fresh(user).active
    assert victim.get("/account/").status_code == 302
    resp = app.test_client().post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 400
    op.post(f"/admin/users/{user.id}", data={"which": "active", "active-active": "y"})
    assert fresh(user).active


def test_operator_grants_ordinary_roles_but_not_operator_or_admin(make, signin):
    user = make.user()
    op = signin(make.operator())
    resp = op.post(f"/admin/users/{user.id}", data={"which": "roles", "roles-roles": ["researcher", "expert"]})
    assert resp.status_code == 302
    assert fresh(user).roles == {Role.RESEARCHER, Role.EXPERT}
    resp = op.post(f"/admin/users/{user.id}", data={"which": "roles", "roles-roles": ["researcher", "operator"]})
    assert resp.status_code == 403
    assert fresh(user).roles == {Role.RESEARCHER, Role.EXPERT}
    resp = op.post(f"/admin/users/{user.id}", data={"which": "roles", "roles-roles": ["nonsense"]})
    assert resp.status_code == 400
    assert fresh(user).roles == {Role.RESEARCHER, Role.EXPERT}


def test_admin_grants_operator(make, signin):
    user = make.user()
    admin = signin(make.user(Role.ADMIN))
    resp = admin.post(f"/admin/users/{user.id}", data={"which": "roles", "roles-roles": ["operator"]})
    assert resp.status_code == 302
    assert fresh(user).roles == {Role.OPERATOR}
    assert signin(user).get("/admin/organisations").status_code == 200


def test_operator_cannot_deactivate_themself_or_an_admin(make, signin):
    operator = make.operator()
    admin = make.user(Role.ADMIN)
    op = signin(operator)
    assert op.post(f"/admin/users/{operator.id}", data={"which": "active"}).status_code == 409
    assert op.post(f"/admin/users/{admin.id}", data={"which": "active"}).status_code == 403
    assert fresh(operator).active and fresh(admin).active


def test_user_search_in_the_console(make, signin):
    make.user(email="ganbaatar@example.cn", name="甘巴特尔")
    make.user(email="other@example.cn", name="其他人")
    op = signin(make.operator())
    page = op.get("/admin/users", query_string={"q": "甘巴"}).get_data(as_text=True)
    assert "ganbaatar@example.cn" in page and "other@example.cn" not in page
    assert op.get("/admin/users", query_string={"q": "%_%' --", "page": "x"}).status_code == 200


def test_outbox_shows_the_messages_sent(make, signin):
    user = make.user(confirmed=False)
    signin(user).post("/account/confirm/resend")
    page = signin(make.operator()).get("/admin/outbox").get_data(as_text=True)
    assert user.email in page
    assert "/account/confirm/" in page
