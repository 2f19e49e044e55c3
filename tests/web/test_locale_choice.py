"""Which language the site answers in: Chinese by default, English when asked for (header, switch or link)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from tests.factories import Factories

PAGES = ["/", "/listings/achievements", "/search", "/account/login", "/no/such/page"]


def _lang(resp) -> str:
    return str(BeautifulSoup(resp.get_data(as_text=True), "html.parser").html["lang"])


@pytest.mark.parametrize("path", PAGES)
def test_no_accept_language_header_means_chinese(app: Flask, path: str) -> None:
    resp = app.test_client().get(path)
    assert _lang(resp) == "zh-CN"
    assert "内蒙古科技大市场" in resp.get_data(as_text=True)


@pytest.mark.parametrize(("header", "lang"), [("en-US,en;q=0.9", "en"), ("zh-CN,zh;q=0.9,en;q=0.5", "zh-CN"),
                                              ("de-DE", "zh-CN"), ("*", "zh-CN"), ("", "zh-CN")])
def test_the_browser_preference_decides_without_a_choice(app: Flask, header: str, lang: str) -> None:
    assert _lang(app.test_client().get("/", headers={"Accept-Language": header})) == lang


def test_an_explicit_choice_beats_the_header(app: Flask) -> None:
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    c = app.test_client()
    assert _lang(c.get("/?lang=zh_Hans_CN", headers=english_browser)) == "zh-CN"  # a link that names the language
    assert _lang(c.get("/search?lang=en")) == "en"
    assert _lang(c.get("/search?lang=xx")) == "zh-CN"  # an unknown choice is no choice
    c.get("/lang/zh_Hans_CN")  # the language switch keeps the choice in the session
    assert _lang(c.get("/", headers=english_browser)) == "zh-CN"
    assert _lang(c.get("/?lang=en", headers=english_browser)) == "en"  # the link still wins for its page


def test_a_signed_in_users_language_beats_the_header(app: Flask, make: Factories, signin) -> None:
    user = make.user(language="en")
    c = signin(user)
    assert _lang(c.get("/", headers={"Accept-Language": "zh-CN"})) == "en"
