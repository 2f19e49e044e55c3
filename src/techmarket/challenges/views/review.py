"""The review pages: the operator's formal check and panel, the expert's scoring page, the decision, the
publicity's objections and the final award."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from techmarket.challenges import access, decision, review
from techmarket.challenges.forms import ActionForm, TextForm
from techmarket.challenges.models import CallObjection, Review
from techmarket.challenges.queries import applications_of_call
from techmarket.challenges.views.common import actor, form_version, get_or_404, run, visible_application, visible_call
from techmarket.core.errors import ValidationFailed
from techmarket.core.inputs import parse_int, strip_control
from techmarket.extensions import db


@login_required
def formal(application_id: int, verdict: str) -> Response:
    app = visible_application(application_id)
    access.require_operator(actor())
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    return run(review.formal_check, db.session, actor(), app, verdict == "pass", form.reason.data or "",
               expected_version=form_version(form.version.data), success=_l("Formal check recorded."),
               back=url_for("challenges.panel", call_id=app.call_id))


@login_required
def panel(call_id: int) -> str | Response:
    call = visible_call(call_id)
    who = actor()
    access.require_operator(who)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        chosen = [i for x in request.form.getlist("experts") if (i := parse_int(x, lo=1)) is not None]
        return run(review.assign, db.session, who, call, chosen,
                   success=_l("Panel assigned; experts with a conflict of interest were recused."),
                   back=url_for("challenges.panel", call_id=call.id))
    reviews = review.reviews_of_call(db.session, call)
    return render_template("challenges/panel.html", call=call, pool=review.expert_pool(db.session, call.field),
                           applications=applications_of_call(db.session, call), reviews=reviews,
                           ranking=review.ranking(db.session, call), action_form=form)


@login_required
def review_page(review_id: int) -> str | Response | tuple[str, int]:
    r: Review = get_or_404(Review, review_id)
    who = actor()
    if r.expert_id != who.user_id:
        abort(404)  # an expert sees only the applications assigned to them
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = ActionForm()
        if not form.validate_on_submit():
            abort(400)
        marks = {c["key"]: (request.form.get(f"score_{c['key']}", "")[:6],
                            strip_control(request.form.get(f"comment_{c['key']}", ""))[:4000])
                 for c in r.application.call.rubric}
        try:
            review.score(db.session, who, r, marks, expected_version=form_version(form.version.data))
        except ValidationFailed as exc:
            db.session.rollback()
            errors = {k: str(v) for k, v in exc.field_errors.items()}
            flash(str(exc.message), "danger")
        else:
            db.session.commit()
            flash(_("Your scores are in. The other experts' scores are shown below."), "success")
            return redirect(url_for("challenges.review", review_id=r.id))
    others = [o for o in review.reviews_of_call(db.session, r.application.call)
              if o.application_id == r.application_id and o.id != r.id and o.status == "submitted"] \
        if review.others_visible(r) else []
    return render_template("challenges/review.html", r=r, app=r.application, call=r.application.call, others=others,
                           errors=errors, form=request.form, action_form=ActionForm()), 400 if errors else 200


@login_required
def recuse(review_id: int) -> Response:
    r: Review = get_or_404(Review, review_id)
    if r.expert_id != actor().user_id:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    return run(review.declare_conflict, db.session, actor(), r, form.reason.data or "",
               expected_version=form_version(form.version.data), success=_l("You are recused from this application."),
               back=url_for("challenges.mine"))


@login_required
def decide(call_id: int) -> Response:
    call = visible_call(call_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    back = url_for("challenges.detail", call_id=call.id, tab="results")
    if request.form.get("none"):
        return run(decision.no_award, db.session, actor(), call, form.reason.data or "",
                   expected_version=form_version(form.version.data), success=_l("Closed without an award."),
                   back=back)
    winners = [i for x in request.form.getlist("winners") if (i := parse_int(x, lo=1)) is not None]
    return run(decision.propose, db.session, actor(), call, winners, form.reason.data or "",
               expected_version=form_version(form.version.data),
               success=_l("The results are in publicity for 5 working days."), back=back)


@login_required
def object_to(call_id: int) -> Response:
    call = visible_call(call_id)
    form = TextForm()
    back = url_for("challenges.detail", call_id=call.id, tab="results")
    if not form.validate_on_submit():
        flash(_("Write your objection (at most 4000 characters)."), "danger")
        return redirect(back)
    return run(decision.object_to, db.session, actor(), call, form.text.data,
               success=_l("Your objection was sent to the operator."), back=back)


@login_required
def decide_objection(objection_id: int, verdict: str) -> Response:
    obj: CallObjection = get_or_404(CallObjection, objection_id)
    access.require_operator(actor())
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    return run(decision.decide_objection, db.session, actor(), obj, verdict == "uphold", form.reason.data or "",
               expected_version=form_version(form.version.data), success=_l("Objection decided."),
               back=url_for("challenges.detail", call_id=obj.call_id, tab="results"))


@login_required
def finalise(call_id: int) -> Response:
    call = visible_call(call_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    return run(decision.finalise, db.session, actor(), call, expected_version=form_version(form.version.data),
               success=_l("The award is final; draft contracts were created for the winners."),
               back=url_for("challenges.detail", call_id=call.id, tab="results"))
