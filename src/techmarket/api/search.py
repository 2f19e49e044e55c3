"""JSON API v1: ``GET /api/v1/search`` — the results page's search as JSON, with the same parameters.

Parameters: ``q``, ``kind`` (achievement|demand|all), ``field``, ``region``, ``maturity``, ``mode`` (each may
repeat), ``amount_min``/``amount_max`` (yuan; ``120万`` is understood), ``posted_from``/``posted_to``
(YYYY-MM-DD), ``sort`` (relevance|newest|amount_asc|amount_desc), ``page``, ``per_page`` (1-100).

A value that cannot be used (``page=abc``, ``sort=price``, ``amount_min=lots``) is answered 400 with
``{"error": {..., "code": "invalid_parameter", "fields": {name: {...}}}}`` naming each such parameter.
Unknown facet values are left out and listed in ``ignored``; a page after the last one is an empty page;
a query over 200 characters is cut (``truncated``: true). Highlights are HTML with the matches in ``<mark>``
and everything else escaped. Confidential demands are found only by their public parts, as on the site.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, request, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from marshmallow import INCLUDE, Schema, fields

from techmarket.api.openapi import ApiBlueprint
from techmarket.core.components import component
from techmarket.core.errors import ValidationFailed
from techmarket.extensions import csrf, db
from techmarket.listings import searching
from techmarket.search.service import SearchService

bp = ApiBlueprint("api_search", __name__, title="Search",
                  description="Full-text search over published listings.")
csrf.exempt(bp)


class SearchArgs(Schema):
    """Documented as text: the search's own parser checks each value and names every unusable one."""

    class Meta:
        unknown = INCLUDE

    q = fields.String(metadata={"description": "search words (cut at 200 characters)"})
    kind = fields.String(metadata={"description": "achievement | demand | all"})
    field = fields.List(fields.String())
    region = fields.List(fields.String())
    maturity = fields.List(fields.String())
    mode = fields.List(fields.String())
    amount_min = fields.String(metadata={"description": "yuan; 120万 is understood"})
    amount_max = fields.String()
    posted_from = fields.String(metadata={"description": "YYYY-MM-DD"})
    posted_to = fields.String()
    sort = fields.String(metadata={"description": "relevance | newest | amount_asc | amount_desc"})
    page = fields.String()
    per_page = fields.String(metadata={"description": "1-100"})


class SearchResultSchema(Schema):
    query = fields.String(required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    sort = fields.String(required=True)
    match_any = fields.Boolean(required=True)
    degraded = fields.Boolean(required=True)
    degraded_reason = fields.String(allow_none=True)
    truncated = fields.Boolean()
    filters = fields.Dict()
    ignored = fields.Raw()
    hits = fields.List(fields.Dict(), required=True)
    facets_exact = fields.Boolean()
    facets = fields.Dict()

HINTS = {
    "page": _l("A whole number from 1."),
    "per_page": _l("A whole number from 1 to 100."),
    "sort": _l("One of relevance, newest, amount_asc, amount_desc."),
    "amount_min": _l("An amount in yuan, such as 500000 or 50万."),
    "amount_max": _l("An amount in yuan, such as 500000 or 50万."),
    "posted_from": _l("A date written YYYY-MM-DD."),
    "posted_to": _l("A date written YYYY-MM-DD."),
}


class InvalidParameter(ValidationFailed):
    code = "invalid_parameter"


@bp.route("/search", methods=["GET"])
@bp.arguments(SearchArgs, location="query")
@bp.response(200, SearchResultSchema)
def search(_args: dict[str, Any]) -> Response:
    params = searching.parse(request.args, int(current_app.config.get("PER_PAGE", 20)))
    if params.problems:
        names = sorted(params.problems)
        raise InvalidParameter(
            _l("These parameters cannot be used: %(names)s.", names=", ".join(names)),
            field_errors={n: {"code": "invalid", "value": params.problems[n], "en": _hint(n, "en"),
                              "zh": _hint(n, "zh_Hans_CN")}
                          for n in names})
    outcome = searching.search(db.session, component(SearchService), params, load=False)
    hits = searching.brief_hits(db.session, outcome.result, params)
    labels = searching.facet_labels(db.session)
    q = params.query
    body: dict[str, Any] = {
        "query": params.q.strip(),
        "total": outcome.total,
        "page": q.page,
        "per_page": q.per_page,
        "pages": outcome.pages,
        "sort": q.sort,
        "match_any": outcome.result.match_any,
        "degraded": outcome.result.degraded,
        "degraded_reason": outcome.result.degraded_reason or None,  # "unavailable" | "index_incomplete"
        "truncated": params.truncated,
        "filters": dict(q.filters) | dict(params.raw),
        "ignored": params.dropped,
        "hits": [{"id": h.id, "kind": h.kind, "title": h.title,
                  "highlight": {"title": str(h.highlighted_title), "summary": str(h.highlighted_summary)},
                  "score": h.score, "url": url_for("listings.detail", listing_id=h.id, _external=True)}
                 for h in hits],
        "facets_exact": outcome.facets_exact,
        "facets": {facet: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
                   for facet, values in searching.facet_values(outcome, labels).items()},
    }
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")


def _hint(name: str, locale: str) -> str:
    with force_locale(locale):
        return str(HINTS.get(name, ""))
