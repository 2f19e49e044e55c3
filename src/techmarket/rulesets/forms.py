"""Forms: a calculator's form generated from its ``FieldSpec`` list, saving a result, editing a rule set.

Every calculator field is a text box or a select that keeps exactly what the user typed; the calculator
itself validates (:class:`techmarket.policy.PolicyInputError`) and :func:`place_errors` puts its messages
beside the fields. A ``list`` field is a fixed number of row groups; blank rows are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from techmarket.core.forms import SafeForm, strip
from techmarket.policy import Calculator, FieldSpec
from techmarket.policy.money import jsonable

#: Row groups shown for a list field (the API and the CLI take any number).
LIST_ROWS = {"contracts": 5, "years": 6, "history": 3}
DEFAULT_ROWS = 5
_INPUTMODE = {"money": "decimal", "rate": "decimal", "decimal": "decimal", "int": "numeric"}


def label(spec: FieldSpec, zh: bool) -> str:
    text = spec.label_zh if zh else spec.label_en
    return (text[:1].upper() + text[1:]) if text else spec.name


def _description(spec: FieldSpec, zh: bool, in_row: bool) -> str:
    parts = [spec.help_zh if zh else spec.help_en]
    if spec.kind == "money" and not in_row:
        parts.append(str(_l("in yuan")))
    elif spec.kind == "rate":
        parts.append(str(_l("a fraction such as 0.25, or 25%")))
    if spec.default is not None and not in_row and spec.kind not in ("bool", "choice"):
        parts.append(str(_l("default %(value)s", value=jsonable(spec.default))))
    return ("；" if zh else "; ").join(p for p in parts if p)


def choice_label(spec: FieldSpec, value: str, zh: bool) -> str:
    zh_label, en_label = spec.choice_labels.get(value, (value, value))
    return zh_label if zh else en_label


def _field(spec: FieldSpec, zh: bool, in_row: bool) -> Field:
    text = label(spec, zh)
    description = _description(spec, zh, in_row)
    if spec.kind == "bool":
        choices = [SelectChoice("", "—"), SelectChoice("true", _l("Yes")), SelectChoice("false", _l("No"))]
        default = "" if in_row or spec.default is None else ("true" if spec.default else "false")
        return SelectField(text, choices=choices, default=default, validate_choice=False, description=description)
    if spec.kind == "choice":
        options = [SelectChoice(value, choice_label(spec, value, zh)) for value in spec.choices]
        blank = SelectChoice("", _l("— choose —") if spec.required else "—")
        default = "" if in_row or spec.default is None else spec.default
        return SelectField(text, choices=[blank, *options], default=default, validate_choice=False,
                           description=description)
    render_kw: dict[str, Any] = {"autocomplete": "off"}
    if spec.kind == "date":
        render_kw["type"] = "date"
    elif spec.kind in _INPUTMODE:
        render_kw["inputmode"] = _INPUTMODE[spec.kind]
    return StringField(text, filters=[strip], description=description, render_kw=render_kw)


def _row_form(spec: FieldSpec, zh: bool) -> type[Form]:
    attrs = {item.name: _field(item, zh, in_row=True) for item in spec.item_fields}
    return type(f"{spec.name.title()}Row", (Form,), attrs)


def rows_for(spec: FieldSpec) -> int:
    return LIST_ROWS.get(spec.name, DEFAULT_ROWS)


def calculator_form(calculator: Calculator, zh: bool, **kwargs: Any) -> FlaskForm:
    """A form for ``calculator`` with labels in Chinese (``zh``) or English."""
    attrs: dict[str, Any] = {}
    for spec in calculator.fields:
        if spec.kind == "list":
            n = rows_for(spec)
            attrs[spec.name] = FieldList(FormField(_row_form(spec, zh)), label(spec, zh), min_entries=n,
                                         max_entries=n)
        else:
            attrs[spec.name] = _field(spec, zh, in_row=False)
    form_class = type("CalculatorForm", (SafeForm,), attrs)
    return form_class(**kwargs)


def form_input(form: FlaskForm, calculator: Calculator) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """The calculator input the form holds, and for each list field which form row each item came from.

    Blank values are left out (the calculator then applies the field's default); a row whose values are all
    blank is ignored."""
    data: dict[str, Any] = {}
    rows: dict[str, list[int]] = {}
    for spec in calculator.fields:
        field = form[spec.name]
        if spec.kind == "list":
            items, used = [], []
            for index, entry in enumerate(field.entries):
                item = {name: value for name, value in _values(entry.form).items() if value != ""}
                if item:
                    items.append(item)
                    used.append(index)
            if items:
                data[spec.name] = items
            rows[spec.name] = used
        elif (field.data or "") != "":
            data[spec.name] = field.data
    return data, rows


def _values(form: Form) -> dict[str, Any]:
    return {name: f.data.strip() if isinstance(f.data, str) else (f.data or "")
            for name, f in form._fields.items()}


def place_errors(form: FlaskForm, calculator: Calculator, errors: Mapping[str, Mapping[str, str]],
                 rows: Mapping[str, list[int]], zh: bool) -> tuple[dict[str, list[str]], list[str]]:
    """Put the calculator's field errors beside the fields (in the user's language).

    Returns the messages about a list as a whole (``{list name: [...]}``) and the messages no field holds."""
    lists: dict[str, list[str]] = {}
    loose: list[str] = []
    for path, error in errors.items():
        message = error.get("zh" if zh else "en") or error.get("en") or str(error)
        head, _, rest = path.partition(".")
        name, _, index = head.partition("[")
        spec = next((s for s in calculator.fields if s.name == name), None)
        target = None
        if spec is not None and spec.kind == "list" and index and rest:
            position = int(index.rstrip("]")) if index.rstrip("]").isdigit() else -1
            used = rows.get(name, [])
            if 0 <= position < len(used):
                target = form[name].entries[used[position]].form._fields.get(rest)
        elif spec is not None and spec.kind == "list":
            lists.setdefault(name, []).append(message)
            continue
        elif spec is not None and not index and not rest:
            target = form[name]
        if target is None:
            loose.append(f"{path}: {message}")
        else:
            target.errors = [*list(target.errors or []), message]
    return lists, loose


def row_open(form: Form) -> bool:
    """Whether a row group is shown open: it holds values or errors."""
    return any(value not in ("", None) for value in _values(form).values()) or any(
        f.errors for f in form._fields.values())


class SaveForm(SafeForm):
    """Save a result: the inputs travel back and the calculator runs again, so what is stored is always what
    the calculator computes."""

    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[DataRequired()])
    label = StringField(_l("Label (optional)"), filters=[strip], validators=[Optional(), Length(max=200)],
                        description=_l("For example the tax year or the project it is for."))
    inputs = HiddenField()


class RuleSetForm(SafeForm):
    params = TextAreaField(_l("Parameters (JSON)"), validators=[DataRequired()],
                           description=_l("Keep the keys and the kinds of values of the previous version; write "
                                          "decimals as strings, e.g. \"0.25\"."),
                           render_kw={"rows": 22, "spellcheck": "false"})
    effective_from = DateField(_l("Takes effect on"), validators=[DataRequired()])
    source = StringField(_l("Source (clause or document)"), filters=[strip],
                         validators=[DataRequired(), Length(max=500)])
    example = BooleanField(_l("The figures are an example still to be confirmed"))
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=2000)],
                         render_kw={"rows": 3})
    base_version = HiddenField()
