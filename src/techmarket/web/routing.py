"""URL converters and rules: ids in URLs stay within the database's integer range (a larger one is a 404, not a
500), and each URL builder is compiled once per process."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, ClassVar

from flask import Flask
from werkzeug.routing import IntegerConverter, Map
from werkzeug.routing import Rule as WerkzeugRule

from techmarket.core.inputs import INT_MAX

MAX_ID = INT_MAX


class BoundedInt(IntegerConverter):
    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max,
                         signed=signed)


class Rule(WerkzeugRule):
    """Werkzeug compiles two Python functions (URL builders) for every rule of every application it makes; they
    depend only on the rule's parts, defaults and converter types, so one compiled pair serves every application
    of the process (the app factory runs for each CLI command, each worker and each test)."""

    _builders: ClassVar[dict[Hashable, Callable[..., tuple[str, str]]]] = {}

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        defaults = sorted((self.defaults or {}).items(), key=lambda kv: str(kv[0]))
        key: Any = (tuple(self._trace), tuple(defaults), append_unknown,
                    tuple((name, type(conv)) for name, conv in self._converters.items()))
        try:
            found = self._builders.get(key)
        except TypeError:  # a default that cannot be a key: compile as Werkzeug does
            return super()._compile_builder(append_unknown)
        if found is None:
            found = self._builders[key] = super()._compile_builder(append_unknown)
        return found


def register_converters(app: Flask) -> None:
    app.url_rule_class = Rule
    app.url_map.converters["int"] = BoundedInt
