"""Retrieval through the site: the suggestions under the search box and the results agree; English queries find
Chinese listings; the tokenizer is loaded when the app starts, not in a visitor's first search."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.accounts.support import isolate_requests

TITLE = "纳米二氧化钛光催化剂制备技术"


@pytest.fixture(autouse=True)
def _isolated(app: Flask) -> None:
    isolate_requests(app)


def _hits(client: FlaskClient, q: str) -> list[str]:
    resp = client.get(f"/search?q={quote(q)}")
    assert resp.status_code == 200
    found = re.findall(r'data-testid="hit-title">(.*?)</a>', resp.get_data(as_text=True), re.S)
    return [html.unescape(re.sub(r"</?mark>", "", t)) for t in found]


def test_what_the_suggestions_show_the_search_finds(client: FlaskClient, publish) -> None:
    publish(TITLE, summary="可见光响应，降解有机污染物", keywords=["光触媒", "污水处理"])
    publish("稀土抛光粉制备技术", fields=("rare_earth",))
    assert TITLE in client.get(f"/search/suggest?q={quote('光催化')}").get_json()["titles"]
    assert _hits(client, "光催化") == [TITLE]
    for needle in ("光催化", "催化", "制备", "化剂制", "二氧", "钛光催", "备技术", "粉制备"):
        suggested = client.get(f"/search/suggest?q={quote(needle)}").get_json()["titles"]
        assert suggested, needle
        assert set(suggested) <= set(_hits(client, needle)), needle
    assert _hits(client, "降解有机") == [TITLE]  # a piece of the summary
    assert _hits(client, "光触") == [TITLE]  # a piece of a keyword


def test_english_queries_find_chinese_listings(client: FlaskClient, publish) -> None:
    publish("高性能钕铁硼稀土永磁材料", summary="用于风电机组的稀土永磁材料", fields=("rare_earth",))
    publish("全钒液流电池储能系统", fields=("energy_storage",))
    assert _hits(client, "rare earth") == ["高性能钕铁硼稀土永磁材料"]
    assert _hits(client, "Energy Storage") == ["全钒液流电池储能系统"]
    assert _hits(client, "vanadium flow battery") == ["全钒液流电池储能系统"]
    assert "rare earth" in client.get("/search/suggest?q=rare").get_json()["terms"]


def test_the_app_loads_the_tokenizer_when_it_starts(tmp_path: Path) -> None:
    """Outside tests the app factory loads jieba and the dictionary (gunicorn does it once, before forking)."""
    config = {"ENV": "development", "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"}
    script = ("from techmarket.app import create_app\n"
              "from techmarket.search.tokenizer import TOKENIZER\n"
              f"create_app({config!r})\n"
              "print(TOKENIZER._jieba is not None)\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TECHMARKET_")}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120,
                         check=True)
    assert out.stdout.strip().splitlines()[-1] == "True"
