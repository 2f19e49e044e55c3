"""The trading state machines as data: offers, threads, 挂牌 sales, registrations and deals. Pure.

Guards and effects that need the database are attached in :mod:`techmarket.trading.machines`, which applies
these tables through :func:`techmarket.core.workflow.apply`.
"""

from __future__ import annotations

from techmarket.core.transitions import Transition, transition
from techmarket.trading.constants import DealStatus as D
from techmarket.trading.constants import OfferStatus as O
from techmarket.trading.constants import RegistrationStatus as R
from techmarket.trading.constants import SaleStatus as S
from techmarket.trading.constants import ThreadStatus as T

RECIPIENT = "recipient"  # a member of the side an offer was made to
MAKER = "maker"  # a member of the side that made it
PARTY = "party"  # a member of either side
OWNER = "owner"  # a member of the listing's organisation
BUYER = "buyer"  # a member of the registered organisation
OPERATOR = "operator"
SYSTEM = "system"

OFFER: tuple[Transition, ...] = (
    transition("accept", {O.PENDING}, O.ACCEPTED, RECIPIENT, "accepted"),
    transition("reject", {O.PENDING}, O.REJECTED, RECIPIENT, "rejected"),
    transition("counter", {O.PENDING}, O.COUNTERED, RECIPIENT, "countered"),
    transition("withdraw", {O.PENDING}, O.WITHDRAWN, MAKER, "withdrawn"),
    transition("expire", {O.PENDING}, O.EXPIRED, SYSTEM, "expired"),
)

THREAD: tuple[Transition, ...] = (
    transition("agree", {T.OPEN}, T.AGREED, SYSTEM, "agreed"),
    transition("close", {T.OPEN}, T.CLOSED, PARTY, "closed"),
)

SALE: tuple[Transition, ...] = (
    transition("approve", {S.PENDING}, S.OPEN, OPERATOR, "approved"),
    transition("refuse", {S.PENDING}, S.REFUSED, OPERATOR, "refused"),
    transition("withdraw", {S.PENDING, S.OPEN, S.UNSOLD, S.REFUSED}, S.WITHDRAWN, OWNER, "withdrawn"),
    # The end of the 挂牌期: the row is chosen by the number of qualified buyers.
    transition("close", {S.OPEN}, S.SOLD, SYSTEM, "sold", when=lambda s: s.qualified_count == 1),
    transition("close", {S.OPEN}, S.UNSOLD, SYSTEM, "unsold", when=lambda s: s.qualified_count == 0),
    transition("close", {S.OPEN}, S.COMPETING, SYSTEM, "competing", when=lambda s: s.qualified_count >= 2),
    # Relisting (the same or a lower price, a new period) goes back to the operator.
    transition("relist", {S.UNSOLD, S.REFUSED}, S.PENDING, OWNER, "relisted"),
    # Competing bids: an online auction with the listed price as the start decides (the operator may still
    # record a buyer chosen by negotiation with each).
    transition("choose", {S.COMPETING}, S.SOLD, OPERATOR, "buyer_chosen"),
    transition("auction_sold", {S.COMPETING}, S.SOLD, SYSTEM, "sold_by_auction"),
    transition("auction_failed", {S.COMPETING}, S.UNSOLD, SYSTEM, "unsold"),
)

REGISTRATION: tuple[Transition, ...] = (
    transition("qualify", {R.PENDING}, R.QUALIFIED, OPERATOR, "qualified"),
    transition("refuse", {R.PENDING, R.QUALIFIED}, R.REFUSED, OPERATOR, "refused"),
    transition("withdraw", {R.PENDING, R.QUALIFIED}, R.WITHDRAWN, BUYER, "withdrawn"),
)

DEAL: tuple[Transition, ...] = (
    transition("publicise", {D.AGREED}, D.PUBLICITY, SYSTEM, "publicised"),
    transition("conclude", {D.AGREED, D.PUBLICITY}, D.CONCLUDED, SYSTEM, "concluded"),
    # The auction that made the deal was annulled: contracts (above) hears ``deal.cancelled`` and ends the draft.
    transition("cancel", {D.AGREED, D.PUBLICITY, D.CONCLUDED}, D.CANCELLED, SYSTEM, "cancelled"),
)
