"""The feedback form (a CSRF-protected POST with the verdict, one button per verdict, no JavaScript), the
subscription forms and the broker's introduction."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from techmarket.core.forms import SafeForm


class FeedbackForm(FlaskForm):
    next = HiddenField()


FREQUENCY_LABELS = {"immediate": _l("Immediately"), "daily": _l("Daily digest"), "weekly": _l("Weekly digest")}


class FrequencyForm(SafeForm):
    """How often: on the settings page, and with every subscribe button."""

    frequency = SelectField(_l("How often"), choices=[SelectChoice(k, v) for k, v in FREQUENCY_LABELS.items()],
                            default="daily")
    next = HiddenField()


class FollowForm(FrequencyForm):
    kind = HiddenField()
    target = HiddenField()


class IntroductionForm(SafeForm):
    reason = TextAreaField(_l("Why these two may fit (quoted to both sides)"),
                           validators=[Optional(), Length(max=1000)])
    next = HiddenField()
