"""The payment forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField
from wtforms.validators import Length, Optional, Regexp

from techmarket.core.forms import SafeForm


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class PayForm(SafeForm):
    """Start a payment. Without ``payment_method`` (the pages' buttons) a card payment waits for the card, which
    the payer gives on the payment's page in Stripe.js's card field (:mod:`techmarket.payments.cards`); with a
    PaymentMethod id made elsewhere (never card details) it is confirmed at once."""

    method = HiddenField(default="stripe")
    payment_method = HiddenField(filters=[strip], validators=[Optional(), Length(max=100),
                                                               Regexp(r"^pm_[A-Za-z0-9_]+$")])


class ReceiptForm(SafeForm):
    file = FileField(_l("Bank-transfer receipt"), validators=[FileRequired(_l("Attach the bank-transfer receipt."))],
                     description=_l("PDF, PNG or JPEG of the bank's transfer slip."))


class TransferDecisionForm(SafeForm):
    version = HiddenField()
    reason = StringField(_l("Reason (required when not confirming)"), filters=[strip],
                         validators=[Length(max=2000)])


class RefundForm(SafeForm):
    reference = StringField(_l("Reference of the transfer back"), filters=[strip], validators=[Length(max=100)])


class ForfeitForm(SafeForm):
    reason = StringField(_l("Reason"), filters=[strip], validators=[Length(max=2000)])
