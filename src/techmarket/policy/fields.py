"""Input field declarations: what a calculator accepts, for validation, the web form and ``policy list``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .money import jsonable

KINDS = ("money", "rate", "decimal", "int", "bool", "date", "choice", "list", "text")


@dataclass(frozen=True)
class FieldSpec:
    """One input field.

    ``kind`` is one of :data:`KINDS`: ``money`` (yuan, string or number, >= 0, quantised to the fen),
    ``rate`` (a fraction 0..1; ``"25%"`` is accepted), ``decimal``, ``int``, ``bool``, ``date`` (ISO),
    ``choice`` (one of ``choices``, labelled by ``choice_labels[value] = (zh, en)``), ``list`` (a list
    of objects whose fields are ``item_fields``) and ``text``. ``default`` is used when the field is
    absent or null; ``None`` means "no value" (the calculator then takes the rule set's figure where
    the help says so). ``minimum``/``maximum`` bound numbers (and list lengths).
    """

    name: str
    kind: str
    required: bool = False
    default: Any = None
    choices: list[str] = field(default_factory=list)
    label_zh: str = ""
    label_en: str = ""
    help_zh: str = ""
    help_en: str = ""
    item_fields: list[FieldSpec] = field(default_factory=list)
    minimum: Any = None
    maximum: Any = None
    choice_labels: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name!r}: unknown kind {self.kind!r}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"field {self.name!r}: a choice field needs choices")
        if self.kind == "list" and not self.item_fields:
            raise ValueError(f"field {self.name!r}: a list field needs item_fields")

    def to_json(self) -> dict[str, Any]:
        """A JSON description (for the API's schema and the web form)."""
        data: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "required": self.required,
            "default": jsonable(self.default),
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "help_zh": self.help_zh,
            "help_en": self.help_en,
        }
        if self.choices:
            data["choices"] = [
                {
                    "value": c,
                    "label_zh": self.choice_labels.get(c, (c, c))[0],
                    "label_en": self.choice_labels.get(c, (c, c))[1],
                }
                for c in self.choices
            ]
        if self.item_fields:
            data["item_fields"] = [f.to_json() for f in self.item_fields]
        if self.minimum is not None:
            data["minimum"] = jsonable(self.minimum)
        if self.maximum is not None:
            data["maximum"] = jsonable(self.maximum)
        return data

    def describe(self) -> str:
        """One line for ``policy list``: name, kind, required/default, choices."""
        parts = [self.kind]
        parts.append(
            "required"
            if self.required
            else f"optional, default {jsonable(self.default)!r}"
            if self.default is not None
            else "optional"
        )
        if self.choices:
            parts.append("one of " + "|".join(self.choices))
        return f"{self.name} ({', '.join(parts)}): {self.label_en} / {self.label_zh}"
