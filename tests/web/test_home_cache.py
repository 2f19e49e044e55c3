"""The anonymous home page is rendered once per language and kept a few seconds; nobody else gets it.

The suite runs with ``HOME_CACHE_SECONDS=0``; these tests turn the caches on with a clock of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask, template_rendered
from flask_wtf.csrf import generate_csrf

from techmarket.app import create_app
from techmarket.core.microcache import TTLCache
from techmarket.extensions import db, limiter
from techmarket.web.pagecache import shared_page
from techmarket.web.security import CSP
from techmarket.web.views import init_caches
from tests.conftest import _overrides
from tests.factories import PASSWORD

TTL = 10
LINK_BACK_WITH_QUERY = "from%3Dmail"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def clock(app: Flask) -> Clock:
    c = Clock()
    app.config["HOME_CACHE_SECONDS"] = TTL
    init_caches(app, clock=c)
    return c


@pytest.fixture()
def renders(app: Flask) -> Iterator[list[str]]:
    """The language of each render of the home page."""
    seen: list[str] = []

    def record(sender: Flask, template, context, **extra) -> None:
        if template.name == "web/home.html":
            seen.append(context["current_locale"])

    template_rendered.connect(record, app)
    yield seen
    template_rendered.disconnect(record, app)


def lang(page: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', page)
    assert match, page[:200]
    return match.group(1)


def organisations(page: str) -> int:
    match = re.search(r'data-testid="figures">.*?<div class="display-6">(\d+)</div>', page, re.S)
    assert match, page
    return int(match.group(1))


def home(client, **headers: str) -> str:
    resp = client.get("/", headers=headers)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def signed_in(page: str) -> bool:
    return 'data-testid="user-menu"' in page


def test_visitors_share_one_render_per_language(app, clock, renders):
    assert lang(home(app.test_client())) == "zh-CN"
    assert lang(home(app.test_client())) == "zh-CN"
    assert lang(home(app.test_client(), **{"Accept-Language": "en-GB,en;q=0.9"})) == "en"
    assert lang(home(app.test_client(), **{"Accept-Language": "en"})) == "en"
    assert lang(home(app.test_client())) == "zh-CN"
    assert renders == ["zh_Hans_CN", "en"]


def test_the_chosen_language_decides_which_page_is_served(app, clock, renders):
    home(app.test_client(), **{"Accept-Language": "zh-CN"})
    chooser = app.test_client()
    chooser.get("/lang/en")
    assert lang(home(chooser, **{"Accept-Language": "zh-CN"})) == "en"
    chooser.get("/lang/zh_Hans_CN")
    assert lang(home(chooser, **{"Accept-Language": "en"})) == "zh-CN"
    assert renders == ["zh_Hans_CN", "en"]


def test_figures_are_fresh_again_after_the_ttl(app, clock, make):
    make.org(status="verified")
    visitor = app.test_client()
    assert organisations(home(visitor)) == 1
    make.org(status="pending")
    clock.now += TTL - 1
    assert organisations(home(visitor)) == 1  # still the kept page
    clock.now += 2
    assert organisations(home(visitor)) == 2


def test_a_signed_in_user_never_gets_the_anonymous_page(app, clock, make, renders):
    user = make.user(name="王五")
    assert not signed_in(home(app.test_client()))  # the anonymous page is now kept
    member = app.test_client()
    member.post("/account/login", data={"email": user.email, "password": PASSWORD})
    for _ in range(2):
        page = home(member)
        assert signed_in(page) and "王五" in page
        assert 'href="/account/register"' not in page
    assert renders.count("zh_Hans_CN") == 3  # one anonymous render, then each signed-in request
    resp = member.get("/")
    assert resp.headers["Cache-Control"] == "no-store"
    assert not signed_in(home(app.test_client()))


def test_the_remember_me_cookie_alone_is_a_signed_in_visit(app, clock, make):
    user = make.user(language="en")
    home(app.test_client())  # the anonymous Chinese page is kept
    member = app.test_client()
    member.post("/account/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    member.delete_cookie("session")
    page = home(member)
    assert signed_in(page)
    assert lang(page) == "en"  # the user's own language, found by loading the user


def test_flash_messages_are_shown_once_and_never_kept(app, clock, make, login):
    home(app.test_client())
    client = login(make.user())
    client.post("/account/logout")
    page = home(client)
    assert 'role="alert"' in page and not signed_in(page)
    assert 'role="alert"' not in home(client)
    assert 'role="alert"' not in home(app.test_client())


def test_a_query_string_is_not_baked_into_the_kept_page(app, clock, renders):
    tagged = app.test_client().get("/?from=mail").get_data(as_text=True)
    assert LINK_BACK_WITH_QUERY in tagged  # the language switch links back to the full path
    assert LINK_BACK_WITH_QUERY not in home(app.test_client())
    assert LINK_BACK_WITH_QUERY not in home(app.test_client())
    assert renders == ["zh_Hans_CN", "zh_Hans_CN"]  # the tagged page was not kept, the plain one was


def test_the_kept_page_holds_nothing_per_visitor_or_per_response(app, clock):
    home(app.test_client())
    resp = app.test_client().get("/")
    page = resp.get_data(as_text=True)
    assert "csrf_token" not in page
    assert "nonce" not in page and "nonce-" not in CSP  # no per-response value to refresh in a kept page
    assert resp.headers["Content-Security-Policy"] == CSP
    assert "Set-Cookie" not in resp.headers  # no session is opened for a visitor who has none


def test_a_page_that_made_a_csrf_token_is_not_kept(app):
    cache = TTLCache[str](TTL)
    with app.app_context(), app.test_request_context("/"):  # a request of its own (g is per app context)
        assert shared_page(cache, "k", lambda: f"<input value={generate_csrf()}>").startswith("<input")
    assert cache.get("k") is None
    with app.app_context(), app.test_request_context("/"):  # a request of its own (g is per app context)
        shared_page(cache, "k", lambda: "<p>same for all</p>")
    assert cache.get("k") == "<p>same for all</p>"


def test_rate_limits_are_checked_only_where_a_limit_applies(app, client, monkeypatch):
    calls: list[str | None] = []
    resolve = limiter.limit_manager.resolve_limits

    def spy(app_, endpoint=None, *args, **kwargs):
        calls.append(endpoint)
        return resolve(app_, endpoint, *args, **kwargs)

    monkeypatch.setattr(limiter.limit_manager, "resolve_limits", spy)
    for path in ("/", "/healthz", "/static/css/site.css", "/no/such/page"):
        client.get(path)
    assert calls == []  # no limit covers these: Flask-Limiter is not asked
    client.get("/api/v1/policy")  # the JSON API's blueprint limit
    client.post("/account/login", data={"email": "x@example.cn", "password": "wrong-pass-1"})  # its decorator
    assert calls == ["api.policy_index", "accounts.login"]


def test_an_app_with_rate_limiting_off_starts_and_serves(database, tmp_path):
    _kind, url = database
    off = create_app({**_overrides(url, tmp_path), "RATELIMIT_ENABLED": False})
    try:
        assert off.test_client().get("/healthz").status_code == 200
    finally:
        with off.app_context():
            db.engine.dispose()
        limiter.enabled = True  # the extension object is shared by every app in the process
