"""The site's Content-Security-Policy, and the same policy widened for one page that needs another origin.

No inline script or style is allowed anywhere (no per-response nonce), so a page's HTML never depends on the
response it is sent in. A page that loads a third party's script (the card form loads Stripe.js) sends
:func:`widened` with the few sources it needs; every other page sends :data:`CSP`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

DIRECTIVES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("default-src", ("'self'",)),
    ("script-src", ("'self'",)),
    ("style-src", ("'self'",)),
    ("img-src", ("'self'", "data:")),
    ("font-src", ("'self'", "data:")),
    ("connect-src", ("'self'",)),
    ("object-src", ("'none'",)),
    ("base-uri", ("'self'",)),
    ("form-action", ("'self'",)),
    ("frame-ancestors", ("'none'",)),
)


def widened(extra: Mapping[str, Sequence[str]]) -> str:
    """The policy with ``extra`` sources added to their directives (a directive not in the policy is added)."""
    known = dict(DIRECTIVES)
    parts = [f"{name} {' '.join((*sources, *extra.get(name, ())))}" for name, sources in DIRECTIVES]
    parts += [f"{name} {' '.join(sources)}" for name, sources in extra.items() if name not in known and sources]
    return "; ".join(parts)


def origin(url: str) -> str:
    """``scheme://host[:port]`` of an absolute http(s) address ('' for anything else)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


CSP = widened({})
