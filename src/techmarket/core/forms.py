"""Form plumbing shared by every blueprint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import StopValidation

from techmarket.core.errors import ValidationFailed
from techmarket.extensions import db

T = TypeVar("T")


def submit(form: FlaskForm, service: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Call a service for a validated form.

    A ``ValidationFailed`` rolls the unit of work back and lands beside the fields it names (a form with a
    ``locate(path)`` method resolves nested paths such as ``buyer.credit_code``), or at the top of the form,
    so the page re-renders with everything the user typed; other domain errors go on to the
    application's error handler.
    """
    try:
        return service(*args, **kwargs)
    except ValidationFailed as exc:
        db.session.rollback()
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
