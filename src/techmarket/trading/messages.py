"""Notification texts of the trading domain (each person reads them in their own language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "offer_made": _l("%(org)s made an offer on “%(title)s”."),
    "offer_accepted": _l("Your offer on “%(title)s” was accepted."),
    "offer_rejected": _l("Your offer on “%(title)s” was rejected: %(reason)s"),
    "offer_expired": _l("Your offer on “%(title)s” expired without an answer."),
    "offer_withdrawn": _l("The offer on “%(title)s” was withdrawn."),
    "negotiation_closed": _l("The negotiation about “%(title)s” was closed."),
    "sale_requested": _l("“%(title)s” is waiting for approval to be listed for sale."),
    "sale_approved": _l("“%(title)s” is listed for sale."),
    "sale_refused": _l("Listing “%(title)s” for sale was refused: %(reason)s"),
    "sale_unsold": _l("The listing period of “%(title)s” ended without a qualified buyer. You may relist it."),
    "sale_competing": _l("“%(title)s” has two or more qualified buyers: competing bids are needed."),
    "registration_made": _l("%(org)s registered as an intended buyer of “%(title)s”."),
    "registration_qualified": _l("Your registration for “%(title)s” passed the qualification check."),
    "registration_refused": _l("Your registration for “%(title)s” was refused: %(reason)s"),
    "deal_publicised": _l("The deal on “%(title)s” is in publicity (公示) until %(until)s."),
    "deal_concluded": _l("The deal on “%(title)s” is concluded; a draft contract is ready to complete."),
    "auction_requested": _l("“%(title)s” is waiting for approval to be auctioned."),
    "auction_approved": _l("The auction of “%(title)s” is approved; bidders may register."),
    "auction_refused": _l("The auction of “%(title)s” was refused: %(reason)s"),
    "auction_sold": _l("The auction of “%(title)s” closed with a sale; the result is in publicity (公示)."),
    "auction_failed": _l("The auction of “%(title)s” failed (流拍)."),
    "auction_bidder_qualified": _l("You passed the qualification check and may bid in the auction of “%(title)s”."),
    "auction_bidder_refused": _l("Your registration for the auction of “%(title)s” was refused: %(reason)s"),
    "deposit_released": _l("Your deposit for the auction of “%(title)s” is to be refunded by %(date)s."),
    "objection_submitted": _l("An objection was raised to the result of the auction of “%(title)s”."),
}
