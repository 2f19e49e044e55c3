"""The policy calculators (members): compute, save a result, the saved results."""

from __future__ import annotations

import json
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from techmarket.accounts.services import actor_for
from techmarket.core.errors import ValidationFailed
from techmarket.core.forms import submit
from techmarket.core.i18n import is_chinese
from techmarket.core.inputs import load_json
from techmarket.core.pagination import clamp, paginate
from techmarket.extensions import db
from techmarket.orgs import queries as org_queries
from techmarket.orgs.models import Organisation
from techmarket.policy import CALCULATORS, Calculator
from techmarket.rulesets import queries, services
from techmarket.rulesets.display import Presenter
from techmarket.rulesets.forms import (
    SaveForm,
    calculator_form,
    form_input,
    place_errors,
    row_open,
    rows_for,
)
from techmarket.rulesets.views.common import calculator_or_404, members_only, titles


@members_only
def index() -> str:
    return render_template("policy/index.html", calculators=list(CALCULATORS.values()), zh=is_chinese())


def _save_form(data: dict[str, Any] | None = None) -> SaveForm | None:
    orgs = org_queries.orgs_of_user(db.session, current_user.id)
    if not orgs:
        return None
    form = SaveForm(formdata=None) if data is not None else SaveForm()
    form.organisation_id.choices = [SelectChoice(org.id, org.name) for org, _role in orgs]
    if data is not None:
        form.inputs.data = json.dumps(data, ensure_ascii=False)
    return form


def _page(calculator: Calculator, form: Any, result: dict[str, Any] | None = None,
          save_form: SaveForm | None = None, list_errors: dict[str, list[str]] | None = None,
          loose: list[str] | None = None) -> str:
    zh = is_chinese()
    return render_template("policy/calculator.html", calc=calculator, form=form, result=result, zh=zh,
                           save_form=save_form, list_errors=list_errors or {}, loose_errors=loose or [],
                           rows_for=rows_for, row_open=row_open, show=Presenter(calculator, zh),
                           rule_titles=titles())


@members_only
def calculator(name: str) -> str:
    calc = calculator_or_404(name)
    zh = is_chinese()
    form = calculator_form(calc, zh)
    if not form.validate_on_submit():
        return _page(calc, form)
    data, rows = form_input(form, calc)
    result, lists, loose = _compute(calc, form, data, rows, zh)
    if result is None:
        return _page(calc, form, list_errors=lists, loose=loose)
    return _page(calc, form, result, _save_form(data))


def _compute(calc: Calculator, form: Any, data: dict[str, Any], rows: dict[str, list[int]],
             zh: bool) -> tuple[dict[str, Any] | None, dict[str, list[str]], list[str]]:
    """Run the calculator; its field errors land beside the fields, which keep what the user typed (as
    :func:`techmarket.core.forms.submit` does for other forms)."""
    try:
        return services.calculate(db.session, calc.name, data), {}, []
    except ValidationFailed as exc:
        lists, loose = place_errors(form, calc, exc.field_errors, rows, zh)
        return None, lists, loose


@members_only
def save(name: str) -> str | Response:
    calc = calculator_or_404(name)
    save_form = _save_form()
    if save_form is None:
        abort(403)
    data = load_json(save_form.inputs.data or "", field="inputs")
    result = services.calculate(db.session, name, data)
    if save_form.validate_on_submit():
        org = db.session.get(Organisation, save_form.organisation_id.data) or abort(404)
        saved = submit(save_form, services.save_calculation, db.session, actor_for(current_user), org, name,
                       data, result, save_form.label.data or "")
        if saved is not None:
            db.session.commit()
            flash(_("The result was saved with the rule-set versions it used."), "success")
            return redirect(url_for("policy.saved_detail", saved_id=saved.id))
    form = calculator_form(calc, is_chinese(), formdata=None, data=_form_data(calc, data))
    return _page(calc, form, result, save_form)


def _form_data(calc: Calculator, data: dict[str, Any]) -> dict[str, Any]:
    """The calculator form's initial values for an input dict (lists padded to the form's rows)."""
    out: dict[str, Any] = {}
    for spec in calc.fields:
        value = data.get(spec.name)
        if spec.kind == "list":
            items = [{k: _as_text(v) for k, v in item.items()} for item in (value or []) if isinstance(item, dict)]
            out[spec.name] = items[: rows_for(spec)]
        elif value is not None:
            out[spec.name] = _as_text(value)
    return out


def _as_text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


@members_only
def saved_list() -> str:
    actor = actor_for(current_user)
    stmt = queries.saved_list(current_user.id, everything=actor.is_staff)
    page = paginate(db.session, stmt, *clamp(request.args.get("page"), request.args.get("per_page")))
    return render_template("policy/saved_list.html", page=page, calculators=CALCULATORS, zh=is_chinese())


@members_only
def saved_detail(saved_id: int) -> str:
    saved = queries.saved(db.session, saved_id) or abort(404)
    services.require_saved_access(db.session, actor_for(current_user), saved)
    calc = CALCULATORS.get(saved.calculator)
    zh = is_chinese()
    return render_template("policy/saved_detail.html", saved=saved, calc=calc, zh=zh,
                           show=Presenter(calc, zh) if calc else None, rule_titles=titles())


# --- the operator's rule-set console ---------------------------------------------------------------------
