"""Public pages: the claims in publicity (公示) and the objection form. No sign-in; the objection is rate-limited."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from techmarket.contracts.views.common import paging
from techmarket.core.clock import local_today
from techmarket.core.forms import submit
from techmarket.core.pagination import paginate
from techmarket.extensions import db, limiter
from techmarket.incentives.claims import review
from techmarket.incentives.claims.forms import ObjectionForm


def publicity() -> str:
    page = paginate(db.session, review.publicity(local_today()), *paging())
    return render_template("claims/publicity.html", page=page)


@limiter.limit("10 per hour", methods=["POST"])
def objection(claim_id: int) -> str | Response | tuple[str, int]:
    today = local_today()
    claim = review.public_claim(db.session, claim_id, today)
    form = ObjectionForm()
    if form.validate_on_submit() and submit(form, review.object_to, db.session, claim, form.name.data or "",
                                            form.contact.data or "", form.text.data or "", today=today):
        db.session.commit()
        flash(_("Your objection was received; the market operator will answer it before the claim is paid."),
              "success")
        return redirect(url_for("claims.publicity"))
    status = 400 if request.method == "POST" else 200
    return render_template("claims/objection.html", claim=claim, form=form), status
