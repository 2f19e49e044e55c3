"""Home page and language switch."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.wrappers import Response

from techmarket.core.i18n import LANGUAGES
from techmarket.core.microcache import TTLCache
from techmarket.core.urls import safe_local_path
from techmarket.extensions import db
from techmarket.listings import queries as listing_queries
from techmarket.orgs import queries as org_queries

bp = Blueprint("web", __name__)


@bp.route("/")
def home() -> str:
    if current_user.is_authenticated or session.get("_flashes"):
        my_orgs = org_queries.orgs_of_user(db.session, current_user.id) if current_user.is_authenticated else []
        return render_template("web/home.html", figures=_figures(), my_orgs=my_orgs,
                               listing_counts=_listing_counts())
    # Visitors who are not signed in all see the same page: rendered once per language every few seconds.
    cache = current_app.extensions["techmarket.home_cache"]
    return cache.get_or_set(str(get_locale()), lambda: render_template("web/home.html", figures=_figures(),
                                                                        my_orgs=[], listing_counts=_listing_counts()))


def _figures() -> org_queries.MarketFigures:
    cache = current_app.extensions["techmarket.figures_cache"]
    return cache.get_or_set("figures", lambda: org_queries.market_figures(db.session))


def _listing_counts() -> dict[str, int]:
    cache = current_app.extensions["techmarket.listing_counts_cache"]
    return cache.get_or_set("counts", lambda: listing_queries.counts(db.session))


def init_caches(app: Flask) -> None:
    ttl = float(app.config["HOME_CACHE_SECONDS"])
    app.extensions["techmarket.home_cache"] = TTLCache[str](ttl)
    app.extensions["techmarket.figures_cache"] = TTLCache[org_queries.MarketFigures](ttl)
    app.extensions["techmarket.listing_counts_cache"] = TTLCache[dict[str, int]](ttl)


@bp.route("/lang/<code>")
def set_language(code: str) -> Response:
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(safe_local_path(request.args.get("next")) or url_for("web.home"))


@bp.route("/healthz")
def healthz() -> dict[str, str]:
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
