"""Every blueprint of the site, registered in one place (above the domains, below the app)."""

from __future__ import annotations

from flask import Flask

from techmarket.accounts.blueprint import bp as accounts_bp
from techmarket.admin.blueprint import BLUEPRINTS as ADMIN_BLUEPRINTS
from techmarket.api.pages import bp as api_tokens_bp
from techmarket.api.registry import init_api
from techmarket.challenges.blueprint import BLUEPRINTS as CHALLENGE_BLUEPRINTS
from techmarket.contracts.blueprint import BLUEPRINTS as CONTRACT_BLUEPRINTS
from techmarket.incentives import views as incentive_views
from techmarket.incentives.brokers.blueprint import BLUEPRINTS as BROKER_BLUEPRINTS
from techmarket.incentives.claims.blueprint import BLUEPRINTS as CLAIM_BLUEPRINTS
from techmarket.listings.blueprint import BLUEPRINTS as LISTING_BLUEPRINTS
from techmarket.matching.alert_views import bp as alerts_bp
from techmarket.matching.views import bp as matching_bp
from techmarket.orgs.blueprint import bp as orgs_bp
from techmarket.payments.blueprint import BLUEPRINTS as PAYMENT_BLUEPRINTS
from techmarket.reporting.blueprint import BLUEPRINTS as REPORTING_BLUEPRINTS
from techmarket.rulesets.blueprint import bp as policy_bp
from techmarket.trading.auctions.blueprint import bp as auctions_bp
from techmarket.trading.views import bp as trading_bp
from techmarket.web.notifications import bp as notifications_bp
from techmarket.web.search import bp as search_bp
from techmarket.web.views import bp as web_bp
from techmarket.webhooks.views import bp as webhooks_bp


def register_blueprints(app: Flask) -> None:
    for bp in (web_bp, accounts_bp, orgs_bp, *ADMIN_BLUEPRINTS, policy_bp, *LISTING_BLUEPRINTS,
               notifications_bp, search_bp,
               matching_bp, alerts_bp, *CONTRACT_BLUEPRINTS, *incentive_views.BLUEPRINTS, *CLAIM_BLUEPRINTS,
               *BROKER_BLUEPRINTS, trading_bp, auctions_bp, *CHALLENGE_BLUEPRINTS, *PAYMENT_BLUEPRINTS,
               *REPORTING_BLUEPRINTS, api_tokens_bp, webhooks_bp):
        app.register_blueprint(bp)
    init_api(app)
