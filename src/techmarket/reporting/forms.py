"""The reporting console's forms: a platform or body of the register, and a yearly report to generate."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from techmarket.core.forms import SafeForm, strip
from techmarket.reporting.bodies import BodyData
from techmarket.reporting.catalogue import KINDS, LEVELS


def _choices(labels: dict[str, Any]) -> list[SelectChoice]:
    return [SelectChoice(k, v) for k, v in labels.items()]


class BodyForm(SafeForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=_choices(KINDS), validate_choice=False)
    level = SelectField(_l("Level of recognition"), choices=_choices(LEVELS), validate_choice=False)
    recognised_on = DateField(_l("Date of recognition"), validators=[Optional()])
    prefecture_code = SelectField(_l("League or city (盟市)"), choices=[], validate_choice=False)
    reference = StringField(_l("Approval document"), filters=[strip], validators=[Length(max=100)],
                            description=_l("The number of the approving document, e.g. 国科发区〔2024〕12号"))
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Length(max=2000)])
    version = HiddenField()

    def with_prefectures(self, prefectures: list[Any]) -> BodyForm:
        self.prefecture_code.choices = [SelectChoice("", _l("— none (a regional or national body) —"))] + [
            SelectChoice(d.code, d.label) for d in prefectures]
        return self

    def data_of(self) -> BodyData:
        return BodyData(name=self.name.data or "", kind=self.kind.data or "", level=self.level.data or "",
                        recognised_on=self.recognised_on.data, prefecture_code=self.prefecture_code.data or None,
                        reference=self.reference.data or "", note=self.note.data or "")


class ReportForm(SafeForm):
    prefecture = SelectField(_l("League or city (盟市)"), choices=[], validate_choice=False)
    year = IntegerField(_l("Year"), validators=[Optional()])
