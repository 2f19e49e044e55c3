"""Registration and email confirmation through the real HTTP stack."""

from __future__ import annotations

from sqlalchemy import func, select

from techmarket.accounts.models import User
from techmarket.core.audit import AuditEntry
from techmarket.core.roles import Role
from techmarket.extensions import db
from tests.accounts.support import field_error, field_value, link_in, mails
from tests.factories import PASSWORD

GOOD = {
    "email": "Zhang.San@Example.CN",
    "name": "张三",
    "password": "Caoyuan-2024-keji",
    "confirm": "Caoyuan-2024-keji",
    "language": "zh_Hans_CN",
    "role": "researcher",
}


def users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def audit_entries() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_register_creates_an_unconfirmed_researcher_and_asks_to_confirm_then_sign_in(client, make):
    resp = client.post("/account/register", data=GOOD)
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/account/login"
    user = db.session.scalar(select(User))
    assert user is not None
    assert user.email == "zhang.san@example.cn"  # normalised
    assert user.name == "张三"
    assert user.roles == {Role.RESEARCHER}
    assert not user.is_confirmed
    assert user.password_hash.startswith("scrypt:")
    assert "Caoyuan-2024-keji" not in user.password_hash
    # not signed in: a taken address must get the very same answer (see below)
    assert client.get("/account/").status_code == 302
    page = client.get("/account/login").get_data(as_text=True)
    assert "zhang.san@example.cn" in page
    login = client.post("/account/login", data={"email": GOOD["email"], "password": GOOD["password"]})
    assert login.status_code == 302
    assert 'data-testid="email-unconfirmed"' in client.get("/account/").get_data(as_text=True)


def test_register_get_shows_the_form(client):
    resp = client.get("/account/register")
    assert resp.status_code == 200
    assert 'data-testid="register-form"' in resp.get_data(as_text=True)


def test_confirmation_email_lands_in_the_outbox_and_its_link_confirms(client, make):
    client.post("/account/register", data=GOOD)
    sent = mails(make)
    assert len(sent) == 1
    assert sent[0]["To"] == "zhang.san@example.cn"
    path = link_in(sent[0], "/account/confirm/")
    resp = client.get(path)
    assert resp.status_code == 302
    user = db.session.scalar(select(User))
    db.session.refresh(user)
    assert user.is_confirmed
    assert resp.headers["Location"] == "/account/login"
    client.post("/account/login", data={"email": GOOD["email"], "password": GOOD["password"]})
    assert 'data-testid="email-confirmed"' in client.get("/account/").get_data(as_text=True)
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert actions == ["register", "confirm_email"]


def test_confirmation_link_works_when_signed_out(app, client, make):
    client.post("/account/register", data=GOOD)
    path = link_in(mails(make)[0], "/account/confirm/")
    resp = app.test_client().get(path)
    assert resp.status_code == 302
    assert "/account/login" in resp.headers["Location"]
    assert db.session.scalar(select(User)).is_confirmed


def test_forged_confirmation_link_confirms_nothing(client, make):
    client.post("/account/register", data=GOOD)
    path = link_in(mails(make)[0], "/account/confirm/")
    forged = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    resp = client.get(forged)
    assert resp.status_code == 302
    assert not db.session.scalar(select(User)).is_confirmed
    resp = client.get("/account/confirm/not-a-token-at-all")
    assert resp.status_code == 302
    assert not db.session.scalar(select(User)).is_confirmed


def test_confirmation_link_for_a_changed_address_is_refused(client, make):
    client.post("/account/register", data=GOOD)
    path = link_in(mails(make)[0], "/account/confirm/")
    user = db.session.scalar(select(User))
    user.email = "other@example.cn"
    db.session.commit()
    resp = client.get(path)
    assert resp.status_code == 404
    db.session.refresh(user)
    assert not user.is_confirmed


def _answer(client, data: dict) -> tuple[int, str, str]:
    """Status, redirect and the message shown after it: everything the visitor learns."""
    resp = client.post("/account/register", data=data)
    location = resp.headers.get("Location", "")
    page = client.get(location).get_data(as_text=True) if location else resp.get_data(as_text=True)
    message = page.split('role="alert">', 1)[1].split("</div>", 1)[0] if 'role="alert">' in page else page
    return resp.status_code, location, message


def test_a_taken_address_gets_the_same_answer_as_a_new_one(app, make):
    make.user(email="zhang.san@example.cn", name="张三丰", language="en")
    before = users(), audit_entries()
    taken = _answer(app.test_client(), dict(GOOD, name="李四"))
    assert (users(), audit_entries()) == before  # nothing changed
    fresh = _answer(app.test_client(), dict(GOOD, email="li.si@example.cn", name="李四"))
    assert users() == before[0] + 1
    assert taken[:2] == fresh[:2] == (302, "/account/login")
    assert taken[2].replace("zhang.san@example.cn", "li.si@example.cn") == fresh[2]
    assert "已注册" not in taken[2] and "already" not in taken[2]


def test_the_owner_of_a_taken_address_is_mailed_in_their_language_instead(client, make):
    owner = make.user(email="zhang.san@example.cn", language="en")
    client.post("/account/register", data=dict(GOOD, email="ZHANG.SAN@EXAMPLE.CN", password="Other-pass-2024x",
                                                confirm="Other-pass-2024x"))
    sent = mails(make)
    assert [m["To"] for m in sent] == [owner.email]
    assert "register" in sent[0]["Subject"].lower()
    body = sent[0].get_content()
    assert "/account/confirm/" not in body
    assert "/account/forgot\n" in body and "/account/login\n" in body
    assert users() == 1
    db.session.refresh(owner)
    assert owner.name == "测试用户"  # the existing account is untouched; its password still works
    assert client.post("/account/login", data={"email": owner.email, "password": PASSWORD}).status_code == 302


def test_registering_is_rate_limited_per_client_address(app, make):
    app.config["REGISTER_RATE_LIMIT"] = "2 per hour"
    c = app.test_client()
    # refused forms do not count (fixing a typo is not an attempt) ...
    for _ in range(3):
        assert c.post("/account/register", data=dict(GOOD, confirm="differs-1234")).status_code == 400
    # ... accepted registrations do, new addresses and taken ones alike
    assert c.post("/account/register", data=GOOD).status_code == 302
    assert c.post("/account/register", data=GOOD).status_code == 302
    resp = c.post("/account/register", data=dict(GOOD, email="wang.wu@example.cn"))
    assert resp.status_code == 429
    assert "Traceback" not in resp.get_data(as_text=True)
    assert users() == 1
    assert c.get("/account/register").status_code == 200  # reading the form is not limited
    other = app.test_client()
    assert other.post("/account/register", data=dict(GOOD, email="zhao.liu@example.cn"),
                      environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 302


def test_default_registration_limit_comes_from_the_configuration(app, client):
    limit = app.config["REGISTER_RATE_LIMIT"]
    per_hour = int(limit.split(" per hour")[0])
    statuses = [client.post("/account/register", data=dict(GOOD, email=f"u{i}@example.cn")).status_code
                for i in range(per_hour + 1)]
    assert statuses == [302] * per_hour + [429]


def test_weak_passwords_are_refused_beside_the_password_field(client):
    for weak in ("short1!", "password123", "aaaaaaaaaaaa", "onlyletterslong", "zhang.san-2024"):
        resp = client.post("/account/register", data=dict(GOOD, password=weak, confirm=weak))
        assert resp.status_code == 400, weak
        page = resp.get_data(as_text=True)
        assert field_error(page, "password"), weak
        assert field_value(page, "name") == "张三"
    assert users() == 0


def test_mismatched_confirmation_is_refused(client):
    resp = client.post("/account/register", data=dict(GOOD, confirm="Caoyuan-2024-kejI"))
    assert resp.status_code == 400
    assert field_error(resp.get_data(as_text=True), "confirm")
    assert users() == 0


def test_over_long_name_is_refused(client):
    resp = client.post("/account/register", data=dict(GOOD, name="长" * 101))
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert field_error(page, "name")
    assert field_value(page, "email") == GOOD["email"]
    assert users() == 0


def test_over_long_email_and_password_are_refused(client):
    resp = client.post("/account/register", data=dict(GOOD, email="a" * 250 + "@example.cn"))
    assert resp.status_code == 400
    assert field_error(resp.get_data(as_text=True), "email")
    long_pw = "Ab1-" * 40
    resp = client.post("/account/register", data=dict(GOOD, password=long_pw, confirm=long_pw))
    assert resp.status_code == 400
    assert field_error(resp.get_data(as_text=True), "password")
    assert users() == 0


def test_invalid_email_is_refused_beside_the_field(client):
    for bad in ("not-an-email", "a@b", "张三@", "x@@example.cn"):
        resp = client.post("/account/register", data=dict(GOOD, email=bad))
        assert resp.status_code == 400, bad
        page = resp.get_data(as_text=True)
        assert field_error(page, "email"), bad
        assert field_value(page, "email") == bad
    assert users() == 0


def test_staff_roles_cannot_be_chosen_when_registering(client):
    for role in ("operator", "admin", "registrar", "nonsense"):
        resp = client.post("/account/register", data=dict(GOOD, role=role))
        assert resp.status_code == 400, role
    assert users() == 0


def test_missing_fields_are_refused_without_a_500(client):
    resp = client.post("/account/register", data={})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    for field in ("email", "name", "password", "confirm"):
        assert field_error(page, field), field
    assert users() == 0


def test_signed_in_user_is_sent_home_from_register(client, make, login):
    login(make.user())
    resp = client.get("/account/register")
    assert resp.status_code == 302
