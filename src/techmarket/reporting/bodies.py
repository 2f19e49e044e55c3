"""The register of platforms and bodies: the operator records each with its level and date of recognition;
the target page counts them against the 2025 targets; a body's page shows the one-off award the calculators
compute for it. Services: explicit actor, flush only; every change is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.errors import NotFound, PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.orgs.models import Division
from techmarket.reporting.catalogue import AWARDS, KINDS, LEVELS, Target, targets
from techmarket.reporting.models import Body
from techmarket.rulesets.services import calculate

FIRST_DATE = dt.date(1978, 1, 1)


@dataclass(frozen=True)
class BodyData:
    name: str
    kind: str
    level: str
    recognised_on: dt.date | None
    prefecture_code: str | None = None
    reference: str = ""
    note: str = ""


def _require_operator(actor: Actor) -> None:
    if not actor.has(Role.OPERATOR):
        raise PermissionDenied(_l("Only the market operator keeps the register of platforms and bodies."))


def _check(session: Session, data: BodyData, today: dt.date) -> None:
    errors: dict[str, Any] = {}
    if not data.name.strip():
        errors["name"] = _l("Enter the name.")
    if data.kind not in KINDS:
        errors["kind"] = _l("Choose a kind from the list.")
    if data.level not in LEVELS:
        errors["level"] = _l("Choose a level from the list.")
    if data.recognised_on is None or not FIRST_DATE <= data.recognised_on <= today:
        errors["recognised_on"] = _l("Enter the date of recognition, not in the future.")
    if data.prefecture_code:
        division = session.get(Division, data.prefecture_code)
        if division is None or division.level != "prefecture":
            errors["prefecture_code"] = _l("Choose a league or city from the list.")
    elif data.level == "prefecture":
        errors["prefecture_code"] = _l("A league or city body names its league or city.")
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)


def _snapshot(body: Body) -> dict[str, Any]:
    return {"name": body.name, "kind": body.kind, "level": body.level, "recognised_on": body.recognised_on,
            "prefecture_code": body.prefecture_code, "reference": body.reference, "note": body.note}


def create(session: Session, actor: Actor, data: BodyData, today: dt.date) -> Body:
    _require_operator(actor)
    _check(session, data, today)
    body = Body(**{k: (v.strip() if isinstance(v, str) else v) for k, v in asdict(data).items()})
    body.prefecture_code = data.prefecture_code or None
    session.add(body)
    session.flush()
    audit.record(session, actor, "reporting_body", body.id, "create", None, _snapshot(body))
    return body


def update(session: Session, actor: Actor, body: Body, data: BodyData, today: dt.date,
           expected_version: int | None = None) -> Body:
    _require_operator(actor)
    _check(session, data, today)
    if expected_version is not None and expected_version != body.version:
        raise ValidationFailed(_l("Someone else changed this first. Reload to see its state."))
    before = _snapshot(body)
    for key, value in asdict(data).items():
        setattr(body, key, value.strip() if isinstance(value, str) else value)
    body.prefecture_code = data.prefecture_code or None
    session.flush()
    audit.record(session, actor, "reporting_body", body.id, "update", before, _snapshot(body))
    return body


def delete(session: Session, actor: Actor, body: Body) -> None:
    _require_operator(actor)
    audit.record(session, actor, "reporting_body", body.id, "delete", _snapshot(body), None)
    session.delete(body)
    session.flush()


def get(session: Session, actor: Actor, body_id: int) -> Body:
    if not actor.is_staff:
        raise PermissionDenied(_l("The register of platforms and bodies is for staff."))
    body = session.get(Body, body_id)
    if body is None:
        raise NotFound(_l("No such platform or body."))
    return body


def listing(kind: str | None = None, level: str | None = None, prefecture: str | None = None) -> Select[Any]:
    stmt = select(Body).order_by(Body.recognised_on.desc(), Body.id.desc())
    if kind:
        stmt = stmt.where(Body.kind == kind)
    if level:
        stmt = stmt.where(Body.level == level)
    if prefecture:
        stmt = stmt.where(Body.prefecture_code == prefecture)
    return stmt


@dataclass
class Progress:
    target: Target
    counts: dict[int, int]  # year -> bodies recognised by the end of that year

    def reached(self, year: int) -> bool:
        return self.counts.get(year, 0) >= self.target.low

    def percent(self, year: int) -> int:
        return min(100, round(self.counts.get(year, 0) * 100 / self.target.low)) if self.target.low else 100


def progress(session: Session, years: list[int]) -> list[Progress]:
    """For each target, how many bodies of its kind and level had been recognised by the end of each year."""
    rows = session.execute(select(Body.kind, Body.level, func.extract("year", Body.recognised_on).label("y"),
                                  func.count()).group_by(Body.kind, Body.level, "y")).all()
    by_key: dict[tuple[str, str], dict[int, int]] = {}
    for kind, level, year, n in rows:
        by_key.setdefault((level, kind), {})[int(year)] = int(n)
    out = []
    for target in targets().targets:
        per_year = by_key.get((target.level, target.kind), {})
        out.append(Progress(target, {y: sum(n for yy, n in per_year.items() if yy <= y) for y in years}))
    return out


def award(session: Session, body: Body) -> dict[str, Any] | None:
    """The one-off (or first yearly) award the ``one-off-award`` calculator computes for this body, or None when
    the policy names none for its kind and level."""
    kind = AWARDS.get((body.level, body.kind))
    if kind is None:
        return None
    data = {"kind": kind, "subject": body.name, "event": body.reference or f"body-{body.id}",
            "event_date": body.recognised_on.isoformat(), "approval_year": body.recognised_on.year,
            "claim_year": body.recognised_on.year}
    try:
        result = calculate(session, "one-off-award", data)
    except ValidationFailed:
        return None
    return {"calculator_kind": kind, "amount": Decimal(str(result.get("nominal_amount") or 0)), "result": result}
