"""Errors of the rule-set layer (configuration and resolution, not user input).

Input errors are :class:`techmarket.policy.inputs.PolicyInputError`; the two are kept apart so that a
delivery layer can answer a user's bad input with 400 and a misconfigured rule set as an operator problem.
"""

from __future__ import annotations

import datetime


class PolicyError(Exception):
    """A rule set is malformed, unknown, or no version of it applies."""


class RuleNotInForce(PolicyError):
    """No version of a known rule set is in force on the requested date."""

    def __init__(self, name: str, on: datetime.date, earliest: datetime.date) -> None:
        self.name = name
        self.on = on
        self.earliest = earliest
        super().__init__(
            f"no version of rule set {name!r} is in force on {on.isoformat()}; "
            f"the earliest version takes effect on {earliest.isoformat()}"
        )
