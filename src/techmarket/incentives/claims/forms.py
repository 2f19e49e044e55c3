"""The claim forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from techmarket.core.forms import SafeForm, strip
from techmarket.incentives.claims.review import MAX_CONTACT, MAX_NAME, MAX_TEXT

ROLE_LABELS = {"buyer": _l("Buyer"), "seller": _l("Seller"), "agency": _l("Technology-transfer agency")}


class StartForm(SafeForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[DataRequired()])
    role = SelectField(_l("You claim as"), choices=[SelectChoice(k, v) for k, v in ROLE_LABELS.items()],
                       validators=[DataRequired()])


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ApplyForm(SafeForm):
    contracts = Checkboxes(_l("Registered contracts"), coerce=int)
    vouchers = Checkboxes(_l("Payment vouchers (confirmed payments)"), coerce=int)
    requested = StringField(_l("Amount requested (yuan)"), filters=[strip], validators=[Optional()],
                            render_kw={"inputmode": "decimal", "autocomplete": "off"},
                            description=_l("Optional: blank requests the computed amount."))
    statement = TextAreaField(_l("Explanation"), filters=[strip], validators=[Optional(), Length(max=4000)],
                              description=_l("Optional: what the reviewers should know about the claim."))


class ActForm(SafeForm):
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[Optional(), Length(max=2000)],
                           description=_l("Required to return, refuse or withdraw: the claimant reads it."))
    version = HiddenField()


class ListForm(SafeForm):
    notice_on = DateField(_l("Date the transfer notice arrived"), validators=[DataRequired()])
    version = HiddenField()


class ObjectionForm(SafeForm):
    name = StringField(_l("Your name or organisation"), filters=[strip], validators=[DataRequired(),
                                                                                     Length(max=MAX_NAME)])
    contact = StringField(_l("Telephone or email"), filters=[strip], validators=[DataRequired(),
                                                                                 Length(max=MAX_CONTACT)])
    text = TextAreaField(_l("Objection"), filters=[strip], validators=[DataRequired(), Length(min=10, max=MAX_TEXT)])


class AnswerForm(SafeForm):
    answer = TextAreaField(_l("Answer"), filters=[strip], validators=[DataRequired(), Length(max=2000)])


class AreaForm(SafeForm):
    email = StringField(_l("Email of the bureau user"), filters=[strip], validators=[DataRequired(), Length(max=254)])
    division_code = StringField(_l("Division code (旗县 or 盟市)"), filters=[strip],
                                validators=[DataRequired(), Length(min=6, max=6)])
