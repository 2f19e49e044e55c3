"""The feedback form: a CSRF-protected POST with the verdict (one button per verdict, no JavaScript)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class FeedbackForm(FlaskForm):
    next = HiddenField()
