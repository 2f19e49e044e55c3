"""Home page and language switch."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Flask, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from techmarket.challenges import queries as call_queries
from techmarket.contracts import queries as contract_queries
from techmarket.core.components import component, provide
from techmarket.core.i18n import LANGUAGES, select_locale
from techmarket.core.microcache import TTLCache
from techmarket.core.urls import safe_local_path
from techmarket.core.visitor import may_be_signed_in
from techmarket.extensions import db
from techmarket.listings import newest as newest_listings
from techmarket.listings import queries as listing_queries
from techmarket.orgs import queries as org_queries
from techmarket.web.pagecache import shared_page

bp = Blueprint("web", __name__)


@bp.route("/")
def home() -> str:
    if may_be_signed_in() and current_user.is_authenticated:
        return render_template("web/home.html", figures=_figures(), listing_counts=_listing_counts(),
                               contract_figures=_contract_figures(), newest=_newest(), calls=_calls(),
                               my_orgs=org_queries.orgs_of_user(db.session, current_user.id))
    # Visitors who are not signed in all see the same page: rendered once per language every few seconds,
    # keyed by the language the page is served in (the same choice Flask-Babel makes for the render).
    return shared_page(component(HomeCaches).page, select_locale(),
                       lambda: render_template("web/home.html", figures=_figures(), my_orgs=[],
                                               listing_counts=_listing_counts(), newest=_newest(),
                                               calls=_calls(), contract_figures=_contract_figures()))


@dataclass(frozen=True)
class HomeCaches:
    """The home page and its figures, each kept ``HOME_CACHE_SECONDS``."""

    page: TTLCache[str]
    figures: TTLCache[org_queries.MarketFigures]
    listing_counts: TTLCache[dict[str, int]]
    newest: TTLCache[dict[str, list[newest_listings.NewListing]]]
    contracts: TTLCache[contract_queries.ContractFigures]
    calls: TTLCache[HomeCalls]


@dataclass(frozen=True)
class HomeCalls:
    """The newest open 揭榜挂帅 calls and how many are open (the section shows only when there are some)."""

    newest: list[call_queries.OpenCall]
    open: int


def _figures() -> org_queries.MarketFigures:
    return component(HomeCaches).figures.get_or_set("figures", lambda: org_queries.market_figures(db.session))


def _listing_counts() -> dict[str, int]:
    return component(HomeCaches).listing_counts.get_or_set("counts", lambda: listing_queries.counts(db.session))


def _newest() -> dict[str, list[newest_listings.NewListing]]:
    return component(HomeCaches).newest.get_or_set("newest", lambda: newest_listings.newest_by_kind(db.session))


def _contract_figures() -> contract_queries.ContractFigures:
    return component(HomeCaches).contracts.get_or_set("contracts",
                                                      lambda: contract_queries.registered_figures(db.session))


def _calls() -> HomeCalls:
    return component(HomeCaches).calls.get_or_set("calls", lambda: HomeCalls(
        call_queries.newest_open(db.session), call_queries.count_open(db.session)))


def init_caches(app: Flask, clock: Callable[[], float] = time.monotonic) -> None:
    """(Re)make the home page caches, kept ``HOME_CACHE_SECONDS`` by ``clock``."""
    ttl = float(app.config["HOME_CACHE_SECONDS"])
    provide(app, HomeCaches, HomeCaches(
        page=TTLCache(ttl, clock=clock), figures=TTLCache(ttl, clock=clock),
        listing_counts=TTLCache(ttl, clock=clock), newest=TTLCache(ttl, clock=clock),
        contracts=TTLCache(ttl, clock=clock), calls=TTLCache(ttl, clock=clock)))



@bp.route("/lang/<code>")
def set_language(code: str) -> Response:
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(safe_local_path(request.args.get("next")) or url_for("web.home"))


@bp.route("/healthz")
def healthz() -> dict[str, str]:
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
