"""The operator's console page for calls: by stage, the reviews still open, the way to each panel."""

from __future__ import annotations

from flask import render_template, request
from flask_login import login_required

from techmarket.challenges import access, queries
from techmarket.challenges.constants import CALL_STATUS_LABELS
from techmarket.challenges.views.common import actor, paging
from techmarket.core.pagination import paginate
from techmarket.extensions import db


@login_required
def console() -> str:
    access.require_operator(actor())
    status = request.args.get("status", "")
    status = status if status in CALL_STATUS_LABELS else ""
    page = paginate(db.session, queries.console_calls(status), *paging())
    return render_template("challenges/console.html", page=page, status=status,
                           counts=queries.stage_counts(db.session),
                           open_reviews=queries.open_reviews_by_call(db.session))
