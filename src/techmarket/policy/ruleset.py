"""Versioned rule sets and the rule book that picks the version in force.

Every rate, threshold, cap and band the calculators use lives in the ``params`` of a :class:`RuleSet`.
Rule sets are immutable: the operator's console saves an edit as a new version (see
:meth:`RuleBook.next_version`) and shows :func:`diff_params` against the previous one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .errors import PolicyError, RuleNotInForce
from .money import to_decimal

#: Precedence levels (POLICY.md, last paragraph of the 2020 document): a national rule overrides the
#: 2020 policy, which overrides the older regional rules.
NATIONAL = 3
THIS_POLICY = 2
OLDER_REGIONAL = 1
PRECEDENCE_LEVELS = (OLDER_REGIONAL, THIS_POLICY, NATIONAL)

_MISSING = object()


def _freeze(value: Any, path: str) -> Any:
    """Deep-copy JSON-able data into an immutable form (dict -> mapping proxy, list -> tuple)."""
    if isinstance(value, Mapping):
        frozen = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise PolicyError(f"rule-set parameter keys must be strings, got {key!r} in {path or 'params'}")
            frozen[key] = _freeze(item, f"{path}.{key}" if path else key)
        return MappingProxyType(frozen)
    if isinstance(value, list | tuple):
        return tuple(_freeze(item, f"{path}[{i}]") for i, item in enumerate(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        raise PolicyError(f"rule-set parameter {path} is a float; write decimals as strings")
    if value is None or isinstance(value, bool | int | str):
        return value
    raise PolicyError(f"rule-set parameter {path} has a non-JSON value of type {type(value).__name__}")


def _thaw(value: Any) -> Any:
    """The inverse of :func:`_freeze`: plain dicts and lists, ready for ``json.dumps``."""
    if isinstance(value, Mapping):
        return {key: _thaw(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_thaw(item) for item in value]
    return value


@dataclass(frozen=True)
class RuleSet:
    """One version of a named rule set.

    ``params`` holds JSON-able values only (decimals as strings); it is frozen on construction, so a
    rule set that produced a stored result can never change under it.
    """

    name: str
    version: int
    effective_from: datetime.date
    source: str
    precedence: int
    params: Mapping[str, Any]
    title_zh: str
    title_en: str
    example: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise PolicyError("a rule set needs a non-empty name")
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise PolicyError(f"rule set {self.name!r}: version must be a positive integer")
        if not isinstance(self.effective_from, datetime.date) or isinstance(self.effective_from, datetime.datetime):
            raise PolicyError(f"rule set {self.name!r}: effective_from must be a date")
        if self.precedence not in PRECEDENCE_LEVELS:
            raise PolicyError(
                f"rule set {self.name!r}: precedence must be one of {PRECEDENCE_LEVELS} "
                "(NATIONAL=3, THIS_POLICY=2, OLDER_REGIONAL=1)"
            )
        if not isinstance(self.params, Mapping):
            raise PolicyError(f"rule set {self.name!r}: params must be a mapping")
        object.__setattr__(self, "params", _freeze(self.params, ""))

    def __hash__(self) -> int:
        return hash((self.name, self.version, self.precedence, self.effective_from))

    @property
    def key(self) -> tuple[str, int]:
        """``(name, version)``: what a stored result records."""
        return (self.name, self.version)

    def get(self, path: str, default: Any = _MISSING) -> Any:
        """A parameter by dotted path (``"bands.0.rate"``); raise :class:`PolicyError` if absent."""
        value: Any = self.params
        for part in path.split("."):
            if isinstance(value, Mapping) and part in value:
                value = value[part]
            elif isinstance(value, tuple) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                if default is not _MISSING:
                    return default
                raise PolicyError(f"rule set {self.name!r} v{self.version} has no parameter {path!r}")
        return value

    def decimal(self, key: str) -> Decimal:
        """A parameter as ``Decimal``; raise :class:`PolicyError` if absent or not a number."""
        raw = self.get(key)
        try:
            return to_decimal(raw)
        except (ValueError, OverflowError) as exc:
            raise PolicyError(
                f"rule set {self.name!r} v{self.version}: parameter {key!r} is not a decimal ({raw!r})"
            ) from exc

    def integer(self, key: str) -> int:
        """A parameter as ``int``; raise :class:`PolicyError` otherwise."""
        raw = self.get(key)
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise PolicyError(f"rule set {self.name!r} v{self.version}: parameter {key!r} is not an integer")
        return raw

    def describe(self) -> dict[str, Any]:
        """The short reference a breakdown lists under ``rule_sets``."""
        return {
            "name": self.name,
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "source": self.source,
            "precedence": self.precedence,
            "example": self.example,
        }

    def to_json(self) -> dict[str, Any]:
        """A plain JSON-able dict; :meth:`from_json` restores an equal rule set."""
        return {
            "name": self.name,
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "source": self.source,
            "precedence": self.precedence,
            "params": _thaw(self.params),
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "example": self.example,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RuleSet:
        """Build a rule set from :meth:`to_json` output; raise :class:`PolicyError` on malformed data."""
        if not isinstance(data, Mapping):
            raise PolicyError("a rule set must be a JSON object")
        missing = [k for k in ("name", "version", "effective_from", "source", "precedence", "params") if k not in data]
        if missing:
            raise PolicyError(f"rule set is missing {', '.join(missing)}")
        raw_date = data["effective_from"]
        try:
            effective = raw_date if isinstance(raw_date, datetime.date) else datetime.date.fromisoformat(str(raw_date))
        except ValueError as exc:
            raise PolicyError(f"rule set {data['name']!r}: effective_from {raw_date!r} is not an ISO date") from exc
        return cls(
            name=data["name"],
            version=data["version"],
            effective_from=effective,
            source=str(data["source"]),
            precedence=data["precedence"],
            params=data["params"],
            title_zh=str(data.get("title_zh", "")),
            title_en=str(data.get("title_en", "")),
            example=bool(data.get("example", False)),
            note=str(data.get("note", "")),
        )


class RuleBook:
    """The rule sets known to the platform, all versions of each name.

    Resolution (:meth:`resolve`) follows the last paragraph of the 2020 policy as POLICY.md states it:

    1. Only versions with ``effective_from <= on`` are in force on date ``on``; a version stays in force
       until it is overridden (there is no end date).
    2. Among the versions in force, the highest ``precedence`` wins: a national rule (``NATIONAL``)
       overrides this policy (``THIS_POLICY``), which overrides older regional rules
       (``OLDER_REGIONAL``), whatever their dates. Precedence is a level, not a date: an operator who
       records a newer regional rule that replaces this policy's figures gives it ``THIS_POLICY``.
    3. Within the winning precedence, the newest ``effective_from`` wins (a newer version overrides an
       older one for dates on or after its effective date); a tie on the date goes to the higher
       ``version`` number (a correction saved later).
    4. If the name is unknown, or no version is in force on ``on``, :class:`PolicyError` is raised
       (:class:`RuleNotInForce` in the second case).

    A result computed on a date keeps the version it used when later versions are added, as long as
    their effective dates are after that date; results also record the versions, so a stored snapshot
    never depends on re-resolution.
    """

    def __init__(self, rule_sets: Iterable[RuleSet] = ()) -> None:
        self._by_name: dict[str, list[RuleSet]] = {}
        for rule_set in rule_sets:
            if not isinstance(rule_set, RuleSet):
                raise PolicyError(f"a rule book holds RuleSet objects, got {type(rule_set).__name__}")
            versions = self._by_name.setdefault(rule_set.name, [])
            if any(existing.version == rule_set.version for existing in versions):
                raise PolicyError(f"rule set {rule_set.name!r} version {rule_set.version} is given twice")
            versions.append(rule_set)
        for versions in self._by_name.values():
            versions.sort(key=lambda rs: rs.version)

    def __iter__(self) -> Iterator[RuleSet]:
        for name in self.names():
            yield from self._by_name[name]

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_name.values())

    def names(self) -> list[str]:
        """The rule-set names, sorted."""
        return sorted(self._by_name)

    def versions(self, name: str) -> list[RuleSet]:
        """All versions of ``name``, oldest version number first; raise :class:`PolicyError` if unknown."""
        if name not in self._by_name:
            raise PolicyError(f"unknown rule set {name!r}; known: {', '.join(self.names())}")
        return list(self._by_name[name])

    def latest(self, name: str) -> RuleSet:
        """The version with the highest number (what the console edits next)."""
        return self.versions(name)[-1]

    def next_version(self, name: str) -> int:
        """The version number a new edit of ``name`` receives (1 for a new name)."""
        return self._by_name[name][-1].version + 1 if name in self._by_name else 1

    def previous(self, rule_set: RuleSet) -> RuleSet | None:
        """The version numbered just below ``rule_set`` (for "difference from the previous version")."""
        older = [rs for rs in self._by_name.get(rule_set.name, []) if rs.version < rule_set.version]
        return older[-1] if older else None

    def with_rule_sets(self, *rule_sets: RuleSet) -> RuleBook:
        """A new rule book with ``rule_sets`` added (rule books are never changed in place)."""
        return RuleBook([*self, *rule_sets])

    def resolve(self, name: str, on: datetime.date) -> RuleSet:
        """The version of ``name`` applicable on ``on`` (see the class docstring for the precise rule)."""
        versions = self.versions(name)
        in_force = [rs for rs in versions if rs.effective_from <= on]
        if not in_force:
            raise RuleNotInForce(name, on, min(rs.effective_from for rs in versions))
        return max(in_force, key=lambda rs: (rs.precedence, rs.effective_from, rs.version))


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, Mapping):
        if not value and prefix:
            out[prefix] = {}
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else key, out)
    elif isinstance(value, tuple | list):
        if not value:
            out[prefix] = []
        for index, item in enumerate(value):
            _flatten(item, f"{prefix}[{index}]", out)
    else:
        out[prefix] = value


def diff_params(old: RuleSet, new: RuleSet) -> list[tuple[str, Any, Any]]:
    """Parameter differences between two versions, as ``(key, old_value, new_value)``.

    Nested parameters are flattened to dotted keys with list indices (``"bands[1].rate"``). A key present
    on one side only shows ``None`` on the other. Keys keep the order of the new version, then keys that
    only the old version had.
    """
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    _flatten(old.params, "", before)
    _flatten(new.params, "", after)
    keys = list(after) + [k for k in before if k not in after]
    changes = []
    for key in keys:
        old_value = before.get(key, _MISSING)
        new_value = after.get(key, _MISSING)
        if (
            old_value is _MISSING
            or new_value is _MISSING
            or old_value != new_value
            or (type(old_value) is not type(new_value))
        ):
            changes.append(
                (
                    key,
                    None if old_value is _MISSING else old_value,
                    None if new_value is _MISSING else new_value,
                )
            )
    return changes
