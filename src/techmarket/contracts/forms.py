"""Contract forms: the contract editor (parties, subject, amounts, schedule), documents, payments, decisions."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
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
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from techmarket.contracts import constants as cat
from techmarket.contracts.data import ContractData, InstalmentData, IPData, NonTechData, PartyData
from techmarket.contracts.models import Contract
from techmarket.core.forms import SafeForm, strip
from techmarket.listings.forms import AmountField, CheckboxListField

IP_ROWS, NON_TECH_ROWS, INSTALMENT_ROWS = 4, 4, 8


def _choices(labels: Mapping[str, Any], *, blank: bool = False) -> list[SelectChoice]:
    return [*([SelectChoice("", "—")] if blank else []), *(SelectChoice(k, v) for k, v in labels.items())]


class PartyForm(Form):
    credit_code = StringField(_l("Unified social credit code"), filters=[strip], validators=[Length(max=40)],
                              description=_l("A party registered on the platform is filled in from its record."))
    name = StringField(_l("Registered name"), filters=[strip], validators=[Length(max=200)])
    nature = SelectField(_l("Nature"), choices=_choices(cat.NATURES, blank=True), validate_choice=False)
    division_code = StringField(_l("Division code"), filters=[strip], validators=[Length(max=6)],
                                description=_l("Six digits; taken from the credit code when left empty."))
    country = StringField(_l("Country (outside China)"), filters=[strip], validators=[Length(max=100)])
    foreign_registration = StringField(_l("Registration number abroad"), filters=[strip],
                                       validators=[Length(max=64)])

    def to_data(self, role: str) -> PartyData:
        return PartyData(role=role, name=self.name.data or "", credit_code=self.credit_code.data or "",
                         nature=self.nature.data or "", division_code=self.division_code.data or "",
                         country=self.country.data or "", foreign_registration=self.foreign_registration.data or "")

    def fill(self, data: PartyData | None) -> None:
        if data is None:
            return
        for name in ("credit_code", "name", "nature", "division_code", "country", "foreign_registration"):
            getattr(self, name).data = getattr(data, name)


class IPRowForm(Form):
    ip_kind = SelectField(_l("Kind of right"), choices=_choices(cat.IP_KINDS, blank=True), validate_choice=False)
    number = StringField(_l("Number"), filters=[strip], validators=[Length(max=40)])
    title = StringField(_l("Name of the right"), filters=[strip], validators=[Length(max=200)])

    def is_blank(self) -> bool:
        return not (self.ip_kind.data or self.number.data or self.title.data)


class NonTechRowForm(Form):
    category = SelectField(_l("Category"), choices=_choices(cat.NON_TECH_CATEGORIES, blank=True),
                           validate_choice=False)
    description = StringField(_l("Description"), filters=[strip], validators=[Length(max=200)])
    amount = AmountField(_l("Amount (yuan)"))

    def is_blank(self) -> bool:
        return not (self.category.data or self.description.data or getattr(self.amount, "raw", ""))


class InstalmentRowForm(Form):
    due_on = DateField(_l("Due on"), validators=[Optional()])
    amount = AmountField(_l("Amount (yuan)"))
    description = StringField(_l("Description"), filters=[strip], validators=[Length(max=200)])

    def is_blank(self) -> bool:
        return not (self.due_on.data or getattr(self.amount, "raw", "") or self.description.data)


class ContractForm(SafeForm):
    seller_org_id = SelectField(_l("Seller (your organisation)"), coerce=int, choices=[], validate_choice=False)
    title = StringField(_l("Contract name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    type_key = SelectField(_l("Contract type"), choices=[], validate_choice=False,
                           description=_l("Technology contributed as equity registers as a transfer."))
    summary = TextAreaField(_l("Subject of the contract"), filters=[strip], validators=[Length(max=5000)])
    listing_id = IntegerField(_l("Linked achievement or demand (number)"), validators=[Optional()],
                              description=_l("The number in the listing's address, when the deal came from one."))
    signed_on = DateField(_l("Signed on"), validators=[Optional()])
    starts_on = DateField(_l("Performance starts"), validators=[Optional()])
    ends_on = DateField(_l("Performance ends"), validators=[Optional()])
    licence_years = IntegerField(_l("Licence term (years)"), validators=[Optional(), NumberRange(0, 1000)])
    exclusivity = SelectField(_l("Exclusivity"), choices=_choices(cat.EXCLUSIVITY, blank=True),
                              validate_choice=False)
    territory = StringField(_l("Territory"), filters=[strip], validators=[Length(max=200)])
    fiscal_funded = BooleanField(_l("The technology was developed with fiscal funding"))
    approval_document = StringField(_l("Approval document number"), filters=[strip], validators=[Length(max=200)])
    related_holding_pct = StringField(_l("Seller's holding in the buyer (%)"), filters=[strip], default="0",
                                      description=_l("Direct and indirect together; 0 when unrelated."))
    total_amount = AmountField(_l("Total contract amount (合同成交额, yuan)"),
                               description=_l("For example 1200000 or 120万."))
    buyer = FormField(PartyForm, label=_l("Buyer"))
    broker = FormField(PartyForm, label=_l("Broker (optional)"))
    agency = FormField(PartyForm, label=_l("Technology-transfer agency (optional)"))
    ip_items = FieldList(FormField(IPRowForm), min_entries=IP_ROWS, max_entries=IP_ROWS)
    non_tech = FieldList(FormField(NonTechRowForm), min_entries=NON_TECH_ROWS, max_entries=NON_TECH_ROWS)
    instalments = FieldList(FormField(InstalmentRowForm), min_entries=INSTALMENT_ROWS, max_entries=INSTALMENT_ROWS)

    def set_choices(self, orgs: list[Any]) -> None:
        self.seller_org_id.choices = [SelectChoice(str(o.id), o.name) for o in orgs]
        self.type_key.choices = [SelectChoice("", "—"), *[SelectChoice(value, text, optgroup=group)
                                                          for value, text, group in cat.subtype_choices()]]

    def _filled(self, name: str) -> list[int]:
        return [i for i, entry in enumerate(getattr(self, name).entries) if not entry.form.is_blank()]

    def locate(self, path: str) -> Any:
        """The field an error path names: ``buyer.credit_code``, ``instalments.2.amount`` (the 3rd filled row)."""
        head, _, rest = path.partition(".")
        if head == "seller":
            return self.seller_org_id
        target = getattr(self, head, None)
        if target is None or not rest:
            return target
        if isinstance(target, FieldList):
            index, _, leaf = rest.partition(".")
            filled = self._filled(head)
            if not index.isdigit() or int(index) >= len(filled):
                return target
            row = target.entries[filled[int(index)]].form
            return getattr(row, leaf, None) if leaf else None
        return getattr(target.form, rest, None)

    def holding(self) -> Decimal:
        try:
            value = Decimal((self.related_holding_pct.data or "0").replace("%", "").strip() or "0")
            return value if value.is_finite() else Decimal(-1)
        except InvalidOperation:
            return Decimal(-1)

    def to_data(self) -> ContractData:
        def party(role: str) -> PartyData:
            return getattr(self, role).form.to_data(role)

        return ContractData(
            title=self.title.data or "", type_key=self.type_key.data or "", signed_on=self.signed_on.data,
            total_amount=self.total_amount.data, summary=self.summary.data or "", listing_id=self.listing_id.data,
            seller=PartyData(role="seller", organisation_id=self.seller_org_id.data),
            buyer=party("buyer"), broker=party("broker"), agency=party("agency"),
            starts_on=self.starts_on.data, ends_on=self.ends_on.data, licence_years=self.licence_years.data,
            exclusivity=self.exclusivity.data or "", territory=self.territory.data or "",
            fiscal_funded=bool(self.fiscal_funded.data), approval_document=self.approval_document.data or "",
            related_holding_pct=self.holding(),
            ip_items=[IPData(e.form.ip_kind.data or "", e.form.number.data or "", e.form.title.data or "")
                      for e in self.ip_items.entries if not e.form.is_blank()],
            non_tech=[NonTechData(e.form.category.data or "", e.form.amount.data, e.form.description.data or "")
                      for e in self.non_tech.entries if not e.form.is_blank()],
            instalments=[InstalmentData(e.form.due_on.data, e.form.amount.data, e.form.description.data or "")
                         for e in self.instalments.entries if not e.form.is_blank()],
        )

    def check_rows(self) -> bool:
        """Rows with an amount but no date (and the like) are errors the service cannot see."""
        ok = True
        for entry in self.instalments.entries:
            row = entry.form
            if not row.is_blank() and row.due_on.data is None and not row.due_on.errors:
                row.due_on.errors = [str(_l("Enter the date the instalment falls due."))]
                ok = False
            if not row.is_blank() and row.amount.data is None and not row.amount.errors:
                row.amount.errors = [str(_l("Enter an amount in yuan."))]
                ok = False
        for entry in self.non_tech.entries:
            row = entry.form
            if not row.is_blank() and row.amount.data is None and not row.amount.errors:
                row.amount.errors = [str(_l("Enter an amount in yuan."))]
                ok = False
        return ok

    def fill(self, contract: Contract) -> None:
        self.seller_org_id.data = contract.seller_org_id
        for name in ("title", "summary", "listing_id", "signed_on", "starts_on", "ends_on", "licence_years",
                     "territory", "fiscal_funded", "approval_document"):
            getattr(self, name).data = getattr(contract, name)
        self.type_key.data = f"{contract.type_code}.{contract.subtype_code}"
        self.exclusivity.data = contract.exclusivity or ""
        self.related_holding_pct.data = f"{contract.related_holding_pct.normalize():f}"
        self.total_amount.process_data(contract.total_amount)
        for role in ("buyer", "broker", "agency"):
            party = contract.party(role)
            if party is not None:
                getattr(self, role).form.fill(PartyData(
                    role=role, name=party.name, credit_code=party.credit_code or "", nature=party.nature,
                    division_code=party.division_code or "", country=party.country or "",
                    foreign_registration=party.foreign_registration or ""))
        for entry, item in zip(self.ip_items.entries, contract.ip_items, strict=False):
            entry.form.ip_kind.data, entry.form.number.data, entry.form.title.data = (item.ip_kind, item.number,
                                                                                       item.title)
        for entry, part in zip(self.non_tech.entries, contract.non_tech_items, strict=False):
            entry.form.category.data, entry.form.description.data = part.category, part.description
            entry.form.amount.process_data(part.amount)
        for entry, inst in zip(self.instalments.entries, contract.instalments, strict=False):
            entry.form.due_on.data, entry.form.description.data = inst.due_on, inst.description
            entry.form.amount.process_data(inst.amount)


class ActionForm(SafeForm):
    version = HiddenField()


class DocumentForm(SafeForm):
    kind = SelectField(_l("Kind of document"), choices=_choices({k: v for k, v in cat.DOCUMENT_KINDS.items()
                                                                  if k != "receipt"}), validate_choice=False)
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("PDF, PNG, JPEG or Office files."))


class PaymentForm(SafeForm):
    instalment_id = SelectField(_l("Instalment"), coerce=int, choices=[], validate_choice=False)
    paid_on = DateField(_l("Transferred on"), validators=[Optional()])
    amount = AmountField(_l("Amount (yuan)"))
    reference = StringField(_l("Bank reference"), filters=[strip], validators=[Length(max=100)])
    file = FileField(_l("Bank-transfer receipt"), validators=[FileRequired(_l("Attach the bank-transfer receipt."))],
                     id="receipt-file")  # the document form on the same page has its own "file"


class PaymentDecisionForm(SafeForm):
    version = HiddenField()
    note = StringField(_l("Note (required when not confirming)"), filters=[strip], validators=[Length(max=2000)])


DECISIONS = {
    "approve": _l("Register (approve)"),
    "return": _l("Return for missing material"),
    "refuse": _l("Refuse registration"),
}


class DecisionForm(SafeForm):
    version = HiddenField()
    # No outcome is chosen for the registrar: the first option is a placeholder that must be replaced.
    decision = SelectField(_l("Decision"), choices=[
        SelectChoice("", _l("Please choose")),
        *(SelectChoice(value, label) for value, label in DECISIONS.items()),
    ], validators=[DataRequired(message=_l("Choose the decision: register, return or refuse.")),
                   AnyOf(list(DECISIONS), message=_l("Choose the decision: register, return or refuse."))])
    expert_opinion = TextAreaField(_l("Expert review opinion"), filters=[strip], validators=[Length(max=5000)],
                                   description=_l("Required for a technical transaction amount of 5,000,000 yuan "
                                                  "or more."))
    reason = TextAreaField(_l("What material is missing"), filters=[strip], validators=[Length(max=2000)])
    reasons = CheckboxListField(_l("Reasons for refusal"), choices=_choices(cat.REFUSAL_REASONS),
                                validate_choice=False)
    note = TextAreaField(_l("Explanation of the refusal"), filters=[strip], validators=[Length(max=2000)])


class AmendForm(SafeForm):
    version = HiddenField()
    action = SelectField(_l("Record"), choices=[SelectChoice("amend", _l("An amendment")),
                                                SelectChoice("rescind", _l("The rescission"))],
                         validate_choice=False)
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[DataRequired(), Length(max=2000)])
    total_amount = AmountField(_l("Total amount after the amendment (yuan)"))
    technical_amount = AmountField(_l("Technical transaction amount after the amendment (yuan)"))
