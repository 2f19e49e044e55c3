"""Every resource of ``/api/v1`` in one table, mounted on the application with its document and docs page.

To add a resource (calls, auctions, certificate verification, claims): write a module with an
:class:`~techmarket.api.openapi.ApiBlueprint` whose routes declare their schemas (``@bp.arguments``,
``@bp.response``) and append its blueprint to :data:`RESOURCES`. ``tests/api/test_api_v1.py`` fails for a
``/api/`` route that the document does not describe.
"""

from __future__ import annotations

from flask import Flask

from techmarket.api import auctions as auctions_api
from techmarket.api import calls as calls_api
from techmarket.api import certificates as certificates_api
from techmarket.api import claims as claims_api
from techmarket.api import contracts as contracts_api
from techmarket.api import docs, openapi
from techmarket.api import listings as listings_api
from techmarket.api import matching as matching_api
from techmarket.api import organisations as organisations_api
from techmarket.api import search as search_api
from techmarket.api import views as policy_api
from techmarket.api import webhooks as webhooks_api

RESOURCES: list[openapi.ApiBlueprint] = [
    listings_api.bp, search_api.bp, matching_api.bp, organisations_api.bp, contracts_api.bp, policy_api.bp,
    webhooks_api.bp, calls_api.bp, auctions_api.bp, certificates_api.bp, claims_api.bp,
]


def init_api(app: Flask) -> openapi.Api:
    openapi.configure(app)
    api = openapi.Api(app)
    for bp in RESOURCES:
        api.register_blueprint(bp)
    app.register_blueprint(docs.bp)
    return api
