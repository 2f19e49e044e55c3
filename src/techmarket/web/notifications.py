"""The signed-in user's in-site notifications, and the unread count shown in the navigation bar."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from techmarket.accounts.notifications import mark_all_read, recent, unread_count
from techmarket.core.pagination import clamp, paginate
from techmarket.extensions import db

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def _unread() -> dict[str, Any]:
    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        try:
            return unread_count(db.session, current_user.id)
        except SQLAlchemyError:  # an error page about the database itself must still render
            db.session.rollback()
            return 0

    return {"unread_notifications": unread_notifications}


@bp.route("/")
@login_required
def index() -> str:
    page = paginate(db.session, recent(db.session, current_user.id),
                    *clamp(request.args.get("page"), request.args.get("per_page"),
                           int(current_app.config.get("PER_PAGE", 20))))
    return render_template("notifications/index.html", page=page, form=FlaskForm(formdata=None))


@bp.route("/read", methods=["POST"])
@login_required
def read_all() -> Response:
    if not FlaskForm().validate_on_submit():
        abort(400)
    mark_all_read(db.session, current_user.id)
    db.session.commit()
    flash(_("All notifications are marked as read."), "info")
    return redirect(url_for("notifications.index"))
