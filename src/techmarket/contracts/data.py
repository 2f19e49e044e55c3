"""What a party types for a contract, validated at the boundary of the domain.

Error keys are form paths (``buyer.credit_code``, ``instalments.2.amount``) so each message lands beside
its field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.contracts import constants as cat
from techmarket.core.clock import local_today
from techmarket.core.i18n import is_chinese
from techmarket.listings.constants import MAX_AMOUNT
from techmarket.orgs import creditcode
from techmarket.orgs.models import Division, Organisation

MAX_ITEMS = 20
MAX_INSTALMENTS = 24
OPTIONAL_ROLES = (cat.PartyRole.BROKER, cat.PartyRole.AGENCY)


@dataclass
class PartyData:
    role: str
    organisation_id: int | None = None
    name: str = ""
    credit_code: str = ""
    foreign_registration: str = ""
    division_code: str = ""
    country: str = ""
    nature: str = ""

    @property
    def is_blank(self) -> bool:
        return self.organisation_id is None and not any(
            (self.name.strip(), self.credit_code.strip(), self.foreign_registration.strip(), self.country.strip()))


@dataclass
class IPData:
    ip_kind: str
    number: str = ""
    title: str = ""


@dataclass
class NonTechData:
    category: str
    amount: Decimal
    description: str = ""


@dataclass
class InstalmentData:
    due_on: dt.date
    amount: Decimal
    description: str = ""


@dataclass
class ContractData:
    title: str
    type_key: str  # "transfer.patent"
    signed_on: dt.date | None
    total_amount: Decimal | None
    seller: PartyData
    buyer: PartyData
    broker: PartyData | None = None
    agency: PartyData | None = None
    summary: str = ""
    listing_id: int | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    licence_years: int | None = None
    exclusivity: str = ""
    territory: str = ""
    fiscal_funded: bool = False
    approval_document: str = ""
    related_holding_pct: Decimal = Decimal(0)
    ip_items: list[IPData] = field(default_factory=list)
    non_tech: list[NonTechData] = field(default_factory=list)
    instalments: list[InstalmentData] = field(default_factory=list)

    @property
    def type_code(self) -> str:
        return self.type_key.partition(".")[0]

    @property
    def subtype_code(self) -> str:
        return self.type_key.partition(".")[2]

    @property
    def non_technical_amount(self) -> Decimal:
        return sum((n.amount for n in self.non_tech), Decimal(0))

    def parties(self) -> list[PartyData]:
        return [p for p in (self.seller, self.buyer, self.broker, self.agency) if p is not None and
                (p.role in (cat.PartyRole.SELLER, cat.PartyRole.BUYER) or not p.is_blank)]


def money_error(value: Decimal | None, *, allow_zero: bool = False) -> Any:
    if value is None:
        return _l("Enter an amount in yuan.")
    if value < 0 or (value == 0 and not allow_zero):
        return _l("The amount must be greater than zero.")
    if value > MAX_AMOUNT:
        return _l("The amount is implausibly large.")
    return None


def _validate_party(session: Session, party: PartyData, errors: dict[str, Any]) -> None:
    role = party.role
    if party.organisation_id is None and party.credit_code.strip():
        code = creditcode.normalise(party.credit_code)
        party.organisation_id = session.scalar(select(Organisation.id).where(Organisation.credit_code == code))
    if party.organisation_id is not None:
        return  # a platform organisation: the service copies its registered particulars
    party.name = party.name.strip()
    if not 2 <= len(party.name) <= 200:
        errors[f"{role}.name"] = _l("Enter the party's registered name (2 to 200 characters).")
    if party.nature not in cat.NATURES:
        errors[f"{role}.nature"] = _l("Choose the nature of the party.")
    party.country = party.country.strip()
    party.foreign_registration = party.foreign_registration.strip()
    if party.country and party.country not in ("中国", "China", "中华人民共和国"):
        party.credit_code = party.division_code = ""
        if not party.foreign_registration or len(party.foreign_registration) > 64:
            errors[f"{role}.foreign_registration"] = _l("Enter the registration number in its country.")
        if len(party.country) > 100:
            errors[f"{role}.country"] = _l("At most %(n)d characters.", n=100)
        return
    party.country = ""
    party.foreign_registration = ""
    result = creditcode.check(party.credit_code)
    party.credit_code = result.code
    if not result.valid:
        detail = result.detail_zh if is_chinese() else result.detail_en
        errors[f"{role}.credit_code"] = _l("Unified social credit code %(detail)s.", detail=detail)
    party.division_code = party.division_code.strip()
    if not party.division_code and result.valid:
        party.division_code = result.division_code or ""
    if party.division_code and session.get(Division, party.division_code) is None:
        if party.division_code == result.division_code:
            party.division_code = ""  # registered by an authority outside the loaded table: keep the code only
        else:
            errors[f"{role}.division_code"] = _l("Unknown division code.")


def validate(session: Session, data: ContractData) -> dict[str, Any]:
    """Field errors (path -> message); empty when ``data`` may be saved. Normalises ``data`` in place."""
    errors: dict[str, Any] = {}
    data.title = data.title.strip()
    if not 2 <= len(data.title) <= 200:
        errors["title"] = _l("Enter the contract's name (2 to 200 characters).")
    data.summary = data.summary.strip()
    if len(data.summary) > 5000:
        errors["summary"] = _l("At most %(n)d characters.", n=5000)
    sub = cat.subtype(data.type_code, data.subtype_code)
    if sub is None:
        errors["type_key"] = _l("Choose the contract type from the list.")
    if data.signed_on is None:
        errors["signed_on"] = _l("Enter the date the contract was signed.")
    elif data.signed_on > local_today():
        errors["signed_on"] = _l("The signing date cannot be in the future.")
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors["ends_on"] = _l("The end of performance comes before its start.")
    if data.signed_on and data.ends_on and data.ends_on < data.signed_on:
        errors.setdefault("ends_on", _l("The end of performance comes before the signing date."))
    if sub is not None and sub.tax_kind == "licence":
        if data.exclusivity not in cat.EXCLUSIVITY:
            errors["exclusivity"] = _l("Choose exclusive, sole or ordinary.")
        if data.licence_years is None or not 1 <= data.licence_years <= 100:
            errors["licence_years"] = _l("Give the licence term in whole years (1 to 100).")
    else:
        data.exclusivity = ""
    data.territory, data.approval_document = data.territory.strip(), data.approval_document.strip()
    if len(data.territory) > 200:
        errors["territory"] = _l("At most %(n)d characters.", n=200)
    if data.fiscal_funded and not data.approval_document:
        errors["approval_document"] = _l("A fiscally funded result needs its approval document: give its number.")
    if len(data.approval_document) > 200:
        errors["approval_document"] = _l("At most %(n)d characters.", n=200)
    if not Decimal(0) <= data.related_holding_pct <= Decimal(100):
        errors["related_holding_pct"] = _l("A holding is a percentage from 0 to 100.")
    if (msg := money_error(data.total_amount)) is not None:
        errors["total_amount"] = msg
    _validate_lists(data, errors)
    for party in data.parties():
        _validate_party(session, party, errors)
    return errors


def _validate_lists(data: ContractData, errors: dict[str, Any]) -> None:
    if len(data.ip_items) > MAX_ITEMS:
        errors["ip_items"] = _l("At most %(n)d items.", n=MAX_ITEMS)
    for i, item in enumerate(data.ip_items):
        if item.ip_kind not in cat.IP_KINDS:
            errors[f"ip_items.{i}.ip_kind"] = _l("Choose a kind from the list.")
        item.number, item.title = item.number.strip()[:40], item.title.strip()[:200]
    for i, part in enumerate(data.non_tech):
        if part.category not in cat.NON_TECH_CATEGORIES:
            errors[f"non_tech.{i}.category"] = _l("Choose a category from the list.")
        if (msg := money_error(part.amount)) is not None:
            errors[f"non_tech.{i}.amount"] = msg
        part.description = part.description.strip()[:200]
    if data.total_amount is not None and "total_amount" not in errors and data.non_tech \
            and data.non_technical_amount >= data.total_amount:
        errors["total_amount"] = _l("The non-technical parts (%(parts)s yuan) must be less than the total.",
                                    parts=f"{data.non_technical_amount:,.2f}")
    if len(data.instalments) > MAX_INSTALMENTS:
        errors["instalments"] = _l("At most %(n)d instalments.", n=MAX_INSTALMENTS)
    previous: dt.date | None = None
    for i, inst in enumerate(data.instalments):
        if (msg := money_error(inst.amount)) is not None:
            errors[f"instalments.{i}.amount"] = msg
        if data.signed_on and inst.due_on < data.signed_on:
            errors[f"instalments.{i}.due_on"] = _l("An instalment cannot fall due before the signing date.")
        elif previous and inst.due_on < previous:
            errors[f"instalments.{i}.due_on"] = _l("List the instalments in the order they fall due.")
        previous = inst.due_on
        inst.description = inst.description.strip()[:200]
    if data.instalments and data.total_amount is not None and "total_amount" not in errors:
        scheduled = sum((i.amount for i in data.instalments), Decimal(0))
        if scheduled != data.total_amount:
            errors["instalments"] = _l("The instalments add up to %(sum)s yuan, not the total of %(total)s yuan.",
                                       sum=f"{scheduled:,.2f}", total=f"{data.total_amount:,.2f}")
