"""Forms of the trading pages. Amounts are typed as text and parsed by the services' rules (a clear message for
anything that is not a finite number of yuan)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from techmarket.core.clock import local_today
from techmarket.core.forms import strip
from techmarket.listings.constants import TRANSACTION_MODES
from techmarket.listings.models import Listing
from techmarket.orgs.models import Organisation
from techmarket.trading.constants import SALE_DAYS_DEFAULT
from techmarket.trading.sales import SaleData
from techmarket.trading.terms import OfferData, to_decimal


def mode_choices(listing: Listing) -> list[tuple[str, str]]:
    return [(m, str(TRANSACTION_MODES.get(m, m))) for m in listing.modes]


class OfferForm(FlaskForm):
    org_id = SelectField(_l("Offer as"), coerce=int, choices=[], validate_choice=False)
    mode = SelectField(_l("Transaction mode"), choices=[], validate_choice=False)
    negotiable = BooleanField(_l("Price to be negotiated (面议): give a range"))
    price = StringField(_l("Price (yuan)"), filters=[strip], validators=[Length(max=40)])
    price_min = StringField(_l("From (yuan)"), filters=[strip], validators=[Length(max=40)])
    price_max = StringField(_l("To (yuan)"), filters=[strip], validators=[Length(max=40)])
    payment_note = TextAreaField(_l("Payment schedule"), filters=[strip], validators=[Length(max=2000)],
                                 description=_l("For example: 30 percent on signing, 70 percent after acceptance."))
    licence_scope = StringField(_l("Licence scope"), filters=[strip], validators=[Length(max=200)],
                                description=_l("Licences only: the products or fields of use covered."))
    licence_years = IntegerField(_l("Licence term (years)"), validators=[Optional(), NumberRange(1, 100)])
    territory = StringField(_l("Licence territory"), filters=[strip], validators=[Length(max=200)])
    valid_until = DateField(_l("Valid until"), validators=[DataRequired()])
    note = TextAreaField(_l("Message to the other side"), filters=[strip], validators=[Length(max=2000)])
    version = HiddenField()

    def setup(self, listing: Listing, orgs: list[Organisation] | None = None) -> OfferForm:
        self.mode.choices = mode_choices(listing)
        self.org_id.choices = [(o.id, o.name) for o in orgs or []]
        if self.valid_until.data is None and not self.is_submitted():
            self.valid_until.data = local_today() + dt.timedelta(days=14)
        return self

    def data_obj(self) -> OfferData:
        return OfferData(mode=self.mode.data or "", valid_until=self.valid_until.data,
                         price=to_decimal(self.price.data), negotiable=bool(self.negotiable.data),
                         price_min=to_decimal(self.price_min.data), price_max=to_decimal(self.price_max.data),
                         payment_note=self.payment_note.data or "", licence_scope=self.licence_scope.data or "",
                         licence_years=self.licence_years.data, territory=self.territory.data or "",
                         note=self.note.data or "")


class SaleForm(FlaskForm):
    price = StringField(_l("Listed price (yuan)"), filters=[strip], validators=[Length(max=40)])
    mode = SelectField(_l("Transaction mode"), choices=[], validate_choice=False)
    working_days = IntegerField(_l("Listing period (working days)"), default=SALE_DAYS_DEFAULT,
                                validators=[DataRequired(), NumberRange(1, 1000)],
                                description=_l("At least 10 working days; 20 by default."))
    related_parties = TextAreaField(_l("Related parties"), filters=[strip], validators=[Length(max=2000)],
                                    description=_l("Unified social credit codes of organisations related to the "
                                                   "seller, separated by commas; they cannot qualify as buyers."))
    version = HiddenField()

    def setup(self, listing: Listing) -> SaleForm:
        self.mode.choices = mode_choices(listing)
        return self

    def data_obj(self) -> SaleData:
        return SaleData(price=to_decimal(self.price.data), mode=self.mode.data or "",
                        working_days=self.working_days.data, related_parties=self.related_parties.data or "")


class ReasonForm(FlaskForm):
    version = HiddenField()
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[Length(max=2000)])


class RegisterForm(FlaskForm):
    org_id = SelectField(_l("Register as"), coerce=int, choices=[], validate_choice=False)
    statement = TextAreaField(_l("Statement of intent"), filters=[strip], validators=[Length(max=2000)],
                              description=_l("Why you want the technology and how you will put it to use."))


class ChooseForm(FlaskForm):
    version = HiddenField()
    registration_id = SelectField(_l("Chosen buyer"), coerce=int, choices=[], validate_choice=False)
    price = StringField(_l("Agreed price (yuan)"), filters=[strip], validators=[Length(max=40)])


def version_of(form: Any) -> int | None:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None
