"""Form plumbing shared by every blueprint."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from babel.support import NullTranslations, Translations
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField
from wtforms.i18n import messages_path
from wtforms.validators import StopValidation

from techmarket.core.errors import ValidationFailed
from techmarket.core.inputs import CONTROL_MESSAGE, RANGE_MESSAGE, has_control, in_int_range, strip_control
from techmarket.extensions import db

T = TypeVar("T")


def submit(form: FlaskForm, service: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Call a service for a validated form.

    A ``ValidationFailed`` rolls the unit of work back and lands beside the fields it names (a form with a
    ``locate(path)`` method resolves nested paths such as ``buyer.credit_code``), or at the top of the form,
    so the page re-renders with everything the user typed; other domain errors go on to the
    application's error handler. The refusal itself is kept on a :class:`SafeForm` as ``form.failure`` (a JSON
    answer may carry more of it than the messages).
    """
    try:
        return service(*args, **kwargs)
    except ValidationFailed as exc:
        db.session.rollback()
        if isinstance(form, SafeForm):
            form.failure = exc
        placed = False
        for name, message in exc.field_errors.items():
            locate = getattr(form, "locate", None)
            field = locate(name) if callable(locate) else getattr(form, name, None)
            if field is not None and hasattr(field, "errors"):
                field.errors = [*list(field.errors or []), str(message)]
                placed = True
        if not placed or not exc.field_errors:
            form.form_errors.append(str(exc.message))
        return None


class SafeForm(FlaskForm):
    """The base of every form: the input boundary of ``core/inputs.py`` for each field.

    A field whose text holds NUL or another control character, or whose whole number does not fit the
    database, is refused with a message beside it; its other validators see the value without those
    characters (or no number), so nothing unsafe reaches a query, and the page shows the rest of what the
    user typed."""

    failure: ValidationFailed | None = None
    """The service's refusal when :func:`submit` caught one."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            """WTForms' own messages in the request's language, from a catalogue read once per process (Flask-WTF
            reads the .mo file again for every request that builds a form)."""
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return wtforms_translations(str(get_locale()))

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        refused = [(field, message) for field in _leaves(self) if (message := _make_safe(field)) is not None]
        ok = super().validate(extra_validators)
        for field, message in refused:
            field.errors = [str(message)]
        return ok and not refused


_WTFORMS_CATALOGUES: dict[str, NullTranslations] = {}


def wtforms_translations(locale: str) -> NullTranslations:
    """WTForms' catalogue for ``locale``, loaded on first use and kept for the process."""
    found = _WTFORMS_CATALOGUES.get(locale)
    if found is None:
        found = _WTFORMS_CATALOGUES[locale] = Translations.load(messages_path(), [locale], domain="wtforms")
    return found


def _leaves(form: Any) -> Iterator[Field]:
    for field in form:
        if isinstance(field, FormField):
            yield from _leaves(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                yield from (_leaves(entry.form) if isinstance(entry, FormField) else [entry])
        else:
            yield field


def _make_safe(field: Field) -> Any:
    """The message refusing ``field``'s input (and its data made safe), or ``None`` when it is fine."""
    raw = [item for item in (field.raw_data or []) if item is not None]
    texts = [getattr(item, "filename", item) for item in raw]
    if any(isinstance(text, str) and has_control(text) for text in texts):
        data = field.data
        if isinstance(data, str):
            field.data = strip_control(data)
        elif isinstance(data, list):
            field.data = [strip_control(d) if isinstance(d, str) else d for d in data]
        elif data is not None and not isinstance(data, int | float):
            field.data = None
        return CONTROL_MESSAGE
    values = field.data if isinstance(field.data, list) else [field.data]
    if any(isinstance(v, int) and not isinstance(v, bool) and not in_int_range(v) for v in values):
        field.data = None
        return RANGE_MESSAGE
    return None


class Strip:
    """Filter: trim surrounding white space (also full-width spaces)."""

    def __call__(self, value: Any) -> Any:
        return value.strip().strip("\u3000") if isinstance(value, str) else value


strip = Strip()


def required_if(other: str, value: Any = True) -> Callable[[FlaskForm, Any], None]:
    def check(form: FlaskForm, field: Any) -> None:
        if getattr(form, other).data == value and not field.data:
            raise StopValidation(str(_l("This field is required.")))

    return check
