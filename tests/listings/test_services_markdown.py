"""Descriptions: Markdown rendered to HTML and sanitised. Pure."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from techmarket.listings.markdown import render


def test_markdown_becomes_html() -> None:
    html = render("### 主要技术指标\n\n- 矫顽力 **25 kOe**\n- 重稀土降低 *40%*\n\n"
                  "| 指标 | 数值 |\n|---|---|\n| Br | 1.35 T |\n\n详见 [项目主页](https://example.cn/p?a=1&b=2)。")
    assert isinstance(html, Markup)
    for part in ("<h3>主要技术指标</h3>", "<li>矫顽力 <strong>25 kOe</strong></li>", "<em>40%</em>", "<table>",
                 "<td>1.35 T</td>", 'href="https://example.cn/p?a=1&amp;b=2"', 'rel="nofollow noopener noreferrer"'):
        assert part in html, part


@pytest.mark.parametrize("text", [
    "<script>alert(document.cookie)</script>正文",
    "正文<SCRIPT src=https://evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">正文',
    '<p onclick="alert(1)" style="color:red">正文</p>',
    "[点我](javascript:alert(1)) 正文",
    '<a href="javascript:alert(1)">点我</a> 正文',
    '<a href="JaVaScRiPt:alert(1)">点我</a> 正文',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">点我</a> 正文',
    '<iframe src="https://evil.example"></iframe>正文',
    '<svg onload="alert(1)"></svg>正文',
])
def test_script_handlers_and_dangerous_links_are_dropped(text: str) -> None:
    html = str(render(text)).lower()
    assert "正文" in html
    for bad in ("<script", "onerror", "onclick", "onload", "javascript:", "data:", "<iframe", "<svg", "style=",
                "<img"):
        assert bad not in html, (bad, html)


def test_empty_and_plain_text() -> None:
    assert render("") == Markup("")
    assert str(render("a < b & c")) == "<p>a &lt; b &amp; c</p>"
