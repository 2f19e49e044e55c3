"""The subsidy claim's state machine as data (POLICY.md §2.5). Pure.

A claim goes from ``draft`` to the 旗县/开发区 bureau's pre-review (``county_review``), to the 盟市 bureau's review
(``city_review``) when the year's rule set says so, to the operator (``operator_review``); each reviewer passes it,
returns it for material (the claimant resubmits: it starts again at the first review) or refuses it. The operator
approves; a pro-rata reduction keeps it ``approved``; published, it is in ``publicity`` (公示) for the rule set's
working days; then the operator lists it for disbursement (``listed``). A claim whose contract is rescinded is
``withdrawn`` by the system. :mod:`techmarket.incentives.claims.review` attaches guards and effects.
"""

from __future__ import annotations

import enum
from typing import Any

from flask_babel import lazy_gettext as _l

from techmarket.core.transitions import Transition, transition


class Status(enum.StrEnum):
    DRAFT = "draft"
    COUNTY_REVIEW = "county_review"
    CITY_REVIEW = "city_review"
    OPERATOR_REVIEW = "operator_review"
    RETURNED = "returned"
    REFUSED = "refused"
    APPROVED = "approved"
    PUBLICITY = "publicity"
    LISTED = "listed"
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    Status.DRAFT: _l("Draft"),
    Status.COUNTY_REVIEW: _l("County pre-review"),
    Status.CITY_REVIEW: _l("Prefecture review"),
    Status.OPERATOR_REVIEW: _l("Operator review"),
    Status.RETURNED: _l("Returned for material"),
    Status.REFUSED: _l("Refused"),
    Status.APPROVED: _l("Approved"),
    Status.PUBLICITY: _l("In publicity"),
    Status.LISTED: _l("Listed for disbursement"),
    Status.WITHDRAWN: _l("Withdrawn"),
}

CLAIMANT, COUNTY, CITY, OPERATOR, SYSTEM = "claimant", "county", "city", "operator", "system"
REVIEWING = frozenset({Status.COUNTY_REVIEW, Status.CITY_REVIEW, Status.OPERATOR_REVIEW})
OPEN = frozenset({Status.DRAFT, Status.RETURNED, *REVIEWING})
ALIVE = frozenset({*OPEN, Status.APPROVED, Status.PUBLICITY, Status.LISTED})
"""States in which the claim's contracts are counted for the year."""
ENDED = frozenset({Status.REFUSED, Status.WITHDRAWN})


def _county(claim: Any) -> bool:
    return bool(claim.division_code)


def _city(claim: Any) -> bool:
    return bool(claim.city_review and claim.prefecture_code)


def _city_only(claim: Any) -> bool:
    return not _county(claim) and _city(claim)


def _submit_rows(source: Status, event: str) -> tuple[Transition, ...]:
    return (transition("submit", {source}, Status.COUNTY_REVIEW, CLAIMANT, event, when=_county),
            transition("submit", {source}, Status.CITY_REVIEW, CLAIMANT, event, when=_city_only),
            transition("submit", {source}, Status.OPERATOR_REVIEW, CLAIMANT, event))


TRANSITIONS: tuple[Transition, ...] = (
    *_submit_rows(Status.DRAFT, "submitted"),
    *_submit_rows(Status.RETURNED, "resubmitted"),
    transition("withdraw", OPEN, Status.WITHDRAWN, CLAIMANT, "withdrawn"),
    transition("pre_pass", {Status.COUNTY_REVIEW}, Status.CITY_REVIEW, COUNTY, "pre_reviewed", when=_city),
    transition("pre_pass", {Status.COUNTY_REVIEW}, Status.OPERATOR_REVIEW, COUNTY, "pre_reviewed"),
    transition("pre_return", {Status.COUNTY_REVIEW}, Status.RETURNED, COUNTY, "returned"),
    transition("pre_refuse", {Status.COUNTY_REVIEW}, Status.REFUSED, COUNTY, "refused"),
    transition("city_pass", {Status.CITY_REVIEW}, Status.OPERATOR_REVIEW, CITY, "city_reviewed"),
    transition("city_return", {Status.CITY_REVIEW}, Status.RETURNED, CITY, "returned"),
    transition("city_refuse", {Status.CITY_REVIEW}, Status.REFUSED, CITY, "refused"),
    transition("approve", {Status.OPERATOR_REVIEW}, Status.APPROVED, OPERATOR, "approved"),
    transition("return", {Status.OPERATOR_REVIEW}, Status.RETURNED, OPERATOR, "returned"),
    transition("refuse", {Status.OPERATOR_REVIEW}, Status.REFUSED, OPERATOR, "refused"),
    transition("reduce", {Status.APPROVED}, Status.APPROVED, OPERATOR, "reduced"),
    transition("publish", {Status.APPROVED}, Status.PUBLICITY, OPERATOR, "published"),
    transition("suspend", {Status.PUBLICITY}, Status.OPERATOR_REVIEW, OPERATOR, "suspended"),
    transition("list", {Status.PUBLICITY}, Status.LISTED, OPERATOR, "listed"),
    transition("rescind", OPEN | {Status.APPROVED, Status.PUBLICITY}, Status.WITHDRAWN, SYSTEM,
               "withdrawn_rescinded"),
)

#: The decisions each reviewer takes on the review page, in the order the buttons show.
DECISIONS = {
    COUNTY: ("pre_pass", "pre_return", "pre_refuse"),
    CITY: ("city_pass", "city_return", "city_refuse"),
    OPERATOR: ("approve", "return", "refuse"),
}
NEEDS_REASON = frozenset({"pre_return", "pre_refuse", "city_return", "city_refuse", "return", "refuse", "suspend",
                          "withdraw"})
