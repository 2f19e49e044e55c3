"""Every blueprint of the site, registered in one place (above the domains, below the app)."""

from __future__ import annotations

from flask import Flask

from techmarket.accounts.views import bp as accounts_bp
from techmarket.admin.views import bp as admin_bp
from techmarket.api.views import bp as api_bp
from techmarket.orgs.views import bp as orgs_bp
from techmarket.rulesets.views import bp as calculators_bp
from techmarket.web.views import bp as web_bp


def register_blueprints(app: Flask) -> None:
    for bp in (web_bp, accounts_bp, orgs_bp, admin_bp, calculators_bp, api_bp):
        app.register_blueprint(bp)
