"""Forms of the auction pages. Amounts are text parsed by the services' rules; times are typed in China's time
(Asia/Shanghai) and stored in UTC."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateTimeLocalField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from techmarket.core.clock import LOCAL_TZ
from techmarket.core.forms import SafeForm, strip
from techmarket.listings.constants import Kind
from techmarket.listings.models import Listing
from techmarket.trading.auctions.constants import EXTENSION_MINUTES_DEFAULT, MODE_LABELS
from techmarket.trading.auctions.models import Auction
from techmarket.trading.auctions.services import AuctionData
from techmarket.trading.forms import mode_choices
from techmarket.trading.terms import to_decimal


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=LOCAL_TZ).astimezone(dt.UTC) if value is not None else None


def local_naive(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None) if value is not None else None


class AuctionForm(SafeForm):
    mode = SelectField(_l("Auction mode"), choices=[], validate_choice=False)
    trade_mode = SelectField(_l("Transaction mode"), choices=[], validate_choice=False)
    start_price = StringField(_l("Starting price (yuan)"), filters=[strip], validators=[Length(max=40)])
    increment = StringField(_l("Increment (yuan)"), filters=[strip], validators=[Length(max=40)],
                            description=_l("Every bid is the current price plus a whole number of increments "
                                           "(minus, in a reverse auction)."))
    reserve = StringField(_l("Reserve price (yuan, hidden)"), filters=[strip], validators=[Length(max=40)],
                          description=_l("Optional. Below it the auction fails; bidders never see it."))
    deposit_amount = StringField(_l("Deposit (yuan)"), filters=[strip], validators=[Length(max=40)],
                                 description=_l("0: no deposit needed."))
    starts_at = DateTimeLocalField(_l("Bidding starts (China time)"), validators=[Optional()])
    free_ends_at = DateTimeLocalField(_l("Free bidding ends, timed bidding starts (China time)"),
                                      validators=[Optional()])
    timed_minutes = IntegerField(_l("Timed period (minutes)"), default=30, validators=[Optional(),
                                                                                       NumberRange(1, 10000)])
    extension_minutes = IntegerField(_l("Extension (minutes)"), default=EXTENSION_MINUTES_DEFAULT,
                                     validators=[Optional(), NumberRange(1, 10000)],
                                     description=_l("A bid in the last minutes moves the end this much later."))
    related_parties = TextAreaField(_l("Related parties"), filters=[strip], validators=[Length(max=2000)],
                                    description=_l("Unified social credit codes of organisations related to the "
                                                   "seller, separated by commas; they cannot qualify as bidders."))
    version = HiddenField()

    def setup(self, listing: Listing) -> AuctionForm:
        demand = listing.kind == Kind.DEMAND
        self.mode.choices = [(k, str(v)) for k, v in MODE_LABELS.items() if (k == "reverse") == demand]
        self.trade_mode.choices = [("service", str(_l("Technical service")))] if demand else mode_choices(listing)
        return self

    def fill(self, auction: Auction) -> AuctionForm:
        for name in ("start_price", "increment", "reserve", "deposit_amount"):
            value = getattr(auction, name)
            getattr(self, name).data = "" if value is None else str(value)
        self.mode.data, self.trade_mode.data = auction.mode, auction.trade_mode
        self.timed_minutes.data, self.extension_minutes.data = auction.timed_minutes, auction.extension_minutes
        self.related_parties.data, self.version.data = auction.related_parties, str(auction.version)
        return self

    def data_obj(self) -> AuctionData:
        return AuctionData(mode=self.mode.data or "", trade_mode=self.trade_mode.data or "",
                           start_price=to_decimal(self.start_price.data), increment=to_decimal(self.increment.data),
                           reserve=to_decimal(self.reserve.data),
                           deposit_amount=to_decimal(self.deposit_amount.data or "0"),
                           starts_at=_utc(self.starts_at.data), free_ends_at=_utc(self.free_ends_at.data),
                           timed_minutes=self.timed_minutes.data, extension_minutes=self.extension_minutes.data,
                           related_parties=self.related_parties.data or "")


class BidForm(SafeForm):
    amount = StringField(_l("Your bid (yuan)"), filters=[strip], validators=[Length(max=40)])
    key = HiddenField()


class BidderForm(SafeForm):
    org_id = SelectField(_l("Bid as"), coerce=int, choices=[], validate_choice=False)
    agreement = BooleanField(_l("I accept the bidder agreement: bids are binding, the winner signs the contract at "
                                "the final price, a winner who walks away forfeits the deposit."))


class ReasonForm(SafeForm):
    version = HiddenField()
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[Length(max=2000)])


class SecureForm(SafeForm):
    reference = StringField(_l("Bank transfer reference"), filters=[strip], validators=[Length(max=200)])


class ObjectionForm(SafeForm):
    text = TextAreaField(_l("Your objection"), filters=[strip], validators=[Length(max=4000)],
                         description=_l("What is wrong with the result, and how you know."))


def version_of(form: Any) -> int | None:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None


__all__ = ["AuctionForm", "BidForm", "BidderForm", "ObjectionForm", "ReasonForm", "SecureForm", "local_naive"]
