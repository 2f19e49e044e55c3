"""Home page and language switch."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from techmarket.core.i18n import LANGUAGES
from techmarket.core.urls import safe_local_path
from techmarket.extensions import db
from techmarket.orgs import queries as org_queries

bp = Blueprint("web", __name__)


@bp.route("/")
def home() -> str:
    figures = org_queries.market_figures(db.session)
    my_orgs = org_queries.orgs_of_user(db.session, current_user.id) if current_user.is_authenticated else []
    return render_template("web/home.html", figures=figures, my_orgs=my_orgs)


@bp.route("/lang/<code>")
def set_language(code: str) -> Response:
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(safe_local_path(request.args.get("next")) or url_for("web.home"))


@bp.route("/healthz")
def healthz() -> dict[str, str]:
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
