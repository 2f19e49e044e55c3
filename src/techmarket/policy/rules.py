"""Public face of the rule sets: :class:`RuleSet`, :class:`RuleBook`, the shipped defaults, diffs.

The classes live in :mod:`techmarket.policy.ruleset` and the shipped versions in
:mod:`techmarket.policy.defaults`; both are re-exported here so callers need one import.
"""

from __future__ import annotations

from .defaults import DEFAULT_RULE_SETS, default_rulebook
from .errors import PolicyError, RuleNotInForce
from .ruleset import (
    NATIONAL,
    OLDER_REGIONAL,
    PRECEDENCE_LEVELS,
    THIS_POLICY,
    RuleBook,
    RuleSet,
    diff_params,
)

__all__ = [
    "DEFAULT_RULE_SETS",
    "NATIONAL",
    "OLDER_REGIONAL",
    "PRECEDENCE_LEVELS",
    "THIS_POLICY",
    "PolicyError",
    "RuleBook",
    "RuleNotInForce",
    "RuleSet",
    "default_rulebook",
    "diff_params",
]
