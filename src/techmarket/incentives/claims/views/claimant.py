"""The claimant's pages: my organisations' claims and a new claim from the open window's contracts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from techmarket.contracts.services import member_org_ids
from techmarket.contracts.views.common import actor, paging
from techmarket.core.clock import local_today
from techmarket.core.forms import submit
from techmarket.core.pagination import paginate
from techmarket.extensions import db
from techmarket.incentives.claims import claiming
from techmarket.incentives.claims.forms import ROLE_LABELS, ApplyForm, StartForm
from techmarket.incentives.claims.models import SubsidyClaim
from techmarket.incentives.claims.views.common import amount_or_none
from techmarket.orgs import queries as org_queries
from techmarket.orgs.models import Organisation
from techmarket.rulesets.services import rulebook


@login_required
def mine() -> str | Response | tuple[str, int]:
    orgs = [org for org, _role in org_queries.orgs_of_user(db.session, current_user.id)]
    form = StartForm()
    form.organisation_id.choices = [SelectChoice(org.id, org.name) for org in orgs]
    if form.validate_on_submit():
        return redirect(url_for("claims.create", org_id=form.organisation_id.data, role=form.role.data))
    query = (select(SubsidyClaim).where(SubsidyClaim.organisation_id.in_([o.id for o in orgs]))
             .order_by(SubsidyClaim.created_at.desc(), SubsidyClaim.id.desc()))
    page = paginate(db.session, query, *paging())
    book = rulebook(db.session)
    year = claiming.open_claim_year(book, local_today())
    window = claiming.claim_window(book, year)
    status = 400 if request.method == "POST" else 200
    return render_template("claims/mine.html", form=form, page=page, orgs=orgs, year=year, window=window), status


def _org(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    if org is None or org.id not in member_org_ids(db.session, current_user.id):
        abort(404)
    return org


@login_required
def create(org_id: int, role: str) -> str | Response | tuple[str, int]:
    org = _org(org_id)
    if role not in ROLE_LABELS:
        abort(404)
    book = rulebook(db.session)
    today = local_today()
    year = claiming.open_claim_year(book, today)
    found = claiming.candidates(db.session, org, role, year, book)
    form = ApplyForm()
    form.contracts.choices = [SelectChoice(c.contract.id, c.contract.registration_number or "")
                              for c in found if c.claimed_by is None]
    form.vouchers.choices = [SelectChoice(p.id, str(p.id)) for c in found for p in c.vouchers]
    if form.validate_on_submit():
        try:
            requested = amount_or_none(form.requested.data)
        except ValueError:
            form.requested.errors = [*form.requested.errors, _("Enter an amount in yuan, e.g. 50000.")]
        else:
            made = submit(form, claiming.create, db.session, actor(), org, role, form.contracts.data or [],
                          form.vouchers.data or [], requested, form.statement.data or "", today=today)
            if made is not None:
                db.session.commit()
                flash(_("The claim was saved as a draft with the computed amount. Check it and submit it."),
                      "success")
                return redirect(url_for("claims.detail", claim_id=made.id))
    status = 400 if request.method == "POST" else 200
    return render_template("claims/new.html", org=org, role=role, year=year, window=claiming.claim_window(book, year),
                           found=found, form=form), status
