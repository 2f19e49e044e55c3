"""The input boundary for every request: the address and its query string.

Before any view runs, a path parameter or a query-string name or value holding NUL or another control
character is refused (404 for the path, 400 with a message in the user's language for the query string);
ids in the path are bounded by the URL converters (``web/routing.py``), form fields by
:class:`techmarket.core.forms.SafeForm` and JSON bodies by :func:`techmarket.core.inputs.load_json`.
"""

from __future__ import annotations

from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l

from techmarket.core.inputs import has_control

QUERY_MESSAGE = _l("The address contains invisible control characters (such as NUL). Please check the link "
                   "or the search words and try again.")


def check_address() -> None:
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and has_control(value):
            abort(404)
    for name, value in request.args.items(multi=True):
        if has_control(name) or has_control(value):
            abort(400, QUERY_MESSAGE)


def register_input_checks(app: Flask) -> None:
    app.before_request(check_address)
