"""Listing forms: the achievement and demand editors, attachments, workflow actions, inquiries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from techmarket.core.forms import SafeForm, strip
from techmarket.core.inputs import parse_int
from techmarket.listings.constants import (
    CONFIDENTIALITY,
    FIELDS,
    IP_STATUSES,
    IP_TYPES,
    MATURITY,
    TRANSACTION_MODES,
    Kind,
)
from techmarket.listings.data import IPItemData, ListingData, parse_amount, split_keywords

IP_ROWS = 5


def _choices(labels: Mapping[str, Any], *, blank: bool = False) -> list[SelectChoice]:
    return [*([SelectChoice("", "—")] if blank else []), *(SelectChoice(k, v) for k, v in labels.items())]


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as a list of check boxes (works without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AmountField(StringField):
    """Yuan as typed ('1,200,000', '120万'); keeps the text on error, ``data`` is a Decimal or None."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw = valuelist[0] if valuelist else ""
        try:
            self.data = parse_amount(self.raw)
        except ValueError as exc:
            self.data = None
            raise ValueError(str(_l("Enter an amount in yuan, such as 1200000 or 120万."))) from exc

    def process_data(self, value: Any) -> None:
        self.data = value
        self.raw = "" if value is None else _plain(value)

    def _value(self) -> str:
        return str(getattr(self, "raw", "") or "")


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


class RowErrors:
    """Where ``core.forms.submit`` puts the error of one IP-item row (``ip_items-<i>``)."""

    def __init__(self) -> None:
        self.errors: list[str] = []


class IPItemForm(Form):
    ip_type = SelectField(_l("Type"), choices=_choices(IP_TYPES, blank=True), validate_choice=False)
    number = StringField(_l("Number"), filters=[strip], validators=[Optional(), Length(max=40)])
    status = SelectField(_l("Status"), choices=_choices(IP_STATUSES), default="granted", validate_choice=False)
    title = StringField(_l("Title"), filters=[strip], validators=[Optional(), Length(max=200)])

    def is_blank(self) -> bool:
        return not (self.ip_type.data or self.number.data or self.title.data)


class ListingForm(SafeForm):
    """The fields both kinds share. Field names are those of :class:`ListingData`."""

    kind = Kind.ACHIEVEMENT
    organisation_id = SelectField(_l("Organisation"), coerce=int, choices=[], validate_choice=False)
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), filters=[strip], validators=[DataRequired(), Length(max=500)],
                            description=_l("One or two sentences shown in the lists."))
    description = TextAreaField(
        _l("Description"), filters=[strip], validators=[Length(max=20000)],
        description=_l("Markdown: **bold**, *italic*, lists (- item), tables and links. Scripts, images and "
                       "HTML are removed."))
    fields = CheckboxListField(_l("Fields"), choices=_choices(FIELDS), validate_choice=False)
    keywords = StringField(_l("Keywords"), filters=[strip], validators=[Length(max=400)],
                           description=_l("Separated by commas, at most 10."))
    division_code = SelectField(_l("Region"), choices=[], validate_choice=False,
                                description=_l("Leave as it is to use the organisation's region."))
    contact_name = StringField(_l("Contact person"), filters=[strip], validators=[Length(max=100)])
    contact_phone = StringField(_l("Contact phone"), filters=[strip], validators=[Length(max=32)])
    contact_email = StringField(_l("Contact email"), filters=[strip], validators=[Length(max=254)])
    valid_until = DateField(_l("Valid until"), validators=[Optional()],
                            description=_l("The listing expires after this date; at most three years ahead."))
    negotiable = BooleanField(_l("Negotiable (面议): no amount shown"))
    amount_min = AmountField(_l("Amount from (yuan)"), description=_l("For example 500000 or 50万."))
    amount_max = AmountField(_l("Amount up to (yuan)"))
    modes = CheckboxListField(_l("Transaction modes"), choices=_choices(TRANSACTION_MODES),
                              validate_choice=False)

    def __getattr__(self, name: str) -> Any:
        # ``core.forms.submit`` places an error with getattr(form, key): the service names IP-item errors
        # ``ip_items-<i>`` after the i-th *filled* row; map that back to the row on the page.
        if name.startswith("ip_items-") and name[9:].isdigit():
            filled = self.__dict__.get("_filled_rows", [])
            index = int(name[9:])
            row = filled[index] if index < len(filled) else index
            return self.__dict__.setdefault("_row_errors", {}).setdefault(row, RowErrors())
        raise AttributeError(name)

    def has_errors(self) -> bool:
        rows = self.__dict__.get("_row_errors", {}).values()
        return bool(self.errors) or any(holder.errors for holder in rows)

    def row_errors(self, row: int) -> list[str]:
        holder = self.__dict__.get("_row_errors", {}).get(row)
        return holder.errors if holder is not None else []

    def common_data(self) -> dict[str, Any]:
        return {
            "title": self.title.data or "", "summary": self.summary.data or "",
            "description": self.description.data or "", "fields": list(self.fields.data or []),
            "keywords": split_keywords(self.keywords.data or ""), "division_code": self.division_code.data or "",
            "contact_name": self.contact_name.data or "", "contact_phone": self.contact_phone.data or "",
            "contact_email": self.contact_email.data or "", "valid_until": self.valid_until.data,
            "negotiable": bool(self.negotiable.data), "amount_min": self.amount_min.data,
            "amount_max": self.amount_max.data, "modes": list(self.modes.data or []),
        }

    def to_data(self) -> ListingData:
        return ListingData(**self.common_data())

    def fill(self, data: ListingData) -> None:
        """Show existing content (edit page, or a pending revision)."""
        for name in ("title", "summary", "description", "fields", "division_code", "contact_name",
                     "contact_phone", "contact_email", "valid_until", "negotiable", "modes"):
            getattr(self, name).data = getattr(data, name)
        self.keywords.data = ", ".join(data.keywords)
        self.amount_min.process_data(data.amount_min)
        self.amount_max.process_data(data.amount_max)


class AchievementForm(ListingForm):
    kind = Kind.ACHIEVEMENT
    team = TextAreaField(_l("Team and inventors"), filters=[strip], validators=[Length(max=2000)])
    maturity = SelectField(_l("Maturity stage"), choices=_choices(MATURITY, blank=True), validate_choice=False)
    trl = SelectField(_l("Technology readiness level (TRL)"),
                      choices=_choices({str(n): str(n) for n in range(1, 10)}, blank=True), validate_choice=False)
    advantages = TextAreaField(_l("Advantages over existing solutions"), filters=[strip],
                               validators=[Length(max=5000)])
    expected_benefit = TextAreaField(_l("Expected economic benefit"), filters=[strip],
                                     validators=[Length(max=5000)])
    fiscal_funded = BooleanField(_l("Came from fiscally funded research"))
    approval_document = StringField(_l("Approval document for the transfer"), filters=[strip],
                                    validators=[Length(max=200)],
                                    description=_l("Needed when the result came from fiscal funding."))
    application_industries = StringField(_l("Application industries"), filters=[strip],
                                         validators=[Length(max=500)])
    ip_items = FieldList(FormField(IPItemForm), min_entries=IP_ROWS, max_entries=IP_ROWS)

    def to_data(self) -> ListingData:
        rows = [(i, entry.form) for i, entry in enumerate(self.ip_items.entries) if not entry.form.is_blank()]
        self.__dict__["_filled_rows"] = [i for i, _form in rows]
        items = [IPItemData(ip_type=f.ip_type.data or "", number=f.number.data or "",
                            status=f.status.data or "granted", title=f.title.data or "") for _i, f in rows]
        trl = parse_int(self.trl.data, lo=0)
        return ListingData(
            **self.common_data(), team=self.team.data or "", maturity=self.maturity.data or "", trl=trl,
            advantages=self.advantages.data or "", expected_benefit=self.expected_benefit.data or "",
            fiscal_funded=bool(self.fiscal_funded.data), approval_document=self.approval_document.data or "",
            application_industries=self.application_industries.data or "", ip_items=items,
        )

    def fill(self, data: ListingData) -> None:
        super().fill(data)
        for name in ("team", "maturity", "advantages", "expected_benefit", "fiscal_funded", "approval_document",
                     "application_industries"):
            getattr(self, name).data = getattr(data, name)
        self.trl.data = str(data.trl) if data.trl else ""
        for entry, item in zip(self.ip_items.entries, data.ip_items, strict=False):
            entry.form.ip_type.data, entry.form.number.data = item.ip_type, item.number
            entry.form.status.data, entry.form.title.data = item.status, item.title


class DemandForm(ListingForm):
    kind = Kind.DEMAND
    description = TextAreaField(
        _l("Problem statement"), filters=[strip], validators=[Length(max=20000)],
        description=_l("Markdown: **bold**, *italic*, lists (- item), tables and links. Scripts, images and "
                       "HTML are removed."))
    technical_targets = TextAreaField(_l("Technical targets"), filters=[strip], validators=[Length(max=5000)])
    deadline = DateField(_l("Deadline for solutions"), validators=[Optional()])
    confidentiality = RadioField(_l("Who may see the details"), choices=_choices(CONFIDENTIALITY),
                                 default="public")
    modes = CheckboxListField(_l("Cooperation modes wanted"), choices=_choices(TRANSACTION_MODES),
                              validate_choice=False)
    amount_min = AmountField(_l("Budget from (yuan)"), description=_l("For example 500000 or 50万."))
    amount_max = AmountField(_l("Budget up to (yuan)"))

    def to_data(self) -> ListingData:
        return ListingData(**self.common_data(), technical_targets=self.technical_targets.data or "",
                           deadline=self.deadline.data, confidentiality=self.confidentiality.data or "public")

    def fill(self, data: ListingData) -> None:
        super().fill(data)
        self.technical_targets.data = data.technical_targets
        self.deadline.data = data.deadline
        self.confidentiality.data = data.confidentiality


FORMS: dict[Kind, type[ListingForm]] = {Kind.ACHIEVEMENT: AchievementForm, Kind.DEMAND: DemandForm}


def default_valid_until(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=365)


class ActionForm(SafeForm):
    """A workflow step; ``version`` is the listing's version the user saw (first writer wins)."""

    version = HiddenField()
    reason = StringField(_l("Reason (optional)"), filters=[strip], validators=[Length(max=2000)])


class AttachmentForm(SafeForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("PDF, PNG, JPEG or Office (docx, xlsx, pptx); the content is checked, "
                                    "not only the name."))


class AskForm(SafeForm):
    org_id = SelectField(_l("Ask as"), coerce=int, choices=[], validate_choice=False)
    body = TextAreaField(_l("Your question"), filters=[strip], validators=[DataRequired(), Length(max=5000)])


class ReplyForm(SafeForm):
    body = TextAreaField(_l("Reply"), filters=[strip], validators=[DataRequired(), Length(max=5000)])


class PostForm(SafeForm):
    """A bare POST with CSRF protection (bookmark toggle, delete)."""
