"""Typed inputs and outcomes of the calculators that other domains call (the yearly statement, subsidy claims).

Callers build a frozen dataclass of Python values (``Decimal``, ``date``, ``bool``) and get an :class:`Outcome`
whose figures are ``Decimal``; :meth:`Calculator.run` over JSON stays the adapter for the CLI, the web forms and
the API. ``to_json`` is the one place where a typed input becomes the calculators' documented JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_json(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return to_json(value)
    return value


def to_json(inputs: Any) -> dict[str, Any]:
    """A typed input as the calculator's JSON (``None`` fields are left out: the calculator's default applies)."""
    return {f.name: _json(getattr(inputs, f.name)) for f in fields(inputs) if getattr(inputs, f.name) is not None}


@dataclass(frozen=True)
class SubsidyInput:
    """``transaction-subsidy`` (POLICY.md §2.5): one registered contract and one claimant role."""

    role: str
    technical_transaction_amount: Decimal
    contract_type: str
    registration_date: dt.date
    claim_year: int
    registered: bool = True
    paid: bool = False
    claimant_in_region: bool = True
    recognised_agency: bool | None = None


@dataclass(frozen=True)
class SubsidyBudgetInput:
    """``subsidy-budget``: the claims of a year to be granted against the year's budget."""

    claim_year: int
    approved_total: Decimal
    committed: Decimal = Decimal(0)


@dataclass(frozen=True)
class BrokerRewardInput:
    """``broker-reward`` (clause (十一)): one registered contract attributed to a broker."""

    contract_amount: Decimal
    registration_date: dt.date
    share: Decimal = Decimal(1)
    registered: bool = True


@dataclass(frozen=True)
class TransferContractInput:
    """One transfer or licence contract of ``transfer-income-tax`` (POLICY.md §2.1); figures as typed."""

    id: str
    kind: str
    subject: str | None
    licence_years: int
    related_party_holding_pct: Decimal
    technology_receipts: str
    tax_basis: str = "0"
    accumulated_amortization: str = "0"
    amortization_for_year: str = "0"
    related_taxes: str = "0"
    apportioned_period_expenses: str = "0"
    registered: bool = True


@dataclass(frozen=True)
class TransferTaxInput:
    tax_year: int
    contracts: tuple[TransferContractInput, ...]
    cit_rate: str | None = None


@dataclass(frozen=True)
class Outcome:
    """A calculator's breakdown: JSON as the calculator returned it, with typed readers."""

    raw: Mapping[str, Any]

    def amount(self, key: str) -> Decimal:
        return Decimal(str(self.raw.get(key) or "0"))

    @property
    def citations(self) -> list[Mapping[str, Any]]:
        return list(self.raw.get("citations", []))

    @property
    def rule_sets(self) -> list[Mapping[str, Any]]:
        return list(self.raw.get("rule_sets", []))

    def met(self, code: str) -> bool | None:
        """Whether the reason ``code`` was met (``None`` when the calculator did not test it)."""
        return next((bool(r.get("met")) for r in self.raw.get("reasons", []) if r.get("code") == code), None)
