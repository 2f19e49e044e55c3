"""Organisation forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from techmarket.core.forms import SafeForm, strip
from techmarket.orgs.constants import (
    LISTING_BOARDS,
    MEMBER_ROLE_LABELS,
    ORG_TYPE_LABELS,
    PROVINCES,
    REGION_KIND_LABELS,
)
from techmarket.orgs.services import OrgData


class OrganisationForm(SafeForm):
    name = StringField(_l("Registered name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    org_type = SelectField(_l("Type"), choices=[SelectChoice(k.value, v) for k, v in ORG_TYPE_LABELS.items()])
    region_kind = RadioField(_l("Registered in"),
                             choices=[SelectChoice(k.value, v) for k, v in REGION_KIND_LABELS.items()],
                             default="local")
    credit_code = StringField(_l("Unified social credit code"), filters=[strip],
                              validators=[Optional(), Length(max=40)],
                              description=_l("18 characters, as on the business licence."))
    claim_real_code = BooleanField(_l("My code is real although it fails the check: ask the operator to "
                                      "confirm it"))
    foreign_registration = StringField(_l("Registration number (organisations outside China)"),
                                       filters=[strip], validators=[Optional(), Length(max=64)])
    division_code = SelectField(_l("League/city and banner/county"), choices=[], validate_choice=False,
                                description=_l("* marks development zones used in statistics."))
    province = SelectField(_l("Province"), choices=[SelectChoice("", "—"), *[SelectChoice(p, p) for p in PROVINCES]])
    country = StringField(_l("Country"), filters=[strip], validators=[Optional(), Length(max=100)])
    address = StringField(_l("Address"), filters=[strip], validators=[Optional(), Length(max=300)])
    contact_name = StringField(_l("Contact person"), filters=[strip], validators=[Optional(), Length(max=100)])
    contact_phone = StringField(_l("Contact phone"), filters=[strip], validators=[Optional(), Length(max=32)])
    contact_email = EmailField(_l("Contact email"), filters=[strip],
                               validators=[Optional(), Email(), Length(max=254)])
    is_high_tech = BooleanField(_l("National high-tech enterprise"))
    high_tech_cert_date = DateField(_l("High-tech certificate date"), validators=[Optional()])
    is_tech_sme = BooleanField(_l("Technology-based SME"))
    state_owned = BooleanField(_l("State-owned"))
    relocated = BooleanField(_l("Relocated to Inner Mongolia from outside the region"))
    first_revenue_year = IntegerField(_l("Year of first production revenue"), validators=[Optional()])
    listing_board = SelectField(_l("Listed on"), choices=[SelectChoice(k, v) for k, v in LISTING_BOARDS.items()])

    def to_data(self) -> OrgData:
        return OrgData(
            name=self.name.data or "", org_type=self.org_type.data or "", region_kind=self.region_kind.data or "",
            credit_code=self.credit_code.data or "", claim_real_code=bool(self.claim_real_code.data),
            foreign_registration=self.foreign_registration.data or "",
            division_code=self.division_code.data or "", province=self.province.data or "",
            country=self.country.data or "", address=self.address.data or "",
            contact_name=self.contact_name.data or "", contact_phone=self.contact_phone.data or "",
            contact_email=self.contact_email.data or "", is_high_tech=bool(self.is_high_tech.data),
            high_tech_cert_date=self.high_tech_cert_date.data, is_tech_sme=bool(self.is_tech_sme.data),
            state_owned=bool(self.state_owned.data), relocated=bool(self.relocated.data),
            first_revenue_year=self.first_revenue_year.data, listing_board=self.listing_board.data or "",
        )


class InviteForm(SafeForm):
    email = EmailField(_l("Email"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[SelectChoice(k.value, v) for k, v in MEMBER_ROLE_LABELS.items()],
                       default="member")


class DecisionForm(SafeForm):
    decision = RadioField(_l("Decision"), choices=[SelectChoice("verify", _l("Verify")),
                                                   SelectChoice("return", _l("Return"))],
                          validators=[DataRequired()])
    reason = TextAreaField(_l("Reason for returning"), filters=[strip], validators=[Length(max=2000)])
    override_reason = TextAreaField(_l("Credit code override: how was the code confirmed?"), filters=[strip],
                                    validators=[Length(max=2000)])
    version = HiddenField()


class ActionForm(SafeForm):
    """A button with only the CSRF token."""


class MemberRoleForm(SafeForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(k.value, v) for k, v in MEMBER_ROLE_LABELS.items()])
