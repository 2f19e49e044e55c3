"""Error pages in both languages, CSRF, security headers, cookie flags and configuration at start."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from techmarket.accounts.models import User
from techmarket.app import create_app
from techmarket.config import ConfigError, load_config
from techmarket.extensions import db
from techmarket.orgs.models import Organisation
from tests.accounts.support import isolate_requests
from tests.conftest import _overrides
from tests.factories import PASSWORD
from tests.orgs.support import org_form

REGISTER = {"email": "zhao.liu@example.cn", "name": "赵六", "password": "Caoyuan-2024-keji",
            "confirm": "Caoyuan-2024-keji", "language": "zh_Hans_CN", "role": "researcher"}


@pytest.fixture(autouse=True)
def _setup(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if "app" in request.fixturenames:
        isolate_requests(request.getfixturevalue("app"))


def html_lang(page: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', page)
    assert match, page[:200]
    return match.group(1)


def users() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(User)) or 0


# --- error pages -------------------------------------------------------------------------------------

def test_404_page_is_chinese_by_default_and_english_after_switching(client):
    resp = client.get("/no/such/page")
    assert resp.status_code == 404
    page = resp.get_data(as_text=True)
    assert html_lang(page) == "zh-CN"
    assert 'class="display-4 text-muted">404</p>' in page
    assert "Traceback" not in page
    resp = client.get("/lang/en", query_string={"next": "/no/such/page"})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/no/such/page"
    resp = client.get("/no/such/page")
    assert resp.status_code == 404
    page = resp.get_data(as_text=True)
    assert html_lang(page) == "en"
    assert "Page not found" in page
    client.get("/lang/zh_Hans_CN")
    assert html_lang(client.get("/no/such/page").get_data(as_text=True)) == "zh-CN"


def test_chinese_404_is_translated_once_the_catalog_is_compiled(client):
    catalog = Path(__file__).resolve().parents[2] / "src/techmarket/translations/zh_Hans_CN/LC_MESSAGES/messages.mo"
    if not catalog.exists():
        pytest.skip("the Chinese catalog is not compiled (make translations)")
    page = client.get("/no/such/page").get_data(as_text=True)
    assert "Page not found" not in page
    assert re.search(r"[\u4e00-\u9fff]", page.split("<main", 1)[1])


def test_browser_language_decides_for_visitors_who_did_not_choose(client):
    en = client.get("/no/such/page", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert html_lang(en) == "en"
    zh = client.get("/no/such/page", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert html_lang(zh) == "zh-CN"


def test_unknown_language_code_is_ignored(client):
    resp = client.get("/lang/xx")
    assert resp.status_code == 302
    assert html_lang(client.get("/").get_data(as_text=True)) == "zh-CN"


def test_language_switch_refuses_off_site_next(client):
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        resp = client.get("/lang/en", query_string={"next": target})
        assert resp.status_code == 302
        assert resp.headers["Location"] == "/", target


def test_wrong_method_is_a_friendly_405(client):
    resp = client.get("/account/logout")
    assert resp.status_code == 405
    assert 'class="display-4 text-muted">405</p>' in resp.get_data(as_text=True)


def test_error_pages_answer_json_to_json_clients(client):
    resp = client.get("/api/v1/no-such-thing", headers={"Accept": "application/json"})
    assert resp.status_code == 404
    assert resp.is_json
    assert resp.get_json()["error"] == {"status": 404, "code": "not_found", "message": "页面不存在"}
    resp = client.get("/account/logout", headers={"Accept": "application/json", "Accept-Language": "en"})
    assert resp.status_code == 405 and "POST" in resp.headers["Allow"]
    assert resp.get_json()["error"] == {"status": 405, "code": "method_not_allowed",
                                        "message": "That method is not allowed here"}


def test_hostile_urls_are_4xx_not_500(client, make, login):
    login(make.user())
    for path in ("/orgs/-1", "/orgs/abc/edit", "/orgs/2147483647", "/admin/users/0",
                 "/orgs/invitations/%00", "/account/reset/" + "A" * 5000, "/orgs/%E4%B8%AD/edit",
                 "/account/confirm/..%2F..%2Fetc%2Fpasswd"):
        resp = client.get(path)
        assert 300 <= resp.status_code < 500, (path, resp.status_code)


@pytest.mark.parametrize("huge", [2**31, 10**20])
def test_ids_beyond_the_integer_range_are_404_on_every_route(app, make, login, huge):
    client = login(make.operator())
    failures = []
    checked = 0
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if not ints:
            continue
        values = dict.fromkeys(rule.arguments, "x")
        values.update(dict.fromkeys(ints, huge))
        path = rule.rule
        for name, value in values.items():
            path = re.sub(rf"<[^>]*\b{name}>", str(value), path)
        method = "GET" if "GET" in (rule.methods or set()) else "POST"
        status = client.open(path, method=method).status_code
        checked += 1
        if status >= 500:
            failures.append(f"{method} {path}: {status}")
    assert failures == []
    assert checked > 10, "no route with an id was walked"


# --- CSRF ------------------------------------------------------------------------------------------

@pytest.fixture()
def csrf_app(app: Flask, database: tuple[str, str], tmp_path: Path) -> Iterator[Flask]:
    """The same database as ``app`` (cleaned by it), with CSRF protection on as in production."""
    _kind, url = database
    protected = create_app({**_overrides(url, tmp_path / "csrf"), "WTF_CSRF_ENABLED": True})
    isolate_requests(protected)
    yield protected
    with protected.app_context():
        db.session.remove()
        db.engine.dispose()


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token in the form"
    return match.group(1)


def test_forged_csrf_token_is_a_400_with_a_clear_message_and_saves_nothing(csrf_app):
    c = csrf_app.test_client()
    c.get("/account/register")
    for token in ("forged-token", None):
        data = dict(REGISTER, **({"csrf_token": token} if token else {}))
        resp = c.post("/account/register", data=data)
        assert resp.status_code == 400, token
        page = resp.get_data(as_text=True)
        assert 'data-testid="error-message"' in page
        assert html_lang(page) == "zh-CN"
        assert users() == 0


def test_csrf_message_is_in_english_for_english_users(csrf_app):
    c = csrf_app.test_client()
    c.get("/lang/en")
    resp = c.post("/account/register", data=dict(REGISTER, csrf_token="forged"))
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert html_lang(page) == "en"
    assert "The form expired or was not sent from this site" in page


def test_csrf_failure_answers_json_clients_in_the_one_error_shape(csrf_app):
    c = csrf_app.test_client()
    resp = c.post("/account/register", data=dict(REGISTER, csrf_token="forged"),
                  headers={"Accept": "application/json", "Accept-Language": "en"})
    assert resp.status_code == 400 and resp.is_json
    error = resp.get_json()["error"]
    assert error["code"] == "csrf_failed" and error["status"] == 400
    assert "The form expired or was not sent from this site" in error["message"]
    assert users() == 0


def test_token_from_the_form_is_accepted(csrf_app):
    c = csrf_app.test_client()
    token = csrf_token(c.get("/account/register").get_data(as_text=True))
    resp = c.post("/account/register", data=dict(REGISTER, csrf_token=token))
    assert resp.status_code == 302
    assert users() == 1


def test_token_of_another_session_is_refused(csrf_app):
    other = csrf_app.test_client()
    stolen = csrf_token(other.get("/account/register").get_data(as_text=True))
    c = csrf_app.test_client()
    c.get("/account/register")
    assert c.post("/account/register", data=dict(REGISTER, csrf_token=stolen)).status_code == 400
    assert users() == 0


def test_signed_in_forms_are_protected_too(csrf_app, make):
    user = make.user()
    c = csrf_app.test_client()
    token = csrf_token(c.get("/account/login").get_data(as_text=True))
    assert c.post("/account/login", data={"email": user.email, "password": PASSWORD,
                                          "csrf_token": "forged"}).status_code == 400
    resp = c.post("/account/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302
    resp = c.post("/orgs/new", data=dict(org_form(), csrf_token="forged"))
    assert resp.status_code == 400
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0
    # logging out is a form as well: a forged request does not sign anyone out
    assert c.post("/account/logout").status_code == 400
    assert c.get("/account/").status_code == 200
    token = csrf_token(c.get("/account/").get_data(as_text=True))
    assert c.post("/account/logout", data={"csrf_token": token}).status_code == 302
    assert c.get("/account/").status_code == 302


# --- security headers and cookies -----------------------------------------------------------------

def assert_security_headers(resp) -> None:
    csp = resp.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]
    assert "object-src 'none'" in csp
    assert resp.headers.get("X-Frame-Options") == "DENY"
    assert resp.headers.get("X-Content-Type-Options") == "nosniff"
    assert resp.headers.get("Referrer-Policy")


def test_security_headers_on_pages_errors_redirects_and_assets(client):
    for path in ("/", "/account/login", "/no/such/page", "/orgs/", "/healthz", "/static/css/site.css"):
        resp = client.get(path)
        assert_security_headers(resp)
    assert "Strict-Transport-Security" not in client.get("/").headers  # plain HTTP: no HSTS


def test_hsts_over_https(client):
    resp = client.get("/", base_url="https://localhost")
    assert "max-age=" in resp.headers.get("Strict-Transport-Security", "")


def test_pages_are_not_cached_for_signed_in_users(client, make, login):
    login(make.user())
    assert client.get("/account/").headers.get("Cache-Control") == "no-store"


def set_cookies(resp, name: str) -> list[str]:
    return [c for c in resp.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")]


@pytest.fixture()
def secure_app(app: Flask, database: tuple[str, str], tmp_path: Path) -> Iterator[Flask]:
    _kind, url = database
    secured = create_app({**_overrides(url, tmp_path / "secure"), "SECURE_COOKIES": True})
    isolate_requests(secured)
    yield secured
    with secured.app_context():
        db.session.remove()
        db.engine.dispose()


def test_cookies_are_secure_when_secure_cookies_is_on(secure_app, make):
    user = make.user()
    c = secure_app.test_client()
    resp = c.post("/account/login", base_url="https://localhost",
                  data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert resp.status_code == 302
    for name in ("session", "remember_token"):
        cookies = set_cookies(resp, name)
        assert cookies, name
        assert "Secure" in cookies[0], cookies[0]
        assert "HttpOnly" in cookies[0], cookies[0]
        assert "SameSite=Lax" in cookies[0], cookies[0]
    assert c.get("/account/", base_url="https://localhost").status_code == 200
    assert secure_app.config["PREFERRED_URL_SCHEME"] == "https"


def test_cookies_are_http_only_but_not_secure_in_plain_testing(client, make):
    user = make.user()
    resp = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    cookie = set_cookies(resp, "session")[0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_production_turns_secure_cookies_on_by_default(database, tmp_path):
    _kind, url = database
    prod = create_app({**_overrides(url, tmp_path), "ENV": "production", "AUDIT_KEY": "a" * 40})
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    assert prod.config["REMEMBER_COOKIE_SECURE"] is True
    with prod.app_context():
        db.engine.dispose()


# --- configuration at start -------------------------------------------------------------------------

@pytest.fixture()
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for key in ("SECRET_KEY", "DATABASE_URL", "ENV", "SECURE_COOKIES", "PER_PAGE"):
        monkeypatch.delenv(f"TECHMARKET_{key}", raising=False)
    return monkeypatch


def test_production_without_secret_key_or_database_refuses_to_start(clean_env, tmp_path):
    with pytest.raises(ConfigError) as exc:
        create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    assert "TECHMARKET_SECRET_KEY" in str(exc.value)
    assert "TECHMARKET_DATABASE_URL" in str(exc.value)
    assert not (tmp_path / "secret_key").exists()  # nothing generated as a fallback


def test_production_names_only_what_is_missing(clean_env, tmp_path):
    with pytest.raises(ConfigError) as exc:
        create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 40})
    assert "TECHMARKET_DATABASE_URL" in str(exc.value)
    assert "TECHMARKET_SECRET_KEY" not in str(exc.value)


def test_production_configuration_from_the_environment_starts(clean_env, database, tmp_path):
    _kind, url = database
    clean_env.setenv("TECHMARKET_ENV", "production")
    clean_env.setenv("TECHMARKET_SECRET_KEY", "e" * 48)
    clean_env.setenv("TECHMARKET_AUDIT_KEY", "f" * 48)
    clean_env.setenv("TECHMARKET_DATABASE_URL", url)
    prod = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert prod.config["SECRET_KEY"] == "e" * 48
    assert prod.config["SQLALCHEMY_DATABASE_URI"] == url
    with prod.app_context():
        db.engine.dispose()


def test_environment_variables_override_defaults_with_types():
    cfg = load_config(environ={
        "TECHMARKET_PER_PAGE": "50",
        "TECHMARKET_MAX_UPLOAD_MB": "5",
        "TECHMARKET_SMTP_STARTTLS": "yes",
        "TECHMARKET_WTF_CSRF_ENABLED": "0",
        "TECHMARKET_MAIL_BACKEND": "smtp",
        "TECHMARKET_LOGIN_RATE_LIMIT": "3 per minute",
        "TECHMARKET_BEHIND_PROXY": "1",
        "UNRELATED": "ignored",
    })
    assert cfg["PER_PAGE"] == 50
    assert cfg["MAX_UPLOAD_MB"] == 5
    assert cfg["SMTP_STARTTLS"] is True
    assert cfg["WTF_CSRF_ENABLED"] is False
    assert cfg["MAIL_BACKEND"] == "smtp"
    assert cfg["LOGIN_RATE_LIMIT"] == "3 per minute"
    assert cfg["BEHIND_PROXY"] == 1
    assert "UNRELATED" not in cfg


def test_overrides_beat_the_environment():
    cfg = load_config({"PER_PAGE": 7}, environ={"TECHMARKET_PER_PAGE": "50"})
    assert cfg["PER_PAGE"] == 7


@pytest.mark.parametrize(("environ", "named"), [
    ({"TECHMARKET_PER_PAGE": "lots"}, "TECHMARKET_PER_PAGE"),
    ({"TECHMARKET_SMTP_STARTTLS": "perhaps"}, "TECHMARKET_SMTP_STARTTLS"),
    ({"TECHMARKET_ENV": "staging"}, "TECHMARKET_ENV"),
    ({"TECHMARKET_MAIL_BACKEND": "pigeon"}, "TECHMARKET_MAIL_BACKEND"),
    ({"TECHMARKET_PAYMENTS_BACKEND": "stripe"}, "TECHMARKET_STRIPE_API_KEY"),
])
def test_bad_values_stop_the_start_naming_the_variable(environ, named):
    with pytest.raises(ConfigError, match=named):
        load_config(environ=environ)


def test_login_rate_limit_from_the_environment_reaches_the_login_page(clean_env, database, tmp_path, app):
    _kind, url = database
    clean_env.setenv("TECHMARKET_LOGIN_RATE_LIMIT", "2 per minute")
    limited = create_app(_overrides(url, tmp_path / "limited"))
    isolate_requests(limited)
    c = limited.test_client()
    statuses = [c.post("/account/login", data={"email": "x@example.cn", "password": "wrong-pass-1"}).status_code
                for _ in range(3)]
    assert statuses == [400, 400, 429]
    with limited.app_context():
        db.engine.dispose()
