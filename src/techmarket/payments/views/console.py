"""The operator's payment pages: bank transfers to confirm and every payment, newest first."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from techmarket.core.inputs import parse_int
from techmarket.core.pagination import paginate
from techmarket.extensions import db
from techmarket.payments import queries, services
from techmarket.payments.forms import TransferDecisionForm
from techmarket.payments.views.common import actor, paging, visible_payment


@login_required
def queue() -> str:
    page_no, per_page = paging()
    status = request.args.get("status", "")
    query = queries.for_operator(actor(), status=status if status in queries.FILTERS else "")
    return render_template("payments/console.html", page=paginate(db.session, query, page_no, per_page),
                           to_confirm=queries.transfers_to_confirm(db.session, actor()), status=status,
                           filters=queries.FILTERS)


@login_required
def decide(payment_id: int, decision: str) -> Response:
    queries.require_operator(actor())
    payment = visible_payment(payment_id)
    form = TransferDecisionForm()
    if not form.validate_on_submit() or (version := parse_int(form.version.data, lo=0)) is None:
        abort(400)
    services.decide_transfer(db.session, actor(), payment, confirm=decision == "confirm",
                             reason=form.reason.data or "", expected_version=version)
    db.session.commit()
    flash(_("Transfer confirmed.") if decision == "confirm" else _("Transfer not confirmed."),
          "success")
    return redirect(url_for("payments.detail", payment_id=payment.id))
