"""What the account pages share."""

from __future__ import annotations

from flask import render_template
from flask_wtf import FlaskForm

Page = tuple[str, int]


def form_page(template: str, form: FlaskForm, **context: object) -> Page:
    """Render a form page; a form sent back with errors answers 400, so bad input is never a 200."""
    return render_template(template, form=form, **context), 400 if form.errors else 200
