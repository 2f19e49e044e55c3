"""Listing descriptions: Markdown rendered to HTML and sanitised (no script, no handlers, safe links)."""

from __future__ import annotations

import markdown as md
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4", "h5",
                "table", "thead", "tbody", "tr", "th", "td", "a", "hr", "sub", "sup"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render(text: str) -> Markup:
    html = md.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                      link_rel="nofollow noopener noreferrer")
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above
