"""URL converters: ids in URLs stay within the database's integer range (a larger one is a 404, not a 500)."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from techmarket.core.inputs import INT_MAX

MAX_ID = INT_MAX


class BoundedInt(IntegerConverter):
    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max,
                         signed=signed)


def register_converters(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedInt
