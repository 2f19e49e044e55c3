"""Pages every anonymous visitor sees alike, rendered once per key and kept for a few seconds.

Only the view knows that its page is the same for everyone who is not signed in; it calls
:func:`shared_page` on that branch alone, with a key naming whatever else the page depends on (the
language). What makes one response differ from another is ruled out here: a query string (the language
switch links back to the full path), flash messages waiting in the session, and a CSRF token (bound to one
visitor's session) generated while rendering. The CSP allows no inline script, so there is no per-response
nonce in the HTML either (see ``web/security.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import current_app, g, request, session

from techmarket.core.microcache import TTLCache


def shared_page(cache: TTLCache[str], key: Hashable, render: Callable[[], str]) -> str:
    """The page under ``key`` from ``cache`` while fresh, else ``render()``'s, kept if it has nothing personal."""
    if request.query_string or session.get("_flashes"):
        return render()
    page = cache.get(key)
    if page is None:
        page = render()
        if current_app.config["WTF_CSRF_FIELD_NAME"] not in g:  # Flask-WTF keeps the token it made in g
            cache.set(key, page)
    return page
