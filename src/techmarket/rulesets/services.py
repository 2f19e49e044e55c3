"""Rule-set rules: the stored rule book, the operator's new versions, running and saving calculations.

Every rate, threshold, cap and band is a parameter of a stored rule-set version. Versions are never
changed: an edit is saved as version ``max + 1`` after its parameters were checked against the previous
version (same keys, same value types, decimals still decimals) and against what the calculator reads.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today
from techmarket.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from techmarket.core.inputs import InvalidJson, load_json
from techmarket.core.roles import Role
from techmarket.orgs.models import Membership, Organisation
from techmarket.orgs.services import membership
from techmarket.policy import (
    CALCULATORS,
    DEFAULT_RULE_SETS,
    PolicyError,
    PolicyInputError,
    RuleBook,
    RuleSet,
    validate_rule_set,
)
from techmarket.policy.money import to_decimal
from techmarket.policy.typed import Outcome, to_json
from techmarket.rulesets.models import RuleSetVersion, SavedCalculation

MIN_YEAR = 1990
YEARS_AHEAD = 10
MAX_SOURCE = 500
MAX_NOTE = 2000
MAX_LABEL = 200
CALCULATOR_ROLES = (Role.OPERATOR, Role.REGISTRAR)


class RuleSetBroken(DomainError):
    """A stored rule set cannot be used (it should have been refused when it was saved)."""

    status = 503


# --- the rule book -------------------------------------------------------------------------------------


def _shipped(name: str) -> RuleSet | None:
    return next((rs for rs in DEFAULT_RULE_SETS if rs.name == name and rs.version == 1), None)


def row_from_rule_set(rule_set: RuleSet, created_by_id: int | None = None) -> RuleSetVersion:
    data = rule_set.to_json()
    return RuleSetVersion(
        name=rule_set.name, version=rule_set.version, effective_from=rule_set.effective_from,
        source=data["source"], precedence=data["precedence"], params=data["params"],
        title_zh=data["title_zh"], title_en=data["title_en"], example=data["example"], note=data["note"],
        created_by_id=created_by_id,
    )


def seed_defaults(session: Session) -> int:
    """Store version 1 of every shipped rule set the database does not hold yet (the migration does this
    for a new installation). Returns how many were stored."""
    stored = set(session.scalars(select(RuleSetVersion.name).distinct()))
    added = 0
    for rule_set in DEFAULT_RULE_SETS:
        if rule_set.name not in stored and rule_set.version == 1:
            session.add(row_from_rule_set(rule_set))
            added += 1
    session.flush()
    return added


def rulebook(session: Session) -> RuleBook:
    """Every stored version of every rule set. A shipped rule set the database does not hold yet (an
    emptied table, a rule set newer than the data) counts with its shipped version 1."""
    rows = session.scalars(select(RuleSetVersion).order_by(RuleSetVersion.name, RuleSetVersion.version)).all()
    try:
        stored = [row.to_rule_set() for row in rows]
        names = {rs.name for rs in stored}
        return RuleBook([*stored, *(rs for rs in DEFAULT_RULE_SETS if rs.name not in names)])
    except PolicyError as exc:
        raise RuleSetBroken(_l("A stored rule set cannot be used (%(detail)s). The market operator has to "
                               "correct it.", detail=str(exc))) from exc


# --- running and saving calculations -------------------------------------------------------------------


def require_calculator_access(session: Session, actor: Actor) -> None:
    """The calculators are for the operator's staff and for members of organisations."""
    if actor.user_id is None and not actor.roles:
        raise PermissionDenied(_l("Sign in to use the policy calculators."))
    if actor.has(*CALCULATOR_ROLES):
        return
    if session.scalar(select(Membership.id).where(Membership.user_id == actor.user_id).limit(1)) is None:
        raise PermissionDenied(_l("The policy calculators are for members of organisations. Register your "
                                  "organisation or accept an invitation first."))


def calculate(session: Session, name: str, data: Any, *, today: dt.date | None = None,
              rules: RuleBook | None = None) -> dict[str, Any]:
    """Run calculator ``name`` over the stored rule book (``rules``, when the caller loaded it once for several
    calculations). Bad input raises :class:`ValidationFailed` whose ``field_errors`` map field paths
    (``contracts[1].kind``) to ``{"code", "en", "zh"}``."""
    calculator = CALCULATORS.get(name)
    if calculator is None:
        raise NotFound(_l("There is no calculator called “%(name)s”.", name=name))
    book = rules if rules is not None else rulebook(session)
    try:
        return calculator.run(data, rules=book, today=today or local_today())
    except PolicyInputError as exc:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=exc.errors) from exc
    except PolicyError as exc:
        raise RuleSetBroken(_l("A rule set of this calculator cannot be used (%(detail)s). The market "
                               "operator has to correct it.", detail=str(exc))) from exc


def evaluate(session: Session, name: str, inputs: Any, *, today: dt.date | None = None,
             rules: RuleBook | None = None) -> Outcome:
    """:func:`calculate` with a typed input (:mod:`techmarket.policy.typed`) and a typed outcome."""
    return Outcome(calculate(session, name, to_json(inputs), today=today, rules=rules))


def _can_use_org(session: Session, actor: Actor, org: Organisation) -> bool:
    return actor.has(Role.OPERATOR) or membership(session, org.id, actor.user_id) is not None


def save_calculation(session: Session, actor: Actor, org: Organisation, name: str, inputs: Mapping[str, Any],
                     result: Mapping[str, Any], label: str = "") -> SavedCalculation:
    """Save a computed breakdown to ``org`` with the rule-set versions that produced it."""
    if not _can_use_org(session, actor, org):
        raise PermissionDenied(_l("You can save results only to an organisation you belong to."))
    if name not in CALCULATORS:
        raise NotFound(_l("There is no calculator called “%(name)s”.", name=name))
    used = result.get("rule_sets") if isinstance(result, Mapping) else None
    if result.get("calculator") != name or not isinstance(used, list) or not used:
        raise ValidationFailed(_l("This is not a result of the %(name)s calculator.", name=name))
    label = (label or "").strip()
    if len(label) > MAX_LABEL:
        raise ValidationFailed(_l("Please correct the marked fields."),
                               field_errors={"label": _l("At most %(n)d characters.", n=MAX_LABEL)})
    saved = SavedCalculation(
        organisation_id=org.id, calculator=name, label=label,
        inputs=json.loads(json.dumps(dict(inputs), ensure_ascii=False)),
        result=json.loads(json.dumps(dict(result), ensure_ascii=False)),
        rule_sets=[{"name": r["name"], "version": r["version"]} for r in used],
        created_by_id=actor.user_id,
    )
    session.add(saved)
    session.flush()
    audit.record(session, actor, "saved_calculation", saved.id, "create", None,
                 {"organisation_id": org.id, "calculator": name, "rule_sets": saved.rule_sets})
    return saved


def require_saved_access(session: Session, actor: Actor, saved: SavedCalculation) -> None:
    if not (actor.is_staff or membership(session, saved.organisation_id, actor.user_id) is not None):
        raise PermissionDenied(_l("Only members of this organisation may see its saved calculations."))


# --- new versions ---------------------------------------------------------------------------------------


class Sentences:
    """Messages joined when shown: lazy strings take the reader's language at that moment."""

    def __init__(self, parts: list[Any]) -> None:
        self.parts = parts

    def __str__(self) -> str:
        return " ".join(str(part) for part in self.parts)


def _is_decimal(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        to_decimal(value)
    except (ValueError, OverflowError):
        return False
    return True


def _kind(value: Any) -> Any:
    if isinstance(value, bool):
        return _l("true or false")
    if isinstance(value, int):
        return _l("a whole number")
    if isinstance(value, str):
        return _l("a decimal number written as a string, e.g. \"0.25\"") if _is_decimal(value) else _l("text")
    if isinstance(value, Mapping):
        return _l("an object")
    if isinstance(value, list | tuple):
        return _l("a list")
    return _l("nothing (null)")


def _conform(old: Any, new: Any, path: str, problems: list[Any]) -> Any:
    """``new`` shaped like ``old`` (numbers where ``old`` has a decimal string become strings); the
    differences in keys and value types go to ``problems``. ``null`` may replace a value and vice versa."""
    where = path or _l("the parameters")
    if old is None or new is None:
        return new
    if isinstance(old, Mapping):
        if not isinstance(new, Mapping):
            problems.append(_l("%(path)s must be %(kind)s.", path=where, kind=_kind(old)))
            return new
        missing = [k for k in old if k not in new]
        extra = [k for k in new if k not in old]
        if missing:
            problems.append(_l("%(path)s lacks %(keys)s.", path=where, keys=", ".join(missing)))
        if extra:
            problems.append(_l("%(path)s has unknown %(keys)s.", path=where, keys=", ".join(extra)))
        return {k: _conform(old[k], v, f"{path}.{k}" if path else k, problems) if k in old else v
                for k, v in new.items()}
    if isinstance(old, list | tuple):
        if not isinstance(new, list):
            problems.append(_l("%(path)s must be %(kind)s.", path=where, kind=_kind(old)))
            return new
        if not old:
            return new
        return [_conform(old[min(i, len(old) - 1)], item, f"{path}[{i}]", problems) for i, item in enumerate(new)]
    if _is_decimal(old):
        if isinstance(new, int) and not isinstance(new, bool):
            new = str(new)
        if not _is_decimal(new):
            problems.append(_l("%(path)s must be %(kind)s.", path=where, kind=_kind(old)))
        return new
    same = isinstance(new, bool) if isinstance(old, bool) else (
        isinstance(new, int) and not isinstance(new, bool) if isinstance(old, int) else isinstance(new, str))
    if not same:
        problems.append(_l("%(path)s must be %(kind)s.", path=where, kind=_kind(old)))
    return new


def _parse_params(raw: str | Mapping[str, Any], previous: Mapping[str, Any], errors: dict[str, Any]) -> Any:
    if isinstance(raw, str):
        try:
            raw = load_json(raw, field="params", parse_float=str)
        except InvalidJson as exc:
            errors["params"] = exc.message
            return None
    if not isinstance(raw, Mapping):
        errors["params"] = _l("The parameters must be a JSON object, like the previous version.")
        return None
    problems: list[Any] = []
    params = _conform(previous, raw, "", problems)
    if problems:
        errors["params"] = Sentences(problems[:8] + (["…"] if len(problems) > 8 else []))
        return None
    return params


def _parse_date(raw: dt.date | str | None, latest: RuleSetVersion, errors: dict[str, Any]) -> dt.date | None:
    value: dt.date | None
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    else:
        try:
            value = dt.date.fromisoformat(str(raw or "").strip())
        except ValueError:
            errors["effective_from"] = _l("Give the date the version takes effect (YYYY-MM-DD).")
            return None
    last_year = local_today().year + YEARS_AHEAD
    if not MIN_YEAR <= value.year <= last_year:
        errors["effective_from"] = _l("The year must be between %(a)d and %(b)d.", a=MIN_YEAR, b=last_year)
        return None
    if value < latest.effective_from:
        errors["effective_from"] = _l("A new version cannot take effect before version %(v)d, which takes "
                                      "effect on %(d)s.", v=latest.version, d=latest.effective_from.isoformat())
        return None
    return value


def latest_version(session: Session, name: str) -> RuleSetVersion | None:
    return session.scalar(select(RuleSetVersion).where(RuleSetVersion.name == name)
                          .order_by(RuleSetVersion.version.desc()).limit(1))


def new_version(session: Session, actor: Actor, name: str, params: str | Mapping[str, Any],
                effective_from: dt.date | str | None, source: str, note: str = "", *,
                example: bool | None = None, base_version: int | None = None) -> RuleSetVersion:
    """Save the operator's edit of rule set ``name`` as a new version (the previous ones stay).

    ``params`` is the JSON text (or a mapping) of all parameters; ``example`` keeps the previous flag when
    ``None``; ``base_version`` is the version the operator edited (a newer one saved meanwhile is a
    :class:`Conflict`)."""
    if not actor.has(Role.OPERATOR):
        raise PermissionDenied(_l("Only the market operator edits rule sets."))
    latest = latest_version(session, name)
    if latest is None and _shipped(name) is not None:
        seed_defaults(session)
        latest = latest_version(session, name)
    if latest is None:
        raise NotFound(_l("There is no rule set called “%(name)s”.", name=name))
    if base_version is not None and base_version != latest.version:
        raise Conflict(_l("Version %(v)d of this rule set was saved meanwhile. Reload the page and edit that "
                          "version.", v=latest.version))
    errors: dict[str, Any] = {}
    parsed = _parse_params(params, latest.params, errors)
    effective = _parse_date(effective_from, latest, errors)
    source = (source or "").strip()
    note = (note or "").strip()
    if not source or len(source) > MAX_SOURCE:
        errors["source"] = _l("Cite the clause or document (1 to %(n)d characters).", n=MAX_SOURCE)
    if len(note) > MAX_NOTE:
        errors["note"] = _l("At most %(n)d characters.", n=MAX_NOTE)
    flag = latest.example if example is None else bool(example)
    if not errors and parsed == latest.params and effective == latest.effective_from \
            and source == latest.source and flag == latest.example:
        errors["params"] = _l("Nothing changed: a new version needs different parameters, date, source or "
                              "example flag.")
    rule_set = None
    if not errors:
        try:
            rule_set = RuleSet(name=name, version=latest.version + 1, effective_from=effective,  # type: ignore[arg-type]
                               source=source, precedence=latest.precedence, params=parsed,
                               title_zh=latest.title_zh, title_en=latest.title_en, example=flag, note=note)
            validate_rule_set(rule_set)
        except PolicyError as exc:
            errors["params"] = str(exc)
    if errors or rule_set is None:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)
    previous = latest.to_rule_set()
    row = row_from_rule_set(rule_set, created_by_id=actor.user_id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "rule_set", name, "new_version", _audit_view(previous), _audit_view(rule_set))
    return row


def _audit_view(rule_set: RuleSet) -> dict[str, Any]:
    data = rule_set.to_json()
    return {k: data[k] for k in ("version", "effective_from", "source", "precedence", "example", "params")}

