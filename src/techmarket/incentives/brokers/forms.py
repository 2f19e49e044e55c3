"""The broker forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from techmarket.core.forms import SafeForm, strip
from techmarket.incentives.claims.forms import Checkboxes

LEVEL_LABELS = {"junior": _l("Junior"), "intermediate": _l("Intermediate"), "senior": _l("Senior")}


class BrokerForm(SafeForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=100)])
    credential_no = StringField(_l("Credential number"), filters=[strip], validators=[DataRequired(), Length(max=64)])
    credential_level = SelectField(_l("Credential level"),
                                   choices=[SelectChoice(k, v) for k, v in LEVEL_LABELS.items()])
    prefecture_code = SelectField(_l("Prefecture (盟市)"), validators=[DataRequired()])
    organisation_id = SelectField(_l("Organisation (agency)"), coerce=int, validators=[Optional()])
    fields = Checkboxes(_l("Fields"))
    email = StringField(_l("Email of the broker's account (optional)"), filters=[strip],
                        validators=[Optional(), Length(max=254)])
    bio = TextAreaField(_l("About"), filters=[strip], validators=[Optional(), Length(max=2000)])


class AttributeForm(SafeForm):
    registration_number = StringField(_l("Contract registration number"), filters=[strip],
                                      validators=[DataRequired(), Length(max=40)])
    share = StringField(_l("Broker's share"), filters=[strip], default="1", validators=[DataRequired()],
                        description=_l("1 for the whole deal, 0.5 for half when two brokers share it."))
