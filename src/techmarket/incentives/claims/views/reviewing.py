"""The claim page with the decisions its viewer may take, the reviewers' queues, the operator's year (budget,
pro-rata reduction, publication), listing for disbursement, objections and the bureaus' areas."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from techmarket.accounts.models import BureauArea, User
from techmarket.contracts.views.common import actor, paging
from techmarket.core.clock import local_today
from techmarket.core.errors import PermissionDenied
from techmarket.core.forms import submit
from techmarket.core.pagination import paginate
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.incentives.claims import access, claiming, review
from techmarket.incentives.claims import workflow as wf
from techmarket.incentives.claims.forms import ActForm, AnswerForm, AreaForm, ListForm
from techmarket.incentives.claims.machine import MACHINE
from techmarket.incentives.claims.models import ClaimStep
from techmarket.incentives.claims.views.common import ACTION_LABELS, load, version_of
from techmarket.incentives.models import Disbursement
from techmarket.orgs.models import Division
from techmarket.rulesets import queries as rule_queries

OWN = ("submit", "withdraw")


@login_required
def detail(claim_id: int) -> str:
    claim = load(claim_id)
    roles = access.roles_of(db.session, actor(), claim)
    offered = MACHINE.actions(claim, roles)
    steps = db.session.scalars(select(ClaimStep).where(ClaimStep.claim_id == claim.id).order_by(ClaimStep.id)).all()
    disbursement = db.session.scalar(select(Disbursement).where(Disbursement.claim_id == claim.id))
    is_operator = wf.OPERATOR in roles
    return render_template(
        "claims/detail.html", claim=claim, steps=steps, labels=ACTION_LABELS,
        decisions=[a for a in (*wf.DECISIONS[wf.COUNTY], *wf.DECISIONS[wf.CITY], *wf.DECISIONS[wf.OPERATOR],
                               "publish") if a in offered],
        own=[a for a in OWN if a in offered], can_list="list" in offered,
        act_form=ActForm(formdata=None, version=claim.version), disbursement=disbursement,
        rule_titles=rule_queries.titles(db.session), is_operator=is_operator,
        objections=claim.objections if is_operator else [], answer_form=AnswerForm(formdata=None),
        list_form=ListForm(formdata=None, version=claim.version, notice_on=local_today()),
        needs_reason=wf.NEEDS_REASON)


@login_required
def act(claim_id: int, action: str) -> Response:
    claim = load(claim_id)
    form = ActForm()
    if not form.validate_on_submit():
        flash(_("The form expired or was incomplete. Please try again."), "danger")
        return redirect(url_for("claims.detail", claim_id=claim.id))
    version, reason = version_of(form.version.data), form.reason.data or ""
    if action == "submit":
        submit(form, claiming.submit, db.session, actor(), claim, expected_version=version)
    elif action == "withdraw":
        submit(form, claiming.withdraw, db.session, actor(), claim, reason, expected_version=version)
    elif action == "publish":
        submit(form, review.publish, db.session, actor(), claim, today=local_today(), expected_version=version)
    else:
        submit(form, review.decide, db.session, actor(), claim, action, reason, expected_version=version)
    problems = [*form.form_errors, *form.reason.errors]
    if problems:
        for message in problems:
            flash(str(message), "danger")
        return redirect(url_for("claims.detail", claim_id=claim.id))
    db.session.commit()
    flash(_("Done: the claim is now “%(state)s”.", state=wf.STATUS_LABELS[wf.Status(claim.status)]), "success")
    return redirect(url_for("claims.detail", claim_id=claim.id))


@login_required
def list_claim(claim_id: int) -> Response:
    claim = load(claim_id)
    form = ListForm()
    if not form.validate_on_submit():
        flash(_("Enter the date the transfer notice arrived."), "danger")
        return redirect(url_for("claims.detail", claim_id=claim.id))
    review.list_for_disbursement(db.session, actor(), claim, form.notice_on.data, today=local_today(),
                                 expected_version=version_of(form.version.data))
    db.session.commit()
    flash(_("The claim entered the disbursement list."), "success")
    return redirect(url_for("statements.disbursements"))


@login_required
def answer(objection_id: int, verdict: str) -> Response:
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Write the answer to the objection."), "danger")
        return redirect(request.referrer or url_for("claims.queue"))
    found = review.decide_objection(db.session, actor(), objection_id, verdict == "uphold", form.answer.data or "")
    db.session.commit()
    flash(_("The objection was answered."), "success")
    return redirect(url_for("claims.detail", claim_id=found.claim_id))


@login_required
def queue() -> str:
    level, query = access.queue(db.session, actor())
    page = paginate(db.session, query, *paging())
    return render_template("claims/queue.html", page=page, level=level)


@login_required
def year(year: int) -> str | Response:
    if not 2000 <= year <= 2100:
        abort(404)
    if request.method == "POST":
        form = ActForm()
        if not form.validate_on_submit():
            abort(400)
        if request.form.get("do") == "reduce":
            review.reduce_to_budget(db.session, actor(), year)
            db.session.commit()
            flash(_("The approved claims were reduced to the year's budget."), "success")
        else:
            count = review.publish_year(db.session, actor(), year, today=local_today())
            db.session.commit()
            flash(_("%(n)d approved claims were published.", n=count), "success")
        return redirect(url_for("claims.year", year=year))
    found = review.budget(db.session, actor(), year)
    return render_template("claims/year.html", found=found, year=year, form=ActForm(formdata=None))


@login_required
def bureaus() -> str | Response | tuple[str, int]:
    if not actor().has(Role.OPERATOR):
        raise PermissionDenied(_("Only the market operator assigns the bureaus' areas."))
    form = AreaForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == (form.email.data or "").lower()))
        if user is None:
            form.email.errors = [*form.email.errors, _("No user with this email address.")]
        elif submit(form, access.assign_area, db.session, actor(), user, form.division_code.data or ""):
            db.session.commit()
            flash(_("The bureau's area was saved."), "success")
            return redirect(url_for("claims.bureaus"))
    page = paginate(db.session, select(BureauArea).join(User, User.id == BureauArea.user_id)
                    .order_by(BureauArea.division_code, User.email), *paging())
    names = {d.code: d.label for d in db.session.scalars(select(Division).where(
        Division.code.in_([a.division_code for a in page.items])))}
    status = 400 if request.method == "POST" else 200
    return render_template("claims/bureaus.html", form=form, page=page, names=names), status
