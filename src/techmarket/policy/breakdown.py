"""The breakdown every calculator returns: result, inputs, steps, citations, rule sets used, warnings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from .money import jsonable
from .ruleset import RuleSet


class Citation(NamedTuple):
    """A clause of the 2020 policy (``"(四)"``) or a national document, with the text relied on."""

    clause: str
    text: str


class Breakdown:
    """Collects the parts of a calculator's answer while it computes."""

    def __init__(self, calculator: str, inputs: Mapping[str, Any]) -> None:
        self.calculator = calculator
        self.inputs = jsonable(dict(inputs))
        self.steps: list[dict[str, Any]] = []
        self.citations: list[dict[str, str]] = []
        self.rule_sets: list[dict[str, Any]] = []
        self.warnings: list[dict[str, str]] = []

    def step(self, label_zh: str, label_en: str, formula: str, amount: Any = None) -> None:
        """Record one step: a label, the formula in words, and the amount it gives."""
        self.steps.append({"label_zh": label_zh, "label_en": label_en, "formula": formula, "amount": jsonable(amount)})

    def cite(self, *citations: Citation) -> None:
        """Cite clauses (each once, in first-cited order)."""
        for citation in citations:
            entry = {"clause": citation.clause, "text": citation.text}
            if entry not in self.citations:
                self.citations.append(entry)

    def use(self, rule_set: RuleSet) -> RuleSet:
        """Record that ``rule_set`` was used; an example rule set adds a warning. Returns it."""
        entry = rule_set.describe()
        if entry not in self.rule_sets:
            self.rule_sets.append(entry)
            if rule_set.example:
                self.warn(
                    f"example_rule_set:{rule_set.name}",
                    f"规则集“{rule_set.title_zh}”（{rule_set.name} 第 {rule_set.version} 版）为示例表，"
                    "数额待运营方确认。",
                    f"Rule set {rule_set.name} v{rule_set.version} ({rule_set.title_en}) is an example "
                    "table; "
                    "its figures are to be confirmed by the operator.",
                )
        return rule_set

    def warn(self, code: str, zh: str, en: str) -> None:
        """Add a warning (each code once)."""
        if all(w["code"] != code for w in self.warnings):
            self.warnings.append({"code": code, "zh": zh, "en": en})

    def finish(self, result: Mapping[str, Any]) -> dict[str, Any]:
        """The JSON-ready answer: ``calculator``, the result keys, then the common parts."""
        answer: dict[str, Any] = {"calculator": self.calculator}
        answer.update(jsonable(dict(result)))
        answer.update(
            {
                "inputs": self.inputs,
                "steps": self.steps,
                "citations": self.citations,
                "rule_sets": self.rule_sets,
                "warnings": self.warnings,
            }
        )
        return answer
