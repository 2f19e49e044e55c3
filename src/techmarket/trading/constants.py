"""States and labels of the trading domain (data, not rules)."""

from __future__ import annotations

import enum
from decimal import Decimal

from flask_babel import lazy_gettext as _l


class OfferStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    COUNTERED = "countered"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class ThreadStatus(enum.StrEnum):
    OPEN = "open"
    AGREED = "agreed"
    CLOSED = "closed"


class SaleStatus(enum.StrEnum):
    """A 挂牌 listed-price sale."""

    PENDING = "pending"  # waiting for the operator's approval
    REFUSED = "refused"
    OPEN = "open"  # the 挂牌期 runs; intended buyers register
    UNSOLD = "unsold"  # ended without a qualified buyer: relist or lower the price
    COMPETING = "competing"  # two or more qualified buyers: competing bids needed
    SOLD = "sold"
    WITHDRAWN = "withdrawn"


class RegistrationStatus(enum.StrEnum):
    PENDING = "pending"
    QUALIFIED = "qualified"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class DealStatus(enum.StrEnum):
    AGREED = "agreed"
    PUBLICITY = "publicity"  # 公示 of a publicly funded result before it closes
    CONCLUDED = "concluded"
    CANCELLED = "cancelled"  # the auction that made it was annulled (an upheld objection)


STATUS_LABELS = {
    "pending": _l("Waiting for an answer"),
    "accepted": _l("Accepted"),
    "rejected": _l("Rejected"),
    "countered": _l("Countered"),
    "expired": _l("Expired"),
    "withdrawn": _l("Withdrawn"),
    "open": _l("Negotiating"),
    "agreed": _l("Agreed"),
    "closed": _l("Closed"),
    "refused": _l("Refused"),
    "unsold": _l("Ended without a buyer"),
    "competing": _l("Competing bids needed"),
    "sold": _l("Sold"),
    "qualified": _l("Qualified"),
    "publicity": _l("In publicity (公示)"),
    "concluded": _l("Concluded"),
    "cancelled": _l("Cancelled"),
}

SALE_STATUS_LABELS = {**STATUS_LABELS, "pending": _l("Waiting for the operator's approval"),
                      "open": _l("Listed (the period runs)")}

REGISTRATION_STATUS_LABELS = {**STATUS_LABELS, "pending": _l("Waiting for the qualification check")}

LICENCE_MODES = ("licence_exclusive", "licence_sole", "licence_ordinary")
"""The listing's transaction modes that are licences (POLICY.md §3: 独占/排他/普通)."""

SALE_DAYS_DEFAULT = 20
SALE_DAYS_MIN = 10
SALE_DAYS_MAX = 120
PUBLICITY_DAYS = 15
"""A publicly funded result's deal waits at least this many days in publicity (公示) before it closes."""
MAX_PRICE = Decimal(100_000_000_000)
