"""The call pages: the public list and search, the detail page with its tabs, posting and editing, the
operator's review, the NDA and the Q&A."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from techmarket.challenges import access, applications, calls, decision, queries, review
from techmarket.challenges.constants import CALL_STATUS_LABELS, PUBLIC_STATUSES, CallStatus
from techmarket.challenges.forms import ActionForm, CallForm, TextForm, default_rubric_text
from techmarket.challenges.models import Application, Question
from techmarket.challenges.views.common import actor, form_version, get_or_404, paging, run, visible_call
from techmarket.core.clock import local_today
from techmarket.core.components import component
from techmarket.core.forms import submit
from techmarket.core.inputs import parse_int
from techmarket.core.pagination import paginate
from techmarket.extensions import db
from techmarket.listings.constants import FIELDS
from techmarket.listings.data import parse_amount
from techmarket.listings.queries import prefectures
from techmarket.orgs.models import Organisation
from techmarket.search.service import SearchService

TABS = ("overview", "targets", "timeline", "qa", "results")
DONE = {"submit": _l("Submitted to the operator for review."), "approve": _l("The call is published."),
        "return": _l("The call was returned to its poster with your reasons."),
        "withdraw": _l("The call is withdrawn.")}


def _filters() -> queries.Filters:
    args = request.args

    def amount(name: str) -> Decimal | None:
        try:
            return parse_amount(args.get(name, "")[:30])
        except ValueError:
            return None

    try:
        before = dt.date.fromisoformat(args.get("deadline_before", "")[:10]) if args.get("deadline_before") else None
    except ValueError:
        before = None
    status = args.get("status", "")
    return queries.Filters(
        q=args.get("q", "")[:200], field=args.get("field", "") if args.get("field") in FIELDS else "",
        region=args.get("region", "")[:6] if parse_int(args.get("region", "")) is not None else "",
        status=status if status in {str(s) for s in PUBLIC_STATUSES} else "", bounty_min=amount("bounty_min"),
        bounty_max=amount("bounty_max"), deadline_before=before)


def index() -> str:
    f = _filters()
    page = paginate(db.session, queries.public_calls(db.session, component(SearchService), f), *paging())
    for call in page.items:
        if calls.settle(db.session, call):
            db.session.commit()
    return render_template("challenges/list.html", page=page, f=f, fields=FIELDS, regions=prefectures(db.session),
                           statuses={s: CALL_STATUS_LABELS[s] for s in PUBLIC_STATUSES})


@login_required
def mine() -> str:
    who = actor()
    orgs = access.org_ids_of(db.session, who)
    posted = paginate(db.session, queries.calls_of_orgs(orgs), *paging())
    applied = paginate(db.session, queries.applications_of_orgs(orgs), *paging("apage"))
    reviews = paginate(db.session, review.my_reviews(who), *paging("rpage"))
    return render_template("challenges/mine.html", posted=posted, applied=applied, reviews=reviews,
                           invitations=queries.invitations_for(db.session, orgs), action_form=ActionForm())


def _poster_choices(form: CallForm) -> bool:
    who = actor()
    if who.is_operator:
        orgs = list(db.session.scalars(select(Organisation).where(Organisation.status == "verified")
                                       .order_by(Organisation.name).limit(500)))
    else:
        orgs = access.verified_orgs_of(db.session, who)
    form.poster_org_id.choices = [(o.id, o.name) for o in orgs]
    form.prefecture_code.choices = [("", _("— any —")), *[(d.code, d.name) for d in prefectures(db.session)]]
    return bool(orgs)


@login_required
def create() -> str | Response | tuple[str, int]:
    form = CallForm()
    if not _poster_choices(form):
        flash(_("Only members of a verified organisation can post calls. Register your organisation and ask the "
                "operator to verify it first."), "info")
        return redirect(url_for("orgs.create"))
    if request.method == "GET":
        form.rubric.data = default_rubric_text()
        form.deadline_on.data = local_today() + dt.timedelta(days=30)
    if form.validate_on_submit():
        call = submit(form, calls.create, db.session, actor(), form.to_data())
        if call is not None:
            db.session.commit()
            flash(_("The call is saved as a draft. Submit it to the operator when it is complete."), "success")
            return redirect(url_for("challenges.detail", call_id=call.id))
    return render_template("challenges/form.html", form=form, call=None), 400 if request.method == "POST" else 200


@login_required
def edit(call_id: int) -> str | Response | tuple[str, int]:
    call = visible_call(call_id)
    access.require_poster(db.session, actor(), call)
    form = CallForm()
    _poster_choices(form)
    if request.method == "GET":
        form.fill(call)
    if form.validate_on_submit():
        done = submit(form, calls.update, db.session, actor(), call, form.to_data(),
                      expected_version=form_version(form.version.data))
        if done is not None:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("challenges.detail", call_id=call.id))
    return render_template("challenges/form.html", form=form, call=call), 400 if request.method == "POST" else 200


def detail(call_id: int) -> str:
    call = visible_call(call_id)
    if calls.settle(db.session, call):
        db.session.commit()
    who = actor()
    tab = request.args.get("tab", "overview")
    tab = tab if tab in TABS else "overview"
    poster = access.is_poster(db.session, who, call)
    my_orgs = access.org_ids_of(db.session, who)
    mine = list(db.session.scalars(queries.applications_of_orgs(my_orgs).where(Application.call_id == call.id)))
    apply_orgs = [o for o in access.verified_orgs_of(db.session, who) if o.id != call.poster_org_id]
    results = decision.proposed(db.session, call) if call.status in {CallStatus.PUBLICITY} else []
    awarded = [a for a in queries.applications_of_call(db.session, call) if a.status == "awarded"]
    return render_template(
        "challenges/detail.html", call=call, tab=tab, poster=poster, operator=who.is_operator,
        confidential=calls.may_see_confidential(db.session, who, call),
        nda=calls.nda_accepted(db.session, who, call), accepting=calls.accepting(call), mine=mine,
        apply_orgs=apply_orgs, log=queries.clarifications(db.session, call),
        open_questions=queries.open_questions(db.session, call) if poster else [],
        results=results, awarded=awarded, in_publicity=decision.in_publicity(call),
        objections=decision.pending_objections(db.session, call) if who.is_operator else [],
        applications=queries.applications_of_call(db.session, call) if (poster or who.is_operator) else [],
        ranking=review.ranking(db.session, call) if review.may_see_ranking(db.session, who, call) else [],
        action_form=ActionForm(), text_form=TextForm(), signed_in=current_user.is_authenticated,
        may_apply=bool(apply_orgs) and calls.accepting(call) and not poster)


@login_required
def act(call_id: int, action: str) -> Response:
    call = visible_call(call_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    return run(calls.act, db.session, actor(), call, action, reason=form.reason.data or "",
               expected_version=form_version(form.version.data), success=DONE[action],
               back=url_for("challenges.detail", call_id=call.id))


@login_required
def accept_nda(call_id: int) -> Response:
    call = visible_call(call_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return run(calls.accept_nda, db.session, actor(), call, success=_l("Agreement accepted: the confidential details "
                                                                     "are shown below."),
               back=url_for("challenges.detail", call_id=call.id) + "#confidential")


@login_required
def ask(call_id: int) -> Response:
    call = visible_call(call_id)
    form = TextForm()
    back = url_for("challenges.detail", call_id=call.id, tab="qa")
    if not form.validate_on_submit():
        flash(_("Write your question (at most 4000 characters)."), "danger")
        return redirect(back)
    return run(calls.ask, db.session, actor(), call, form.text.data, success=_l("Your question was sent to the "
                                                                                "poster."), back=back)


@login_required
def answer(question_id: int) -> Response:
    q: Question = get_or_404(Question, question_id)
    call = visible_call(q.call_id)
    form = TextForm()
    back = url_for("challenges.detail", call_id=call.id, tab="qa")
    if not form.validate_on_submit():
        flash(_("Write the answer (at most 4000 characters)."), "danger")
        return redirect(back)
    return run(calls.answer, db.session, actor(), q, form.text.data, success=_l("Answer published."), back=back)


@login_required
def clarify(call_id: int) -> Response:
    call = visible_call(call_id)
    form = TextForm()
    back = url_for("challenges.detail", call_id=call.id, tab="qa")
    if not form.validate_on_submit():
        flash(_("Write the clarification (at most 4000 characters)."), "danger")
        return redirect(back)
    return run(calls.clarify, db.session, actor(), call, form.text.data, success=_l("Clarification published."),
               back=back)


@login_required
def start_application(call_id: int) -> Response:
    """Apply: a draft application of the chosen organisation (login required by the URL table)."""
    call = visible_call(call_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    org_id = request.form.get("org_id", "")
    app = applications.start(db.session, actor(), call, parse_int(org_id, lo=1))
    db.session.commit()
    return redirect(url_for("challenges.application", application_id=app.id))
