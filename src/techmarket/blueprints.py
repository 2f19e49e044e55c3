"""Every blueprint of the site, registered in one place (above the domains, below the app)."""

from __future__ import annotations

from flask import Flask

from techmarket.accounts.blueprint import bp as accounts_bp
from techmarket.admin.imports import bp as admin_imports_bp
from techmarket.admin.listings import bp as admin_listings_bp
from techmarket.admin.views import bp as admin_bp
from techmarket.api.search import bp as api_search_bp
from techmarket.api.views import bp as api_bp
from techmarket.contracts.blueprint import BLUEPRINTS as CONTRACT_BLUEPRINTS
from techmarket.incentives import views as incentive_views
from techmarket.listings.blueprint import BLUEPRINTS as LISTING_BLUEPRINTS
from techmarket.matching.views import bp as matching_bp
from techmarket.orgs.blueprint import bp as orgs_bp
from techmarket.rulesets.blueprint import bp as calculators_bp
from techmarket.trading.views import bp as trading_bp
from techmarket.web.notifications import bp as notifications_bp
from techmarket.web.search import bp as search_bp
from techmarket.web.views import bp as web_bp


def register_blueprints(app: Flask) -> None:
    for bp in (web_bp, accounts_bp, orgs_bp, admin_bp, admin_listings_bp, calculators_bp, api_bp, *LISTING_BLUEPRINTS,
               notifications_bp, admin_imports_bp, search_bp, api_search_bp,
               matching_bp, *CONTRACT_BLUEPRINTS, *incentive_views.BLUEPRINTS, trading_bp):
        app.register_blueprint(bp)
