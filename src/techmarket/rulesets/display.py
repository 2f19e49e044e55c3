"""How a breakdown is shown: labels for the result keys and formatting of amounts, rates and choices.

The calculators return plain JSON (amounts as strings in yuan); this module turns one value into text in the
user's language. Used by the calculator pages and the saved-calculation pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

from techmarket.policy import Calculator, FieldSpec

COMMON_KEYS = ("calculator", "inputs", "steps", "citations", "rule_sets", "warnings")

LABELS: dict[str, Any] = {
    "tax_year": _l("Tax year"), "contracts": _l("Contracts"), "id": _l("Contract"), "kind": _l("Kind"),
    "subject": _l("Subject"), "qualifies": _l("Qualifies"), "reasons": _l("Reasons"),
    "technology_income": _l("Technology income"), "excluded_income": _l("Excluded income"),
    "cost": _l("Cost"), "related_taxes": _l("Related taxes"), "period_expenses": _l("Period expenses"),
    "gain": _l("Gain"), "total_gain": _l("Qualifying gain of the year"), "exempt": _l("Exempt part"),
    "halved": _l("Part taxed at half rate"), "reduced_rate": _l("Reduced rate"), "cit_rate": _l("CIT rate"),
    "taxable_income_reduction": _l("Reduction of taxable income"), "tax_on_gain": _l("Tax on the gain"),
    "tax_saved": _l("Tax saved"), "total_cit": _l("Total CIT"),
    "first_revenue_year": _l("Year of first revenue"), "years": _l("Years"), "year": _l("Year"),
    "year_number": _l("Year number"), "cit_payable": _l("CIT payable"), "local_share": _l("Local share"),
    "relief_share": _l("Share relieved"), "relief": _l("Relief"), "cit_after_relief": _l("CIT after relief"),
    "total_local_share": _l("Total local share"), "total_relief": _l("Total relief"),
    "total_cit_after_relief": _l("Total CIT after relief"),
    "eligible": _l("Eligible"), "amount": _l("Amount"), "nominal_amount": _l("Nominal amount"),
    "basis": _l("Basis"), "year_index": _l("Year of the yearly award"), "citation": _l("Citation"),
    "previous_grant": _l("Previous grant"), "event": _l("Event"), "reward": _l("Reward"),
    "uncapped_reward": _l("Reward before the cap"), "band": _l("Band applied"), "intensity": _l("R&D intensity"),
    "increment": _l("Counted increment"), "raw_increment": _l("Increment"),
    "increment_factor": _l("Increment factor"), "cap": _l("Cap"), "min_intensity": _l("Minimum intensity"),
    "subsidy": _l("Subsidy"), "uncapped_subsidy": _l("Subsidy before the cap"), "slices": _l("Slices"),
    "from": _l("From"), "to": _l("To"), "base": _l("Base"), "rate": _l("Rate"), "claim_year": _l("Claim year"),
    "window": _l("Window"), "start": _l("Start"), "end": _l("End"), "theoretical": _l("Theoretical research"),
    "uplift": _l("Uplift"), "share_of_base": _l("Share of the base"), "deadline": _l("Deadline"),
    "provisional": _l("Provisional"), "working_days": _l("Working days"), "overdue": _l("Overdue"),
    "as_of": _l("As of"), "disbursed": _l("Disbursed"), "working_days_used": _l("Working days used"),
    "working_days_used_provisional": _l("Working days used are provisional"),
    "calendar_years": _l("Years the official calendar covers"), "clause": _l("Clause"), "text": _l("Text"),
    "multiple": _l("Multiple"), "met": _l("Met"), "code": _l("Code"), "granted_on": _l("Granted on"),
    "reference": _l("Reference"),
}

MONEY_KEYS = frozenset({
    "technology_income", "excluded_income", "cost", "related_taxes", "period_expenses", "gain", "total_gain",
    "exempt", "halved", "taxable_income_reduction", "tax_on_gain", "tax_saved", "total_cit", "cit_payable",
    "local_share", "relief", "cit_after_relief", "total_local_share", "total_relief", "total_cit_after_relief",
    "amount", "nominal_amount", "reward", "uncapped_reward", "increment", "raw_increment", "cap", "subsidy",
    "uncapped_subsidy", "base", "from", "to",
})
RATE_KEYS = frozenset({"reduced_rate", "cit_rate", "relief_share", "rate", "intensity", "share_of_base",
                       "uplift", "min_intensity"})


def as_decimal(value: Any) -> Decimal | None:
    """A number from a JSON-ready breakdown (a string, int or float), or None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def money(value: Any, zh: bool, compact: bool = False) -> str:
    """Yuan with thousands separators; in Chinese also in 万元 (unless ``compact``, for table cells)."""
    amount = as_decimal(value)
    if amount is None:
        return str(value)
    text = f"{amount:,.2f}"
    if zh and compact:
        return text
    if zh:
        wan = f"（{(amount / 10000).quantize(Decimal('0.01')):,} 万元）" if abs(amount) >= 10000 else ""
        return f"{text} 元{wan}"
    return f"¥{text}"


def rate(value: Any) -> str:
    number = as_decimal(value)
    if number is None:
        return str(value)
    percent = (number * 100).normalize()
    return f"{percent:f}%"


def number(value: Any) -> str:
    amount = as_decimal(value)
    if amount is None or isinstance(value, int):
        return str(value)
    return f"{amount:,.2f}" if amount.as_tuple().exponent == -2 else str(value)  # type: ignore[operator]


def _choice_specs(fields: Iterable[FieldSpec], out: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
    for spec in fields:
        if spec.kind == "choice":
            out.setdefault(spec.name, spec)
        if spec.item_fields:
            _choice_specs(spec.item_fields, out)
    return out


def _kinds(fields: Iterable[FieldSpec], out: dict[str, str]) -> dict[str, str]:
    for spec in fields:
        out.setdefault(spec.name, spec.kind)
        if spec.item_fields:
            _kinds(spec.item_fields, out)
    return out


class Presenter:
    """Labels and formats the values of one calculator's breakdown in one language."""

    def __init__(self, calculator: Calculator, zh: bool) -> None:
        self.calculator = calculator
        self.zh = zh
        self.choices = _choice_specs(calculator.fields, {})
        self.kinds = _kinds(calculator.fields, {})
        self.specs = {spec.name: spec for spec in calculator.fields}

    def label(self, key: str, *, input_field: bool = False) -> str:
        spec = self.specs.get(key) if input_field else None
        if spec is not None:
            text = spec.label_zh if self.zh else spec.label_en
            return text[:1].upper() + text[1:]
        if key in LABELS:
            return str(LABELS[key])
        for spec in self.specs.values():
            for item in spec.item_fields:
                if item.name == key:
                    text = item.label_zh if self.zh else item.label_en
                    return text[:1].upper() + text[1:]
        return key.replace("_", " ").capitalize()

    def text(self, key: str, value: Any, *, input_field: bool = False, compact: bool = False) -> str:
        """One scalar value as text (``compact``: amounts without the 万元 figure, for table cells)."""
        if value is None:
            return "—"
        if isinstance(value, bool):
            return str(_l("Yes") if value else _l("No"))
        spec = self.choices.get(key)
        if spec is not None and isinstance(value, str) and value in spec.choices:
            zh_label, en_label = spec.choice_labels.get(value, (value, value))
            return zh_label if self.zh else en_label
        kind = self.kinds.get(key) if input_field else None
        if kind == "money" or (kind is None and key in MONEY_KEYS):
            return money(value, self.zh, compact)
        if kind == "rate" or (kind is None and key in RATE_KEYS):
            return rate(value)
        if key == "increment_factor":
            return f"× {value}"
        return number(value) if isinstance(value, str) and kind not in ("text", "date") else str(value)

    def step_label(self, step: Mapping[str, Any]) -> str:
        text = str(step.get("label_zh" if self.zh else "label_en") or step.get("label_en", ""))
        return text if self.zh else text[:1].upper() + text[1:]

    def message(self, item: Mapping[str, Any]) -> str:
        """A warning or a reason in the user's language."""
        return str(item.get("zh" if self.zh else "en") or item.get("en", ""))

    @staticmethod
    def figures(result: Mapping[str, Any]) -> list[tuple[str, Any]]:
        """The result keys (everything but the inputs and the common parts), in the calculator's order."""
        return [(k, v) for k, v in result.items() if k not in COMMON_KEYS]

    @staticmethod
    def is_number(value: Any) -> bool:
        """A number (amounts are strings in the breakdown): right-aligned in tables."""
        return not isinstance(value, bool) and as_decimal(value) is not None

    @classmethod
    def is_table(cls, value: Any) -> bool:
        """A list of objects other than reasons: shown as a table of its own."""
        return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value) \
            and not cls.is_reasons(value)

    @staticmethod
    def is_reasons(value: Any) -> bool:
        return isinstance(value, list) and bool(value) and all(
            isinstance(v, Mapping) and "met" in v and "en" in v for v in value)

    @staticmethod
    def columns(rows: list[Any]) -> list[str]:
        seen: list[str] = []
        for row in rows:
            if isinstance(row, Mapping):
                seen.extend(k for k in row if k not in seen)
        return seen
