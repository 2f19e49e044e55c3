"""The policy engine: calculators of the 科技兴蒙 2020 measures over versioned rule sets.

Pure: it imports neither Flask nor the database nor any other techmarket package. Entry points:

- :mod:`techmarket.policy.rules` — ``RuleSet``, ``RuleBook``, ``DEFAULT_RULE_SETS``, ``diff_params``;
- :mod:`techmarket.policy.registry` — ``CALCULATORS`` by name, each with ``fields`` and ``run()``;
- :mod:`techmarket.policy.calendar` — working days by the official holiday calendar;
- :mod:`techmarket.policy.cli` — the ``policy`` click group.
"""

from __future__ import annotations

from .errors import PolicyError, RuleNotInForce
from .inputs import PolicyInputError
from .registry import CALCULATORS, Calculator, FieldSpec, get_calculator, validate_rule_set
from .rules import (
    DEFAULT_RULE_SETS,
    NATIONAL,
    OLDER_REGIONAL,
    THIS_POLICY,
    RuleBook,
    RuleSet,
    default_rulebook,
    diff_params,
)

__all__ = [
    "CALCULATORS",
    "DEFAULT_RULE_SETS",
    "NATIONAL",
    "OLDER_REGIONAL",
    "THIS_POLICY",
    "Calculator",
    "FieldSpec",
    "PolicyError",
    "PolicyInputError",
    "RuleBook",
    "RuleNotInForce",
    "RuleSet",
    "default_rulebook",
    "diff_params",
    "get_calculator",
    "validate_rule_set",
]
