"""``broker-reward`` — POLICY.md §2.5 and clause (十一): the reward of a technology broker (技术经纪人) for a
registered contract attributed to them.

reward = min(cap, attributed amount × share × rate), nothing below ``min_contract_amount`` or for an
unregistered contract. The shipped rate (1.5%, as some regions pay) is an example for the operator to set.
Resolved on the registration date.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .. import citations as cite
from ..breakdown import Breakdown
from ..defaults import BROKER_REWARD
from ..fields import FieldSpec
from ..money import ZERO, money
from ..ruleset import RuleBook, RuleSet
from .common import reason, resolve

FIELDS = [
    FieldSpec("contract_amount", "money", True, None, label_zh="登记技术交易额",
              label_en="registered technical amount"),
    FieldSpec("share", "rate", False, None, label_zh="经纪人分成比例", label_en="broker's share of the deal",
              help_zh="多名经纪人共同促成时的分成，缺省为全部", help_en="when several brokers share the deal; "
              "defaults to all of it"),
    FieldSpec("registration_date", "date", True, None, label_zh="登记日期", label_en="registration date"),
    FieldSpec("registered", "bool", False, True, label_zh="已认定登记", label_en="registered (认定登记)"),
]


def check_rule_set(rule_set: RuleSet) -> None:
    for key in ("rate", "cap", "min_contract_amount"):
        rule_set.decimal(key)
    if not Decimal(0) <= rule_set.decimal("rate") <= Decimal(1):
        raise ValueError("rate must be between 0 and 1")


def compute(values: Mapping[str, Any], book: RuleBook, today: datetime.date, out: Breakdown) -> dict[str, Any]:
    rule_set = resolve(book, out, BROKER_REWARD, values["registration_date"], "registration_date")
    amount = values["contract_amount"]
    share = values["share"] if values["share"] is not None else Decimal(1)
    rate, cap = rule_set.decimal("rate"), money(rule_set.decimal("cap"))
    minimum = money(rule_set.decimal("min_contract_amount"))
    reasons = [
        reason("registered", bool(values["registered"]), "合同已认定登记" if values["registered"] else "合同未认定登记",
               "contract registered" if values["registered"] else "contract not registered"),
        reason("minimum", amount >= minimum, f"技术交易额不低于 {minimum} 元",
               f"technical amount at least {minimum} yuan"),
    ]
    attributed = money(amount * share)
    out.step("归属金额", "attributed amount", f"{amount} × {share}", attributed)
    uncapped = money(attributed * rate)
    out.step("奖励（未封顶）", "reward before the cap", f"{attributed} × {rate}", uncapped)
    eligible = all(r["met"] for r in reasons)
    reward = min(uncapped, cap) if eligible else ZERO
    out.step("核定奖励", "reward", f"min({uncapped}, cap {cap}) if every condition is met, else 0", reward)
    out.cite(cite.BROKER_REWARD_11)
    return {"eligible": eligible, "reward": reward, "attributed": attributed, "rate": rate, "cap": cap,
            "uncapped_reward": uncapped, "reasons": reasons}
