"""Read side of the registrars' console: the review queue with working days left, the contract search and the
registration statistics. Staff only (:func:`require_staff`); the views parse nothing themselves.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, lazyload

from techmarket.contracts import constants as cat
from techmarket.contracts import queries, workflow
from techmarket.contracts.models import Contract, ContractParty
from techmarket.contracts.services import STAFF
from techmarket.core.actor import Actor
from techmarket.core.errors import PermissionDenied
from techmarket.core.inputs import parse_int
from techmarket.listings.constants import MAX_AMOUNT
from techmarket.listings.data import parse_amount
from techmarket.orgs.models import Division

# Lists show a contract's parties; the other collections stay unloaded.
LIST_OPTIONS = (lazyload(Contract.documents), lazyload(Contract.payments), lazyload(Contract.instalments),
                lazyload(Contract.ip_items), lazyload(Contract.non_tech_items))
DATE_KINDS = ("registered", "signed")
FIRST_YEAR = 1990


def require_staff(actor: Actor) -> None:
    """The console is for registrars and the market operator."""
    if not actor.has(*STAFF):
        raise PermissionDenied(_l("Only registrars and the market operator use the contract console."))


# --- the queue ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    contract: Contract
    days_left: int | None  # working days to the deadline; negative when overdue
    provisional: bool  # the deadline assumed Monday-Friday for a year the official calendar does not know

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def queue(status: str | None = None) -> Select[Any]:
    """Contracts waiting for a registrar (submitted, or awaiting the second registrar), nearest deadline first."""
    return queries.queue(status if status in cat.IN_REVIEW else None).options(*LIST_OPTIONS)


def queue_rows(contracts: Iterable[Contract], today: dt.date) -> list[QueueRow]:
    rows = []
    for c in contracts:
        left = workflow.days_left(today, c.review_due_on) if c.review_due_on is not None else None
        rows.append(QueueRow(c, left, c.review_due_provisional))
    return rows


# --- the search ------------------------------------------------------------------------------------------


@dataclass
class SearchFilters:
    number: str = ""
    party: str = ""
    type_code: str = ""
    subtype_code: str = ""
    status: str = ""
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    date_kind: str = "registered"
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    prefecture: str = ""

    @property
    def active(self) -> bool:
        return any((self.number, self.party, self.type_code, self.status, self.amount_min is not None,
                    self.amount_max is not None, self.date_from, self.date_to, self.prefecture))


@dataclass
class ParsedSearch:
    filters: SearchFilters
    errors: dict[str, Any] = field(default_factory=dict)  # field name -> message shown beside it


def prefectures(session: Session) -> list[Division]:
    """The 12 leagues and cities (盟市) of Inner Mongolia."""
    return list(session.scalars(select(Division).where(Division.level == "prefecture").order_by(Division.code)))


def _text(args: Mapping[str, str], name: str, limit: int, errors: dict[str, Any]) -> str:
    value = " ".join(str(args.get(name) or "").split())
    if len(value) > limit:
        errors[name] = _l("At most %(n)d characters.", n=limit)
        return ""
    return value


def _amount(args: Mapping[str, str], name: str, errors: dict[str, Any]) -> Decimal | None:
    try:
        value = parse_amount(args.get(name))
    except ValueError:
        errors[name] = _l("Enter an amount in yuan, such as 500000 or 50万.")
        return None
    if value is not None and value < 0:
        errors[name] = _l("The amount cannot be negative.")
        return None
    if value is not None and value > MAX_AMOUNT:
        errors[name] = _l("The amount is implausibly large.")
        return None
    return value


def _date(args: Mapping[str, str], name: str, errors: dict[str, Any]) -> dt.date | None:
    raw = str(args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = _l("Enter a date as YYYY-MM-DD, for example 2026-03-31.")
        return None
    if value.year < FIRST_YEAR:
        errors[name] = _l("Enter a date from %(year)d on.", year=FIRST_YEAR)
        return None
    return value


def parse_search(session: Session, args: Mapping[str, str]) -> ParsedSearch:
    """The search as typed in the address; each problem becomes a message for its field."""
    errors: dict[str, Any] = {}
    f = SearchFilters(number=_text(args, "number", 40, errors), party=_text(args, "party", 200, errors))
    type_key = str(args.get("type") or "").strip()
    if type_key:
        type_code, _sep, subtype_code = type_key.partition(".")
        known = any(t.code == type_code for t in cat.contract_types())
        if not known or (subtype_code and cat.subtype(type_code, subtype_code) is None):
            errors["type"] = _l("Choose a contract type from the list.")
        else:
            f.type_code, f.subtype_code = type_code, subtype_code
    status = str(args.get("status") or "").strip()
    if status and status not in {s.value for s in cat.Status}:
        errors["status"] = _l("Choose a status from the list.")
    elif status:
        f.status = status
    f.amount_min, f.amount_max = _amount(args, "amount_min", errors), _amount(args, "amount_max", errors)
    if f.amount_min is not None and f.amount_max is not None and f.amount_min > f.amount_max:
        errors["amount_max"] = _l("The upper amount is below the lower amount.")
    date_kind = str(args.get("date_kind") or "registered")
    if date_kind not in DATE_KINDS:
        errors["date_kind"] = _l("Choose the registration date or the signing date.")
    else:
        f.date_kind = date_kind
    f.date_from, f.date_to = _date(args, "date_from", errors), _date(args, "date_to", errors)
    if f.date_from is not None and f.date_to is not None and f.date_from > f.date_to:
        errors["date_to"] = _l("The end date comes before the start date.")
    prefecture = str(args.get("prefecture") or "").strip()
    if prefecture:
        if prefecture not in {d.code for d in prefectures(session)}:
            errors["prefecture"] = _l("Choose a league or city from the list.")
        else:
            f.prefecture = prefecture
    return ParsedSearch(f, errors)


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(f: SearchFilters) -> Select[Any]:
    """Contracts matching every given filter, the latest registered (or signed) first."""
    stmt = select(Contract).options(*LIST_OPTIONS)
    if f.number:
        stmt = stmt.where(Contract.registration_number.like(_like_prefix(f.number), escape="\\"))
    if f.party:
        code = f.party.upper().replace(" ", "")
        matches = or_(func.lower(ContractParty.name).like("%" + _like_prefix(f.party.lower()), escape="\\"),
                      ContractParty.credit_code.like(_like_prefix(code), escape="\\"),
                      ContractParty.foreign_registration == f.party)
        stmt = stmt.where(Contract.id.in_(select(ContractParty.contract_id).where(matches)))
    if f.type_code:
        stmt = stmt.where(Contract.type_code == f.type_code)
        if f.subtype_code:
            stmt = stmt.where(Contract.subtype_code == f.subtype_code)
    if f.status:
        stmt = stmt.where(Contract.status == f.status)
    if f.amount_min is not None:
        stmt = stmt.where(Contract.technical_amount >= f.amount_min)
    if f.amount_max is not None:
        stmt = stmt.where(Contract.technical_amount <= f.amount_max)
    on = Contract.registered_on if f.date_kind == "registered" else Contract.signed_on
    if f.date_from is not None:
        stmt = stmt.where(on >= f.date_from)
    if f.date_to is not None:
        stmt = stmt.where(on <= f.date_to)
    if f.prefecture:
        stmt = stmt.where(Contract.prefecture_code == f.prefecture)
    return stmt.order_by(Contract.registered_on.is_(None), Contract.registered_on.desc(), Contract.signed_on.desc(),
                         Contract.id.desc())


# --- statistics ----------------------------------------------------------------------------------------------


@dataclass
class Figure:
    """Registered contracts of one group: how many and their amounts."""

    key: str
    label: str
    count: int = 0
    total: Decimal = Decimal(0)
    technical: Decimal = Decimal(0)

    def add(self, total: Decimal, technical: Decimal) -> None:
        self.count += 1
        self.total += total
        self.technical += technical


@dataclass
class Statistics:
    year: int
    overall: Figure
    by_type: list[Figure]
    by_prefecture: list[Figure]
    by_month: list[Figure]

    @staticmethod
    def peak(figures: list[Figure]) -> Decimal:
        return max((f.technical for f in figures), default=Decimal(0))


def statistics(session: Session, year: int) -> Statistics:
    """Contracts registered in ``year`` (rescinded ones no longer count) by type, 盟市 and month.

    Summed in Python over one query of the year's rows, so the amounts are exact ``Decimal`` on every backend
    (SQLite sums floating point); a year of one region's registrations is a few thousand rows.
    """
    by_type = {t.code: Figure(t.code, cat.type_label(t.code)) for t in cat.contract_types()}
    by_prefecture = {d.code: Figure(d.code, d.name) for d in prefectures(session)}
    by_month = {m: Figure(str(m), f"{year}-{m:02d}") for m in range(1, 13)}
    overall = Figure("all", "")
    rows = session.execute(select(Contract.type_code, Contract.prefecture_code, Contract.registered_on,
                                  Contract.total_amount, Contract.technical_amount).where(
        Contract.status == cat.Status.REGISTERED.value, Contract.registered_on >= dt.date(year, 1, 1),
        Contract.registered_on <= dt.date(year, 12, 31)))
    for type_code, prefecture, registered_on, total, technical in rows:
        assert registered_on is not None  # the filter asked for a date in the year
        overall.add(total, technical)
        by_type.setdefault(type_code, Figure(type_code, type_code)).add(total, technical)
        by_prefecture.setdefault(prefecture or "", Figure(prefecture or "", str(_l("Unknown")))).add(total, technical)
        by_month[registered_on.month].add(total, technical)
    return Statistics(year, overall, list(by_type.values()), list(by_prefecture.values()), list(by_month.values()))


def statistics_years(session: Session, today: dt.date) -> list[int]:
    """The years to choose from: the first year with a registration to this year, latest first."""
    first = session.scalar(select(func.min(Contract.registered_on)).where(
        Contract.status == cat.Status.REGISTERED.value))
    start = min(first.year, today.year) if first is not None else today.year
    return list(range(today.year, start - 1, -1))


def parse_year(raw: str | None, today: dt.date) -> tuple[int, Any]:
    """The statistics year from the address (this year when absent) and a message when it was not usable."""
    if raw is None or not raw.strip():
        return today.year, None
    year = parse_int(raw, lo=FIRST_YEAR, hi=today.year)
    if year is None:
        return today.year, _l("Choose a year from %(first)d to %(last)d.", first=FIRST_YEAR, last=today.year)
    return year, None


def month_days(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last day of a month (for links from the statistics to the search)."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
