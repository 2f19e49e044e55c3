"""What a user types for a listing, validated at the boundary of the domain."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from decimal import Decimal, InvalidOperation
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from techmarket.core.clock import local_today
from techmarket.core.i18n import is_chinese
from techmarket.listings import patents
from techmarket.listings.constants import (
    CONFIDENTIALITY,
    FIELDS,
    IP_STATUSES,
    IP_TYPES,
    MATURITY,
    MAX_AMOUNT,
    PATENT_TYPES,
    TRANSACTION_MODES,
    Kind,
)
from techmarket.orgs.models import Division

LIMITS = {"title": 200, "summary": 500, "description": 20000, "team": 2000, "advantages": 5000,
          "expected_benefit": 5000, "technical_targets": 5000, "application_industries": 500,
          "approval_document": 200, "contact_name": 100, "contact_phone": 32, "contact_email": 254}
MAX_KEYWORDS = 10
MAX_IP_ITEMS = 20


@dataclass
class IPItemData:
    ip_type: str
    number: str = ""
    status: str = "granted"
    title: str = ""


@dataclass
class ListingData:
    title: str
    summary: str = ""
    description: str = ""
    fields: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    division_code: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    valid_until: dt.date | None = None
    negotiable: bool = True
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    modes: list[str] = field(default_factory=list)
    # achievement
    team: str = ""
    maturity: str = ""
    trl: int | None = None
    advantages: str = ""
    expected_benefit: str = ""
    fiscal_funded: bool = False
    approval_document: str = ""
    application_industries: str = ""
    ip_items: list[IPItemData] = field(default_factory=list)
    # demand
    technical_targets: str = ""
    deadline: dt.date | None = None
    confidentiality: str = "public"

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (``dataclasses.asdict`` made the same, at ten times the cost: an import makes
        one per row)."""
        out = {name: getattr(self, name) for name in _DATA_FIELDS}
        for key in ("fields", "keywords", "modes"):
            out[key] = list(out[key])
        out["ip_items"] = [{"ip_type": i.ip_type, "number": i.number, "status": i.status, "title": i.title}
                           for i in self.ip_items]
        for key in ("valid_until", "deadline"):
            out[key] = out[key].isoformat() if out[key] else None
        for key in ("amount_min", "amount_max"):
            out[key] = str(out[key]) if out[key] is not None else None
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ListingData:
        d = dict(d)
        for key in ("valid_until", "deadline"):
            d[key] = dt.date.fromisoformat(d[key]) if d.get(key) else None
        for key in ("amount_min", "amount_max"):
            d[key] = Decimal(d[key]) if d.get(key) is not None else None
        d["ip_items"] = [IPItemData(**i) for i in d.get("ip_items", [])]
        return cls(**d)


_DATA_FIELDS = tuple(f.name for f in dataclass_fields(ListingData))


def parse_amount(raw: str | None) -> Decimal | None:
    """Yuan from user text: '1,200,000', '120万', ' 5000.50 '. None when blank; ValueError when not a number."""
    if raw is None or not str(raw).strip():
        return None
    text = str(raw).strip().replace(",", "").replace("，", "").replace("元", "")
    factor = Decimal(1)
    if text.endswith("万"):
        factor, text = Decimal(10000), text[:-1]
    try:
        value = Decimal(text) * factor
        if not value.is_finite():
            raise ValueError(raw)
        return value.quantize(Decimal("0.01"))  # raises InvalidOperation for huge values such as 1e30
    except InvalidOperation as exc:
        raise ValueError(raw) from exc


def split_keywords(raw: str) -> list[str]:
    parts = [p.strip() for p in raw.replace("，", ",").replace("、", ",").replace(";", ",").split(",")]
    seen: list[str] = []
    for p in parts:
        if p and p not in seen:
            seen.append(p)
    return seen


def validate(session: Session, kind: Kind, data: ListingData, *, is_import: bool = False) -> dict[str, Any]:
    """Field errors (field -> message); empty when ``data`` may be saved. Normalises ``data`` in place."""
    errors: dict[str, Any] = {}
    for name, limit in LIMITS.items():
        value = (getattr(data, name) or "").strip()
        setattr(data, name, value)
        if len(value) > limit:
            errors[name] = _l("At most %(n)d characters.", n=limit)
    if len(data.title) < 4:
        errors["title"] = _l("Give a title of at least 4 characters.")
    if data.contact_email and "contact_email" not in errors:
        try:
            data.contact_email = validate_email(data.contact_email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors["contact_email"] = _l("Enter a valid email address.")
    if not data.summary:
        errors["summary"] = _l("Give a short summary.")
    data.fields = sorted(set(data.fields))
    if not data.fields or any(f not in FIELDS for f in data.fields):
        errors["fields"] = _l("Choose one or more fields from the list.")
    data.keywords = [k[:30] for k in data.keywords if k.strip()]
    if len(data.keywords) > MAX_KEYWORDS:
        errors["keywords"] = _l("At most %(n)d keywords.", n=MAX_KEYWORDS)
    if data.division_code:
        division = session.get(Division, data.division_code)
        if division is None or division.level == "province":
            errors["division_code"] = _l("Choose a league/city or banner/county of Inner Mongolia.")
    data.modes = sorted(set(data.modes))
    if any(m not in TRANSACTION_MODES for m in data.modes):
        errors["modes"] = _l("Choose modes from the list.")
    elif not data.modes:
        errors["modes"] = _l("Choose at least one mode.")
    errors.update(_validate_amounts(data))
    today = local_today()
    if data.valid_until is not None and data.valid_until < today:
        errors["valid_until"] = _l("The listing cannot be valid until a date in the past.")
    if data.valid_until is not None and data.valid_until > today + dt.timedelta(days=3 * 366):
        errors["valid_until"] = _l("A listing stands for at most three years; renew it later.")
    if kind == Kind.ACHIEVEMENT:
        errors.update(_validate_achievement(data))
    else:
        errors.update(_validate_demand(data, today))
    return errors


def _validate_amounts(data: ListingData) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    for name in ("amount_min", "amount_max"):
        value = getattr(data, name)
        if value is not None and (value < 0 or value > MAX_AMOUNT):
            errors[name] = _l("Enter an amount between 0 and 100,000,000,000 yuan.")
    if data.negotiable:
        return errors
    if data.amount_min is None and data.amount_max is None:
        errors["amount_min"] = _l("Give an amount or a range, or mark it negotiable (面议).")
    elif data.amount_min is not None and data.amount_max is not None and data.amount_min > data.amount_max:
        errors["amount_max"] = _l("The upper end must not be below the lower end.")
    return errors


def _validate_achievement(data: ListingData) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if data.maturity not in MATURITY:
        errors["maturity"] = _l("Choose the maturity stage.")
    if data.trl is not None and not 1 <= data.trl <= 9:
        errors["trl"] = _l("The technology readiness level is 1 to 9.")
    if data.fiscal_funded and not data.approval_document:
        errors["approval_document"] = _l("A result of fiscal funding needs the approval document for a transfer.")
    if len(data.ip_items) > MAX_IP_ITEMS:
        errors["ip_items"] = _l("At most %(n)d intellectual property items.", n=MAX_IP_ITEMS)
    for i, item in enumerate(data.ip_items):
        key = f"ip_items-{i}"
        if item.ip_type not in IP_TYPES or item.status not in IP_STATUSES:
            errors[key] = _l("Choose the type and status of item %(n)d.", n=i + 1)
            continue
        item.number = item.number.strip()[:40]
        item.title = item.title.strip()[:200]
        if item.ip_type in PATENT_TYPES:
            check = patents.check(item.number)
            if not check.valid:
                problem = check.problem_zh if is_chinese() else check.problem_en
                errors[key] = _l("Patent number of item %(n)d: %(problem)s.", n=i + 1, problem=problem)
            else:
                item.number = check.normalised
        elif item.ip_type != "know_how" and not item.number:
            errors[key] = _l("Give the registration number of item %(n)d.", n=i + 1)
    return errors


def _validate_demand(data: ListingData, today: dt.date) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if data.confidentiality not in CONFIDENTIALITY:
        errors["confidentiality"] = _l("Choose who may see the details.")
    if data.deadline is not None and data.deadline < today:
        errors["deadline"] = _l("The deadline cannot be in the past.")
    if data.deadline and data.valid_until and data.deadline > data.valid_until:
        errors["deadline"] = _l("The deadline must fall within the listing's validity.")
    if not data.description:
        errors["description"] = _l("Describe the problem to be solved.")
    return errors


