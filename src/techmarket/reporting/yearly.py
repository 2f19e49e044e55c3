"""The yearly report of a 盟市 ((二十八)): its figures for a year from the tally, compared with the year before
and with the whole region, the bodies recognised there, and what the platform does not record yet.

:func:`build` returns plain JSON-able data (labels in the language of the request that asked for it); the
report keeps it as its snapshot and the PDF and XLSX are drawn from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from techmarket.core.clock import utcnow
from techmarket.orgs.models import Division
from techmarket.reporting.catalogue import KINDS, LEVELS
from techmarket.reporting.models import Body
from techmarket.reporting.queries import Filters, Reader
from techmarket.reporting.sources import SOURCES

#: Figures the policy asks for that come from domains still to be built: shown as "not recorded yet" until a
#: source of that name is registered (see :mod:`techmarket.reporting.sources`).
PLANNED = {"claim": _l("Subsidy claims granted"), "call": _l("Calls (揭榜挂帅) and their outcomes"),
           "auction": _l("Auctions")}


def _year(code: str | None, year: int) -> Filters:
    return Filters(f"{year:04d}-01", f"{year:04d}-12", code)


def _figure(reader: Reader, source: str) -> dict[str, Any]:
    h = reader.headline(source)
    return {"count": h.count, "amount": str(h.amount)}


def _change(now: int | Decimal, before: int | Decimal) -> str | None:
    if not before:
        return None
    return f"{(Decimal(now) - Decimal(before)) * 100 / Decimal(before):+.1f}%"


def build(session: Session, prefecture_code: str, year: int,
          step: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    division = session.get(Division, prefecture_code)
    if division is None:
        raise ValueError(prefecture_code)
    here, before, region = (Reader(session, _year(prefecture_code, year)),
                            Reader(session, _year(prefecture_code, year - 1)), Reader(session, _year(None, year)))
    sources = list(SOURCES.values())
    summary = []
    for index, source in enumerate(sources, 1):
        this, last, whole = _figure(here, source.name), _figure(before, source.name), _figure(region, source.name)
        measure = "amount" if source.amount_label else "count"
        share = (Decimal(this[measure]) * 100 / Decimal(whole[measure])) if Decimal(whole[measure]) else None
        summary.append({"source": source.name, "label": str(source.label),
                        "amount_label": str(source.amount_label) if source.amount_label else None,
                        "this": this, "last": last, "region": whole,
                        "change_count": _change(this["count"], last["count"]),
                        "change_amount": _change(Decimal(this["amount"]), Decimal(last["amount"]))
                        if source.amount_label else None,
                        "share": f"{share:.1f}%" if share is not None else None})
        if step is not None:
            step(index, len(sources) + 2)
    groups = {}
    for name, group in (("contract", "type"), ("contract", "field"), ("listing", "field"), ("deal", "mode"),
                        ("claim", "clause"), ("call", "outcome"), ("auction", "result")):
        if name in SOURCES:
            table = here.table(name, group)
            groups[f"{name}-{group}"] = {"title": table.title, "head": table.head,
                                           "amount_label": table.amount_label,
                                           "rows": [{"label": r.label, "count": r.count, "amount": str(r.amount)}
                                                    for r in table.rows if r.count]}
    bodies = session.execute(select(Body.level, Body.kind, func.count()).where(
        Body.prefecture_code == prefecture_code, Body.recognised_on <= dt.date(year, 12, 31)).group_by(
        Body.level, Body.kind)).all()
    new = {(lvl, k): n for lvl, k, n in session.execute(select(Body.level, Body.kind, func.count()).where(
        Body.prefecture_code == prefecture_code, Body.recognised_on >= dt.date(year, 1, 1),
        Body.recognised_on <= dt.date(year, 12, 31)).group_by(Body.level, Body.kind))}
    if step is not None:
        step(len(sources) + 2, len(sources) + 2)
    return {
        "prefecture": {"code": division.code, "name": division.name}, "year": year,
        "generated_at": utcnow().isoformat(), "summary": summary, "groups": groups,
        "bodies": [{"level": str(LEVELS.get(lvl, lvl)), "kind": str(KINDS.get(k, k)), "count": int(n),
                    "new": int(new.get((lvl, k), 0))} for lvl, k, n in bodies],
        "not_recorded": [str(text) for name, text in PLANNED.items() if name not in SOURCES],
    }
