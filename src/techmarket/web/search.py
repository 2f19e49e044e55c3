"""The search results page (``/search``) and suggestions as you type (``/search/suggest``).

Thin: the arguments are parsed by :mod:`techmarket.listings.searching` (the same parsing as the JSON API),
the search service answers, this module turns the answer into a page. The whole query lives in the URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from techmarket.accounts.services import actor_for
from techmarket.core.components import component
from techmarket.core.pagination import Page
from techmarket.extensions import db
from techmarket.listings import searching, visibility
from techmarket.listings.blueprint import LABELS
from techmarket.listings.constants import Kind
from techmarket.matching import subscriptions
from techmarket.matching.forms import FrequencyForm
from techmarket.matching.models import SEARCH
from techmarket.search import suggest as suggestions
from techmarket.search.params import SearchParams
from techmarket.search.service import SearchService

bp = Blueprint("search", __name__, url_prefix="/search")

SORT_LABELS = {"relevance": _l("Best match"), "newest": _l("Newest first"),
               "amount_asc": _l("Amount, low to high"), "amount_desc": _l("Amount, high to low")}



@bp.context_processor
def _labels() -> dict[str, Any]:
    def label(group: str, value: Any) -> Any:
        return LABELS[group].get(value, value)

    return {"label": label, "LABELS": LABELS, "Kind": Kind}


def _service() -> SearchService:
    return component(SearchService)


@bp.route("")
def results() -> str:
    params = searching.parse(request.args, int(current_app.config.get("PER_PAGE", 20)))
    outcome = searching.search(db.session, _service(), params)
    labels = searching.facet_labels(db.session)
    empty = not outcome.hits
    words = [t.text for t in params.parsed.terms if t.text]
    return render_template(
        "search/results.html", p=params, outcome=outcome, labels=labels,
        facets=searching.facet_values(outcome, labels), chips=_chips(params, labels), sorts=list(SORT_LABELS),
        sort_labels=SORT_LABELS,
        page=Page(items=outcome.hits, page=params.query.page, per_page=params.query.per_page,
                  total=outcome.total),
        url=lambda **changes: _url(params.args(**changes)),
        sees_details=_details_rule(),
        related=suggestions.related_terms(words) if empty and words else [],
        newest=searching.newest(db.session) if empty and not outcome.past_end else [],
        alerts=_alerts_bar(params, labels),
    )


FOLLOWED_FACETS = ("field", "region")


def _alerts_bar(params: SearchParams, labels: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """For a signed-in user with a query or filters: save this search, follow the chosen fields and 盟市."""
    if not current_user.is_authenticated:
        return None
    args = [(k, v) for k, v in params.args(page=None) if k in subscriptions.SEARCH_ARGS]
    if not args:
        return None
    query = subscriptions.canonical_query(args)
    saved = subscriptions.following(db.session, current_user.id, SEARCH, subscriptions.search_target(query))
    follows = [(facet, v, labels.get(facet, {}).get(v, v)) for facet in FOLLOWED_FACETS
               for v in params.query.filters.get(facet, [])[:3]]
    return {"args": args, "saved": saved, "follows": follows,
            "form": FrequencyForm(formdata=None, frequency=saved.frequency if saved else "daily")}


@bp.route("/suggest")
def suggest() -> Response:
    found = suggestions.suggest(db.session, request.args.get("q"), doc_type="listing")
    resp = jsonify(found.to_json())
    resp.headers["Cache-Control"] = "public, max-age=30"
    return resp


def _chips(params: SearchParams, labels: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One removable chip per active filter: what it is and the address without it (back on page 1)."""
    chips = []
    kept = params.filter_args()
    for name, value in kept:
        rest = [(k, v) for k, v in kept if (k, v) != (name, value)]
        args = [a for a in params.args(page=None) if a[0] in ("q", "sort", "per_page")]
        chips.append({"name": name, "value": value, "label": labels.get(name, {}).get(value, value),
                      "url": _url([*args[:1], *rest, *args[1:]])})
    return chips


def _url(args: list[tuple[str, str]]) -> str:
    base = url_for("search.results")
    return f"{base}?{urlencode(args)}" if args else base


def _details_rule() -> Any:
    """The listings' visibility policy: a confidential demand's issuer is shown to members of verified
    organisations, operators and its own organisation; everyone else sees an anonymous issuer."""
    if not current_user.is_authenticated:
        return visibility.PUBLIC.sees_details
    return visibility.viewer_for(db.session, actor_for(current_user)).sees_details
