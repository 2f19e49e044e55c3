"""Incentive pages: the yearly statement, its snapshots and downloads, and the operator's
disbursement list."""

from __future__ import annotations

import io
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import DateField, HiddenField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from techmarket.accounts.models import User
from techmarket.contracts.services import member_org_ids
from techmarket.contracts.views.common import actor, paging
from techmarket.core.clock import local_today
from techmarket.core.forms import SafeForm, strip, submit
from techmarket.core.i18n import is_chinese
from techmarket.core.inputs import parse_int
from techmarket.core.pagination import paginate
from techmarket.extensions import db
from techmarket.incentives import disbursements as payouts
from techmarket.incentives import statement, statement_export
from techmarket.incentives.blueprint import statements
from techmarket.incentives.models import Statement
from techmarket.orgs import queries as org_queries
from techmarket.orgs.models import Organisation
from techmarket.policy import CALCULATORS
from techmarket.rulesets import queries as rule_queries
from techmarket.rulesets.display import Presenter

COST_LABELS = {
    "technology_receipts": _l("Technology income"),
    "tax_basis": _l("Tax basis of the intangible"),
    "accumulated_amortization": _l("Accumulated amortisation"),
    "amortization_for_year": _l("Amortisation for the year (non-exclusive licence)"),
    "related_taxes": _l("Related taxes and signing costs"),
    "apportioned_period_expenses": _l("Apportioned period expenses (non-exclusive licence)"),
}


class StartForm(SafeForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[DataRequired()])
    tax_year = StringField(_l("Tax year"), filters=[strip], validators=[DataRequired()],
                           render_kw={"inputmode": "numeric", "autocomplete": "off"})


class ComputeForm(SafeForm):
    cit_rate = StringField(_l("CIT rate"), filters=[strip], render_kw={"inputmode": "decimal", "autocomplete": "off"},
                           description=_l("Optional: your enterprise's rate, e.g. 0.15 for a high-tech enterprise; "
                                          "blank takes the rule set's default rate."))
    label = StringField(_l("Label"), filters=[strip], validators=[Optional(), Length(max=statement.MAX_LABEL)],
                        description=_l("Optional, e.g. “for the 2026 tax filing”."))


class DisbursementForm(SafeForm):
    statement_id = IntegerField(_l("Statement number"), validators=[DataRequired()])
    notice_on = DateField(_l("Date the transfer notice arrived"), validators=[DataRequired()])


class PaidForm(SafeForm):
    paid_on = DateField(_l("Date the funds were passed on"), validators=[DataRequired()])
    version = HiddenField()


def _display() -> dict[str, Any]:
    """What the statement partial needs to label and format calculator figures."""
    zh = is_chinese()
    titles = {n: (a if zh else b) for n, (a, b) in rule_queries.titles(db.session).items()}
    return {"zh": zh, "rule_titles": titles, "tax_show": Presenter(CALCULATORS[statement.TRANSFER_TAX], zh),
            "sub_show": Presenter(CALCULATORS[statement.SUBSIDY], zh), "cost_labels": COST_LABELS}


def _org(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    if org is None:
        abort(404)
    statement.require_view(db.session, actor(), org)
    return org


@statements.route("/", methods=["GET", "POST"])
@login_required
def index() -> str | Response | tuple[str, int]:
    orgs = [org for org, _role in org_queries.orgs_of_user(db.session, current_user.id)]
    form = StartForm()
    form.organisation_id.choices = [SelectChoice(org.id, org.name) for org in orgs]
    if request.method == "GET":
        form.tax_year.data = str(local_today().year - 1) if local_today().month < 6 else str(local_today().year)
    if form.validate_on_submit():
        year = submit(form, statement.tax_year, form.tax_year.data)
        if year is not None:
            return redirect(url_for("statements.compute", org_id=form.organisation_id.data, year=year))
    page = paginate(db.session, statement.of_user(current_user.id), *paging())
    status = 400 if request.method == "POST" else 200
    return render_template("incentives/index.html", form=form, page=page, orgs=orgs,
                           **_display()), status


def _compute_form(found: statement.Gathered) -> ComputeForm:
    """The statement form with one group of cost fields per transfer contract."""

    class Form(ComputeForm):
        pass

    for contract in found.transfers:
        for field in statement.COST_FIELDS:
            default = str(contract.technical_amount) if field == "technology_receipts" else ""
            setattr(Form, statement.cost_key(contract.id, field), StringField(
                COST_LABELS[field], filters=[strip], default=default,
                render_kw={"inputmode": "decimal", "autocomplete": "off"}))
    return Form()


@statements.route("/org/<int:org_id>/<int:year>", methods=["GET", "POST"])
@login_required
def compute(org_id: int, year: int) -> str | Response | tuple[str, int]:
    org = _org(org_id)
    year = statement.tax_year(year)
    found = statement.gather(db.session, org, year)
    form = _compute_form(found)
    costs = {c.id: {f: form[statement.cost_key(c.id, f)].data for f in statement.COST_FIELDS}
             for c in found.transfers}
    computed = None
    if request.method == "GET" or form.validate_on_submit():
        if request.form.get("action") == "save":
            saved = submit(form, statement.save, db.session, actor(), org, year, costs, form.cit_rate.data,
                           form.label.data or "")
            if saved is not None:
                db.session.commit()
                flash(_("The statement was saved as a snapshot with the rule-set versions it used."), "success")
                return redirect(url_for("statements.detail", statement_id=saved.id))
        computed = submit(form, statement.compute, db.session, org, year, costs, form.cit_rate.data)
    status = 400 if form.errors or form.form_errors else 200
    can_save = org.id in member_org_ids(db.session, current_user.id)
    return render_template("incentives/compute.html", org=org, year=year, form=form, found=found,
                           computed=computed, can_save=can_save, **_display()), status


@statements.route("/<int:statement_id>")
@login_required
def detail(statement_id: int) -> str:
    saved = statement.get(db.session, actor(), statement_id)
    disbursement = payouts.disbursement_of(db.session, saved)
    form = None
    if actor().is_operator and disbursement is None and statement.subsidy_total(saved) > 0:
        form = DisbursementForm(formdata=None, statement_id=saved.id)
    author = db.session.get(User, saved.created_by_id) if saved.created_by_id else None
    return render_template("incentives/detail.html", saved=saved, disbursement=disbursement,
                           disbursement_form=form, font=statement_export.pdf_font(current_app.config),
                           author=author, **_display())


@statements.route("/<int:statement_id>.<any(pdf, xlsx):fmt>")
@login_required
def download(statement_id: int, fmt: str) -> Response:
    saved = statement.get(db.session, actor(), statement_id)
    name = f"statement-{saved.organisation_id}-{saved.tax_year}-{saved.id}.{fmt}"
    if fmt == "pdf":
        data = statement_export.pdf(saved, current_app.config, **_display())
        return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=name)
    data = statement_export.xlsx(saved, **_display())
    return send_file(io.BytesIO(data), as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@statements.route("/all")
@login_required
def everything() -> str:
    org = (request.args.get("org") or "").strip()[:100]
    raw_year = (request.args.get("year") or "").strip()
    year = parse_int(raw_year, lo=1000, hi=9999)
    page = paginate(db.session, statement.everything(actor(), org or None, year), *paging())
    return render_template("incentives/all.html", page=page, org=org, year=year, **_display())


@statements.route("/disbursements", methods=["GET", "POST"])
@login_required
def disbursements() -> str | Response | tuple[str, int]:
    rows = payouts.disbursements(actor())
    form = DisbursementForm()
    if form.validate_on_submit():
        saved = db.session.get(Statement, form.statement_id.data)
        if saved is None:
            form.statement_id.errors = [*form.statement_id.errors, _("No such statement.")]
        elif submit(form, payouts.record_disbursement, db.session, actor(), saved, form.notice_on.data):
            db.session.commit()
            flash(_("The disbursement was recorded with its deadline."), "success")
            return redirect(url_for("statements.disbursements"))
    page = paginate(db.session, rows, *paging())
    today = local_today()
    paid_forms = {d.id: PaidForm(formdata=None, version=d.version, paid_on=today) for d in page.items if not d.paid_on}
    status = 400 if request.method == "POST" else 200
    return render_template("incentives/disbursements.html", page=page, form=form, paid_forms=paid_forms,
                           today=today, days_left=payouts.days_left), status


@statements.route("/disbursements/<int:disbursement_id>/paid", methods=["POST"])
@login_required
def paid(disbursement_id: int) -> Response:
    row = payouts.get_disbursement(db.session, actor(), disbursement_id)
    form = PaidForm()
    if not form.validate_on_submit():
        flash(_("Enter the date the funds were passed on."), "danger")
        return redirect(url_for("statements.disbursements"))
    version = parse_int(form.version.data, lo=0)
    payouts.mark_paid(db.session, actor(), row, form.paid_on.data, expected_version=version)
    db.session.commit()
    flash(_("The disbursement was marked as paid on %(day)s.", day=form.paid_on.data.isoformat()), "success")
    return redirect(url_for("statements.disbursements"))


BLUEPRINTS = (statements,)
