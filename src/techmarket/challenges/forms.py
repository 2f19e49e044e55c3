"""The forms of the challenge pages. The rows of a call (targets, rubric) and of an application (milestones)
are typed one per line with ``|`` between cells, so the pages work without JavaScript."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from techmarket.challenges.constants import (
    DEFAULT_RUBRIC,
    FUND_SOURCES,
    IP_OWNERS,
    REGION_SCOPES,
    RUBRIC_NAMES,
    SELECTION_MODES,
)
from techmarket.challenges.data import (
    CallData,
    rubric_from_text,
    rubric_to_text,
    targets_from_text,
    targets_to_text,
)
from techmarket.challenges.models import Call
from techmarket.core.forms import SafeForm, strip
from techmarket.listings.constants import FIELDS
from techmarket.listings.forms import AmountField, CheckboxListField
from techmarket.orgs.constants import ORG_TYPE_LABELS

LONG = 20000


def _choices(labels: dict[Any, Any], blank: bool = False) -> list[tuple[str, Any]]:
    rows = [(str(k), v) for k, v in labels.items()]
    return [("", _l("— choose —")), *rows] if blank else rows


def default_rubric_text() -> str:
    return "\n".join(f"{RUBRIC_NAMES[k]} | {w} | 10" for k, _name, w in DEFAULT_RUBRIC)


class CallForm(SafeForm):
    poster_org_id = SelectField(_l("Posting organisation"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    public_summary = TextAreaField(_l("Public summary"), filters=[strip], validators=[DataRequired(),
                                                                                       Length(max=LONG)])
    problem = TextAreaField(_l("The problem"), filters=[strip], validators=[DataRequired(), Length(max=LONG)])
    targets = TextAreaField(_l("Technical targets"), filters=[strip], validators=[DataRequired(), Length(max=LONG)],
                            description=_l("One per line: indicator | target value | unit | how it is measured"))
    field = SelectField(_l("Field"), choices=_choices(FIELDS, blank=True), validators=[DataRequired()])
    prefecture_code = SelectField(_l("League or city (盟市)"), validate_choice=False)
    programme = StringField(_l("Government programme (for fiscal funds)"), filters=[strip],
                            validators=[Length(max=200)])
    bounty = AmountField(_l("Bounty (榜额, yuan)"), validators=[DataRequired()])
    fund_source = SelectField(_l("Source of the bounty"), choices=_choices(FUND_SOURCES))
    enterprise_funds = AmountField(_l("Of which enterprise funds (both sources)"), validators=[Optional()])
    fiscal_funds = AmountField(_l("Of which fiscal funds (both sources)"), validators=[Optional()])
    duration_months = IntegerField(_l("Duration (months)"), default=12, validators=[DataRequired(),
                                                                                     NumberRange(1, 120)])
    deadline_on = DateField(_l("Application deadline (end of the day, Beijing time)"), validators=[DataRequired()])
    selection_mode = SelectField(_l("Selection mode"), choices=_choices(SELECTION_MODES))
    max_winners = IntegerField(_l("Number of winners at most"), default=1, validators=[DataRequired(),
                                                                                       NumberRange(1, 20)])
    org_types = CheckboxListField(_l("Organisation types that may apply (none ticked: any)"),
                                  choices=_choices(ORG_TYPE_LABELS), validate_choice=False)
    region_scope = SelectField(_l("Who may apply"), choices=_choices(REGION_SCOPES), default="china")
    consortium_allowed = BooleanField(_l("Consortia (联合揭榜) may apply"), default=True)
    credentials = TextAreaField(_l("Required credentials"), filters=[strip], validators=[Length(max=LONG)])
    rubric = TextAreaField(_l("Review rubric"), filters=[strip], validators=[DataRequired(), Length(max=LONG)],
                           description=_l("One criterion per line: name | weight | scale. The weights add up to "
                                          "100; each section of the application form answers one criterion."))
    ip_owner = SelectField(_l("Owner of the results"), choices=_choices(IP_OWNERS), default="joint")
    ip_licence_back = TextAreaField(_l("Licence back"), filters=[strip], validators=[Length(max=LONG)])
    ip_revenue_sharing = TextAreaField(_l("Revenue sharing"), filters=[strip], validators=[Length(max=LONG)])
    confidential_details = TextAreaField(_l("Confidential details (shown only after the NDA is accepted)"),
                                         filters=[strip], validators=[Length(max=LONG)])
    nda_text = TextAreaField(_l("Non-disclosure agreement"), filters=[strip], validators=[Length(max=LONG)])
    version = HiddenField()

    def fill(self, call: Call) -> None:
        for name in ("poster_org_id", "title", "public_summary", "problem", "field", "prefecture_code", "programme",
                     "bounty", "fund_source", "enterprise_funds", "fiscal_funds", "duration_months",
                     "selection_mode", "max_winners", "org_types", "region_scope", "consortium_allowed",
                     "credentials", "ip_owner", "ip_licence_back", "ip_revenue_sharing", "confidential_details",
                     "nda_text"):
            getattr(self, name).data = getattr(call, name)
        self.prefecture_code.data = call.prefecture_code or ""
        self.targets.data = targets_to_text(call.targets)
        self.rubric.data = rubric_to_text(call.rubric)
        self.version.data = str(call.version)

    def to_data(self) -> CallData:
        return CallData(
            poster_org_id=self.poster_org_id.data, title=self.title.data, problem=self.problem.data,
            public_summary=self.public_summary.data, field=self.field.data, bounty=self.bounty.data or Decimal(0),
            deadline_on=self.deadline_on.data, prefecture_code=self.prefecture_code.data or None,
            programme=self.programme.data or "", targets=targets_from_text(self.targets.data),
            rubric=rubric_from_text(self.rubric.data), fund_source=self.fund_source.data,
            enterprise_funds=self.enterprise_funds.data or Decimal(0),
            fiscal_funds=self.fiscal_funds.data or Decimal(0),
            duration_months=self.duration_months.data, selection_mode=self.selection_mode.data,
            max_winners=self.max_winners.data, org_types=list(self.org_types.data or []),
            region_scope=self.region_scope.data, consortium_allowed=bool(self.consortium_allowed.data),
            credentials=self.credentials.data or "", ip_owner=self.ip_owner.data,
            ip_licence_back=self.ip_licence_back.data or "", ip_revenue_sharing=self.ip_revenue_sharing.data or "",
            confidential_details=self.confidential_details.data or "", nda_text=self.nda_text.data or "")


class ActionForm(SafeForm):
    """The CSRF token, the version the user saw and an optional reason: every button of these pages."""

    version = HiddenField()
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[Length(max=2000)])


class TextForm(SafeForm):
    text = TextAreaField(_l("Text"), filters=[strip], validators=[DataRequired(), Length(max=4000)])


class InviteForm(SafeForm):
    code = StringField(_l("Credit code or registration number abroad"), filters=[strip],
                       validators=[DataRequired(), Length(max=64)])
    role = StringField(_l("Role in the consortium"), filters=[strip], validators=[Length(max=200)])


class FileForm(SafeForm):
    file = FileField(_l("Attachment (PDF, image or Office file)"), validators=[FileRequired()])


class ApplicationForm(SafeForm):
    """The fixed fields; the sections (one per criterion of the call's rubric) are read by name."""

    title = StringField(_l("Title of the proposal"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    budget = AmountField(_l("Budget (yuan)"), validators=[DataRequired()])
    milestones = TextAreaField(_l("Milestones"), filters=[strip], validators=[Length(max=LONG)],
                               description=_l("One per line: deliverable | due date (YYYY-MM-DD) | acceptance "
                                              "criteria (linked to the targets) | share of the bounty in %. The "
                                              "shares add up to 100."))
    version = HiddenField()
