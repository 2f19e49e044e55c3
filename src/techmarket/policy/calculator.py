"""The calculator type: declared input fields plus a pure compute function over a rule book."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .breakdown import Breakdown
from .defaults import default_rulebook
from .fields import FieldSpec
from .inputs import ErrorBag, parse_input
from .ruleset import RuleBook

Compute = Callable[[Mapping[str, Any], RuleBook, datetime.date, Breakdown], dict[str, Any]]
Check = Callable[[Mapping[str, Any], ErrorBag], None]


@dataclass(frozen=True)
class Calculator:
    """A policy calculator. :meth:`run` validates input, computes, and returns the JSON-ready breakdown.

    ``compute`` gets the parsed values, the rule book, today's date and a :class:`Breakdown`; ``check``
    adds cross-field errors (run on the values that parsed). ``rule_set_names`` lists the rule sets the
    calculator may use (for the console).
    """

    name: str
    title_zh: str
    title_en: str
    clause: str
    fields: list[FieldSpec]
    compute: Compute = field(repr=False, compare=False)
    check: Check | None = field(default=None, repr=False, compare=False)
    rule_set_names: tuple[str, ...] = ()

    def run(
        self, data: Mapping[str, Any], rules: RuleBook | None = None, today: datetime.date | None = None
    ) -> dict[str, Any]:
        """Validate ``data`` and compute; raise :class:`~techmarket.policy.inputs.PolicyInputError`."""
        errors = ErrorBag()
        values, unknown = parse_input(self.fields, data, errors)
        if self.check is not None:
            self.check(values, errors)
        errors.raise_if_any()
        out = Breakdown(self.name, values)
        if unknown:
            out.warn(
                "unknown_fields",
                "以下输入字段未被使用：" + "、".join(unknown),
                "These input fields were ignored: " + ", ".join(unknown),
            )
        book = rules if rules is not None else default_rulebook()
        result = self.compute(values, book, today or datetime.date.today(), out)
        return out.finish(result)

    def to_json(self) -> dict[str, Any]:
        """A JSON description: names, titles, clause, fields."""
        return {
            "name": self.name,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "clause": self.clause,
            "fields": [f.to_json() for f in self.fields],
            "rule_sets": list(self.rule_set_names),
        }
