"""States and labels of auctions, bidders, deposits and objections (data, not rules)."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class AuctionStatus(enum.StrEnum):
    DRAFT = "draft"  # the owner asked; waiting for the operator's approval
    REFUSED = "refused"
    SCHEDULED = "scheduled"  # approved; bidders register, bidding has not started
    OPEN = "open"
    SOLD = "sold"  # closed with a winner
    FAILED = "failed"  # 流拍: no valid bid or below the reserve
    PUBLICITY = "publicity"  # 成交公示
    FINAL = "final"
    ANNULLED = "annulled"  # an objection was upheld
    WITHDRAWN = "withdrawn"


class BidderStatus(enum.StrEnum):
    PENDING = "pending"
    QUALIFIED = "qualified"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class DepositStatus(enum.StrEnum):
    DUE = "due"
    SECURED = "secured"
    RELEASED = "released"
    APPLIED = "applied"
    FORFEITED = "forfeited"
    REFUNDED = "refunded"


class ObjectionStatus(enum.StrEnum):
    PENDING = "pending"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


AUCTION_STATUS_LABELS = {
    "draft": _l("Waiting for the operator's approval"),
    "refused": _l("Refused"),
    "scheduled": _l("Scheduled"),
    "open": _l("Bidding"),
    "sold": _l("Sold"),
    "failed": _l("Failed (no sale)"),
    "publicity": _l("Result in publicity (公示)"),
    "final": _l("Final"),
    "annulled": _l("Annulled"),
    "withdrawn": _l("Withdrawn"),
}

BIDDER_STATUS_LABELS = {
    "pending": _l("Waiting for the qualification check"),
    "qualified": _l("Qualified"),
    "refused": _l("Refused"),
    "withdrawn": _l("Withdrawn"),
}

DEPOSIT_STATUS_LABELS = {
    "due": _l("Deposit due"),
    "secured": _l("Deposit secured"),
    "released": _l("Deposit released, refund due"),
    "applied": _l("Deposit applied to the price"),
    "forfeited": _l("Deposit forfeited"),
    "refunded": _l("Deposit refunded"),
}

OBJECTION_STATUS_LABELS = {
    "pending": _l("Waiting for the operator's decision"),
    "upheld": _l("Upheld"),
    "dismissed": _l("Dismissed"),
}

# How a deposit was paid (the payments domain above trading keeps its own copy of these words).
DEPOSIT_GATEWAY_LABELS = {"offline": _l("Bank transfer"), "stripe": _l("Card (Stripe)")}

MODE_LABELS = {
    "english": _l("English ascending (free, then timed bidding)"),
    "sealed": _l("Sealed single bid"),
    "reverse": _l("Reverse (lowest price wins)"),
}

PUBLICITY_WORKING_DAYS = 5
"""The 成交公示 lasts this many working days."""
REFUND_WORKING_DAYS = 5
"""Losers' deposits are refunded within this many working days of the close."""
EXTENSION_MINUTES_DEFAULT = 5
