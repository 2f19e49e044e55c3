"""The read side of the statistics: tables of counts and amounts from the tally, by month, 盟市 or a group.

Every figure is read from ``reporting_tally``, summed by the database over a covering index (amounts in integer
fen, so exact on every backend): a handful of small GROUP BY queries however large the market.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from techmarket.challenges.constants import CALL_STATUS_LABELS
from techmarket.contracts import constants as contract_cat
from techmarket.core.actor import Actor
from techmarket.listings.constants import FIELDS, KIND_LABELS, TRANSACTION_MODES
from techmarket.orgs.models import Division
from techmarket.reporting.models import TallyCell
from techmarket.reporting.sources import ALL, AUCTION_RESULTS, SOURCES

FIRST_MONTH = "2020-01"
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
DISBURSEMENT_KINDS = {"subsidy": _l("Post-subsidy"), "reward": _l("Reward"), "claim_subsidy": _l("Subsidy claim")}
CLAUSES = {"buyer": _l("Buyer's post-subsidy"), "seller": _l("Seller's post-subsidy"),
           "agency": _l("Technology-transfer agency reward")}
GROUP_TITLES = {"month": _l("By month"), "prefecture": _l("By league or city (盟市)"), "field": _l("By field"),
                "type": _l("By type of contract"), "kind": _l("By kind"), "mode": _l("By mode of transaction"),
                "clause": _l("By clause"), "outcome": _l("By outcome"), "result": _l("By result")}
GROUP_HEADS = {"month": _l("Month"), "prefecture": _l("League or city"), "field": _l("Field"), "type": _l("Type"),
               "kind": _l("Kind"), "mode": _l("Mode"), "clause": _l("Clause"), "outcome": _l("Outcome"),
               "result": _l("Auction result")}


@dataclass(frozen=True)
class Filters:
    start: str  # YYYY-MM, inclusive
    end: str
    prefecture: str | None = None  # None: the whole region

    def args(self) -> dict[str, str]:
        out = {"from": self.start, "to": self.end}
        if self.prefecture:
            out["area"] = self.prefecture
        return out


@dataclass
class Row:
    key: str
    label: str
    count: int = 0
    amount: Decimal = Decimal(0)


@dataclass
class Table:
    slug: str  # "<source>-<group>", the CSV's name and the anchor
    source: str
    group: str
    title: str
    head: str
    rows: list[Row]
    amount_label: str | None
    chart: str = "bar"  # bar | line

    @property
    def total(self) -> Row:
        return Row("all", str(_l("All")), sum(r.count for r in self.rows),
                   sum((r.amount for r in self.rows), Decimal(0)))

    @property
    def peak(self) -> Decimal:
        values = [Decimal(r.amount if self.amount_label else r.count) for r in self.rows]
        return max(values, default=Decimal(0))


@dataclass
class Headline:
    source: str
    label: str
    count: int
    amount: Decimal
    amount_label: str | None


@dataclass
class ParsedFilters:
    filters: Filters
    errors: dict[str, Any] = field(default_factory=dict)


def months(start: str, end: str) -> list[str]:
    y, m = int(start[:4]), int(start[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= end:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def prefectures(session: Session) -> list[Division]:
    return list(session.scalars(select(Division).where(Division.level == "prefecture").order_by(Division.code)))


def area_of(session: Session, actor: Actor) -> str | None:
    """The 盟市 a division-scoped member of staff works for (their own area is their default view).

    Reads the division code the actor carries (``Actor.division_code``, added with the division-scoped roles of
    the subsidy claims); a 旗县 maps to its 盟市, the region or no division to ``None`` (the whole region)."""
    code = actor.division_code
    if not code:
        return None
    division = session.get(Division, str(code))
    if division is None or division.level == "province":
        return None
    return division.prefecture_code


def sees_console(actor: Actor) -> bool:
    """Staff (operator, registrars) and division-scoped staff of a 盟市 or 旗县 (an actor carrying a division code)
    see the statistics console and the yearly reports."""
    return actor.is_staff or bool(actor.division_code)


def _month(raw: str | None, default: str, name: str, last: str, errors: dict[str, Any]) -> str:
    text = (raw or "").strip()
    if not text:
        return default
    match = MONTH_RE.match(text)
    if match is None or not 1 <= int(match.group(2)) <= 12 or not FIRST_MONTH <= text <= last:
        errors[name] = _l("Enter a month from %(first)s to %(last)s as YYYY-MM.", first=FIRST_MONTH, last=last)
        return default
    return text


def parse_filters(session: Session, args: Mapping[str, str], today: dt.date, default_area: str | None) -> ParsedFilters:
    """The period and 盟市 from the address; defaults: this year to this month, the viewer's own area."""
    errors: dict[str, Any] = {}
    this_month = f"{today.year:04d}-{today.month:02d}"
    start = _month(args.get("from"), f"{today.year:04d}-01", "from", this_month, errors)
    end = _month(args.get("to"), this_month, "to", this_month, errors)
    if start > end:
        errors["to"] = _l("The end of the period comes before its start.")
        start, end = f"{today.year:04d}-01", this_month
    area: str | None = default_area
    if "area" in args:
        raw = (args.get("area") or "").strip()
        codes = {d.code for d in prefectures(session)}
        if raw and raw not in codes:
            errors["area"] = _l("Choose a league or city from the list.")
        else:
            area = raw or None
    return ParsedFilters(Filters(start, end, area), errors)


def _label(session: Session, group: str, key: str, names: Mapping[str, str]) -> str:
    if group == "prefecture":
        return names.get(key) or str(_l("Unknown"))
    if group == "field":
        return str(FIELDS.get(key, key))
    if group == "type":
        return contract_cat.type_label(key)
    if group == "kind":
        return str(KIND_LABELS.get(key) or DISBURSEMENT_KINDS.get(key) or key)  # type: ignore[call-overload]
    if group == "mode":
        return str(TRANSACTION_MODES.get(key, key))
    if group == "clause":
        return str(CLAUSES.get(key, key))
    if group == "outcome":
        return str(CALL_STATUS_LABELS.get(key, key))  # type: ignore[call-overload]
    if group == "result":
        return str(AUCTION_RESULTS.get(key, key))
    return key


def _cells(session: Session, source: str, dimension: str, f: Filters) -> list[tuple[str, str, str, int, Decimal]]:
    """The tally summed by the database: by month and 盟市 for the ``all`` dimension, by value for the others
    (at most a few hundred rows). Amounts are integer fen, so the sums are exact on every backend."""
    count, fen = func.sum(TallyCell.count), func.sum(TallyCell.amount_fen)
    if dimension == ALL:
        stmt = select(TallyCell.month, TallyCell.prefecture_code, literal(""), count, fen).group_by(
            TallyCell.month, TallyCell.prefecture_code)
    else:
        stmt = select(literal(""), literal(""), TallyCell.value, count, fen).group_by(TallyCell.value)
    stmt = stmt.where(TallyCell.source == source, TallyCell.dimension == dimension, TallyCell.month >= f.start,
                      TallyCell.month <= f.end)
    if f.prefecture:
        stmt = stmt.where(TallyCell.prefecture_code == f.prefecture)
    return [(m, p, v, int(c or 0), Decimal(int(a or 0)) / 100) for m, p, v, c, a in session.execute(stmt)]


class Reader:
    """Reads the tally once per (source, dimension) for one set of filters and builds tables from it."""

    def __init__(self, session: Session, filters: Filters) -> None:
        self.session, self.filters = session, filters
        self._cache: dict[tuple[str, str], list[tuple[str, str, str, int, Decimal]]] = {}
        self._names: dict[str, str] | None = None

    def names(self) -> dict[str, str]:
        if self._names is None:
            self._names = {d.code: d.label for d in prefectures(self.session)}
        return self._names

    def cells(self, source: str, dimension: str) -> list[tuple[str, str, str, int, Decimal]]:
        key = (source, dimension)
        if key not in self._cache:
            self._cache[key] = _cells(self.session, source, dimension, self.filters)
        return self._cache[key]

    def headline(self, source: str) -> Headline:
        src = SOURCES[source]
        cells = self.cells(source, ALL)
        return Headline(source, str(src.label), sum(c[3] for c in cells), sum((c[4] for c in cells), Decimal(0)),
                        str(src.amount_label) if src.amount_label else None)

    def table(self, source: str, group: str) -> Table:
        src = SOURCES[source]
        rows: dict[str, Row] = {}
        if group == "month":
            rows = {m: Row(m, m) for m in months(self.filters.start, self.filters.end)}
        elif group == "prefecture" and not self.filters.prefecture:
            rows = {code: Row(code, name) for code, name in self.names().items()}
        elif group == "field":
            rows = {code: Row(code, str(label)) for code, label in FIELDS.items()}
        elif group == "result":
            rows = {code: Row(code, str(label)) for code, label in AUCTION_RESULTS.items()}
        position = {"month": 0, "prefecture": 1}.get(group, 2)
        for cell in self.cells(source, ALL if group in ("month", "prefecture") else group):
            key = str(cell[position])
            row = rows.get(key)
            if row is None:
                row = rows[key] = Row(key, _label(self.session, group, key, self.names()))
            row.count += cell[3]
            row.amount += cell[4]
        ordered = list(rows.values())
        if group not in ("month", "prefecture", "field"):
            ordered.sort(key=lambda r: (-r.count, r.key))
        return Table(f"{source}-{group}", source, group, f"{src.label} · {GROUP_TITLES.get(group, group)}",
                     str(GROUP_HEADS.get(group, group)), ordered,
                     str(src.amount_label) if src.amount_label else None, "line" if group == "month" else "bar")


PUBLIC_TABLES: tuple[tuple[str, str], ...] = (
    ("listing", "month"), ("listing", "field"), ("listing", "prefecture"),
    ("inquiry", "month"), ("deal", "month"), ("deal", "prefecture"),
    ("contract", "month"), ("contract", "type"), ("contract", "field"), ("contract", "prefecture"),
    ("call", "month"), ("call", "outcome"), ("call", "prefecture"), ("call_awarded", "month"),
    ("auction", "month"), ("auction", "result"), ("auction", "prefecture"),
    ("auction_concluded", "month"), ("auction_concluded", "prefecture"), ("auction_failed", "month"),
)
STAFF_TABLES: tuple[tuple[str, str], ...] = (
    *PUBLIC_TABLES, ("inquiry", "prefecture"), ("deal", "mode"),
    ("disbursement", "month"), ("disbursement", "kind"), ("disbursement", "prefecture"),
    ("call", "field"), ("call_awarded", "prefecture"),
    ("claim", "month"), ("claim", "clause"), ("claim", "prefecture"),
    ("claim_paid", "month"), ("claim_paid", "clause"), ("claim_paid", "prefecture"),
    ("auction", "field"), ("auction_concluded", "mode"), ("auction_failed", "prefecture"),
)


def tables_for(staff: bool) -> tuple[tuple[str, str], ...]:
    chosen = STAFF_TABLES if staff else PUBLIC_TABLES
    return tuple((s, g) for s, g in chosen if s in SOURCES and (staff or SOURCES[s].public))


def find_table(slug: str, staff: bool) -> tuple[str, str] | None:
    return next(((s, g) for s, g in tables_for(staff) if f"{s}-{g}" == slug), None)


def dashboard(session: Session, filters: Filters, staff: bool) -> tuple[list[Headline], list[Table]]:
    reader = Reader(session, filters)
    pairs = tables_for(staff)
    sources = list(dict.fromkeys(s for s, _g in pairs))
    return [reader.headline(s) for s in sources], [reader.table(s, g) for s, g in pairs]
