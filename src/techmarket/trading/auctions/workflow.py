"""The auction state machines as data: auctions, bidders, deposits and objections. Pure.

Guards and effects that need the database are attached in :mod:`techmarket.trading.auctions.machines`.
"""

from __future__ import annotations

from techmarket.core.transitions import Transition, transition
from techmarket.trading.auctions.constants import AuctionStatus as A
from techmarket.trading.auctions.constants import BidderStatus as B
from techmarket.trading.auctions.constants import DepositStatus as D
from techmarket.trading.auctions.constants import ObjectionStatus as O

OWNER = "owner"  # a member of the selling organisation
BIDDER = "bidder"  # a member of the bidding organisation
OPERATOR = "operator"  # the market operator (the system may act for it)
SYSTEM = "system"

AUCTION: tuple[Transition, ...] = (
    transition("approve", {A.DRAFT}, A.SCHEDULED, OPERATOR, "approved"),
    transition("refuse", {A.DRAFT}, A.REFUSED, OPERATOR, "refused"),
    transition("withdraw", {A.DRAFT, A.SCHEDULED, A.REFUSED, A.FAILED}, A.WITHDRAWN, OWNER, "withdrawn"),
    transition("open", {A.SCHEDULED}, A.OPEN, SYSTEM, "opened"),
    # The close: the row is chosen by the outcome the mode computed (set on the auction before applying).
    transition("close", {A.OPEN}, A.SOLD, SYSTEM, "sold", when=lambda a: a.winner_bidder_id is not None),
    transition("close", {A.OPEN}, A.FAILED, SYSTEM, "failed", when=lambda a: a.winner_bidder_id is None),
    transition("publicise", {A.SOLD}, A.PUBLICITY, SYSTEM, "publicised"),
    transition("finalise", {A.PUBLICITY}, A.FINAL, SYSTEM, "finalised"),
    transition("annul", {A.PUBLICITY}, A.ANNULLED, OPERATOR, "annulled"),
    # 流拍: the owner may relist (new times, the same or a lower start price); the operator approves again.
    transition("relist", {A.FAILED, A.REFUSED}, A.DRAFT, OWNER, "relisted"),
)

BIDDER_ROWS: tuple[Transition, ...] = (
    transition("qualify", {B.PENDING}, B.QUALIFIED, OPERATOR, "qualified"),
    transition("refuse", {B.PENDING, B.QUALIFIED}, B.REFUSED, OPERATOR, "refused"),
    transition("withdraw", {B.PENDING, B.QUALIFIED}, B.WITHDRAWN, BIDDER, "withdrawn"),
)

DEPOSIT: tuple[Transition, ...] = (
    transition("secure", {D.DUE}, D.SECURED, OPERATOR, "secured"),
    transition("release", {D.SECURED}, D.RELEASED, SYSTEM, "released"),
    transition("release", {D.APPLIED}, D.RELEASED, SYSTEM, "released"),  # the result was annulled
    transition("apply_to_price", {D.SECURED}, D.APPLIED, SYSTEM, "applied"),
    transition("forfeit", {D.APPLIED}, D.FORFEITED, OPERATOR, "forfeited"),
    transition("record_refund", {D.RELEASED, D.APPLIED}, D.REFUNDED, OPERATOR, "refunded"),
)

OBJECTION: tuple[Transition, ...] = (
    transition("uphold", {O.PENDING}, O.UPHELD, OPERATOR, "upheld"),
    transition("dismiss", {O.PENDING}, O.DISMISSED, OPERATOR, "dismissed"),
)
