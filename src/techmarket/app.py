"""The application factory."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_bootstrap import Bootstrap5
from sqlalchemy.orm import Session as SASession
from werkzeug.middleware.proxy_fix import ProxyFix

from techmarket import models
from techmarket.accounts import notifications
from techmarket.accounts.cli import accounts_cli
from techmarket.accounts.loader import load_user
from techmarket.blueprints import register_blueprints
from techmarket.challenges import listeners as challenge_listeners
from techmarket.challenges.cli import challenges_cli
from techmarket.challenges.messages import MESSAGES as CHALLENGE_MESSAGES
from techmarket.challenges.search_index import register_calls
from techmarket.config import PROJECT_ROOT, load_config
from techmarket.contracts import listeners as contract_listeners
from techmarket.contracts.messages import MESSAGES as CONTRACT_MESSAGES
from techmarket.core import events
from techmarket.core.cli import audit_cli, jobs_cli
from techmarket.core.components import provide
from techmarket.core.db import configure_engine
from techmarket.core.i18n import select_locale, select_timezone
from techmarket.core.jobs import make_queue
from techmarket.core.logs import configure_logging
from techmarket.demo.cli import demo_cli
from techmarket.extensions import babel, csrf, db, limiter, login_manager, migrate
from techmarket.incentives import listeners as incentive_listeners
from techmarket.incentives.claims import listeners as claim_listeners
from techmarket.incentives.claims.messages import MESSAGES as CLAIM_MESSAGES
from techmarket.listings import listeners as listing_listeners
from techmarket.listings.cli import listings_cli
from techmarket.listings.messages import MESSAGES as LISTING_MESSAGES
from techmarket.listings.search_index import register_listings
from techmarket.matching import listeners as matching_listeners
from techmarket.matching.cli import matching_cli
from techmarket.matching.messages import MESSAGES as MATCHING_MESSAGES
from techmarket.orgs.cli import orgs_cli
from techmarket.payments import listeners as payment_listeners
from techmarket.payments.cli import payments_cli
from techmarket.payments.components import Gateways, make_gateways
from techmarket.policy.cli import make_group as make_policy_group
from techmarket.policy.ruleset import RuleBook
from techmarket.reporting import tally as reporting_tally
from techmarket.reporting.cli import reporting_cli
from techmarket.rulesets.services import rulebook as stored_rulebook
from techmarket.search import suggest as search_suggest
from techmarket.search import sync as search_sync
from techmarket.search.cli import search_cli
from techmarket.search.service import SearchService, make_search_service
from techmarket.trading import listeners as trading_listeners
from techmarket.trading.auctions.views.common import provide_status_snapshots
from techmarket.trading.cli import trading_cli
from techmarket.trading.messages import MESSAGES as TRADING_MESSAGES
from techmarket.web.errors import register_error_handlers
from techmarket.web.inputs import register_input_checks
from techmarket.web.ratelimits import confine_rate_limit_checks
from techmarket.web.routing import register_converters
from techmarket.web.security import register_security_headers
from techmarket.web.sessions import CookieSessionInterface
from techmarket.web.templating import register_template_helpers
from techmarket.web.views import init_caches
from techmarket.webhooks import tasks as webhook_tasks
from techmarket.webhooks.cli import webhooks_cli


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    cfg = load_config(overrides)
    configure_logging()
    instance = Path(cfg["INSTANCE_PATH"] or PROJECT_ROOT / "instance")
    app = Flask(
        "techmarket",
        instance_path=str(instance.resolve()),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.session_interface = CookieSessionInterface()
    app.config.update(cfg)
    app.config["SECRET_KEY"] = cfg["SECRET_KEY"] or _development_secret(instance)
    app.config["AUDIT_KEY"] = cfg["AUDIT_KEY"] or _development_secret(instance, "audit_key")
    app.config["SQLALCHEMY_DATABASE_URI"] = cfg["DATABASE_URL"] or f"sqlite:///{instance / 'techmarket.db'}"
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["MAX_CONTENT_LENGTH"] = int(cfg["MAX_UPLOAD_MB"]) * 1024 * 1024
    app.config["BABEL_DEFAULT_LOCALE"] = cfg["DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = cfg["TIMEZONE"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent / "translations")
    app.config["RATELIMIT_STORAGE_URI"] = cfg["RATELIMIT_STORAGE_URI"]
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    app.config["BOOTSTRAP_SERVE_LOCAL"] = True
    secure = cfg["SECURE_COOKIES"]
    app.config.update(
        SESSION_COOKIE_SECURE=bool(secure), REMEMBER_COOKIE_SECURE=bool(secure),
        SESSION_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax", REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_DURATION=dt.timedelta(days=int(cfg["LOGIN_DAYS"])),  # the sign-in row lasts as long
        PREFERRED_URL_SCHEME="https" if secure else "http",
    )
    if cfg["BEHIND_PROXY"]:
        n = int(cfg["BEHIND_PROXY"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True,
                     compare_type=True, include_object=models.include_object)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    confine_rate_limit_checks(app, limiter)
    Bootstrap5(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    app.extensions["techmarket.jobs"] = make_queue(app)
    events.install(SASession)
    notifications.install()
    search_sync.install(SASession)
    listing_listeners.register()
    trading_listeners.register()
    challenge_listeners.register()
    contract_listeners.register()
    incentive_listeners.register()
    reporting_tally.register()
    claim_listeners.register()
    matching_listeners.register()
    payment_listeners.register()
    webhook_tasks.register()
    register_listings()
    register_calls()
    provide(app, SearchService, make_search_service(app))
    provide(app, Gateways, make_gateways(app))
    if cfg["ENV"] != "testing":  # jieba's dictionary takes seconds: load it now, not in a visitor's first search
        search_suggest.preload()
    notifications.register_messages(LISTING_MESSAGES)
    notifications.register_messages(CONTRACT_MESSAGES)
    notifications.register_messages(TRADING_MESSAGES)
    notifications.register_messages(CLAIM_MESSAGES)
    notifications.register_messages(CHALLENGE_MESSAGES)
    notifications.register_messages(MATCHING_MESSAGES)
    with app.app_context():
        configure_engine(db.engine, ping_after=float(cfg["DB_PING_AFTER_SECONDS"]))

    register_converters(app)
    register_input_checks(app)
    register_blueprints(app)
    init_caches(app)
    provide_status_snapshots(app)
    for group in (accounts_cli, orgs_cli, audit_cli, jobs_cli, demo_cli, _policy_cli(app), listings_cli, search_cli,
                  trading_cli, reporting_cli, challenges_cli, matching_cli, payments_cli, webhooks_cli):
        app.cli.add_command(group)
    register_error_handlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    return app


def _engine_options(uri: str) -> dict[str, Any]:
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    # No pool_pre_ping: core.db.ping_idle_connections checks only connections that sat idle. Autocommit until
    # the first write: core.db.begin_at_first_write begins the transaction there.
    return {"isolation_level": "AUTOCOMMIT"}


def _development_secret(instance: Path, name: str = "secret_key") -> str:
    """Outside production a per-installation random key, kept in the instance folder."""
    path = instance / name
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _policy_cli(app: Flask) -> click.Group:
    """``techmarket policy``: the calculators over the operator's stored rule-set versions."""

    def rules() -> RuleBook:
        with app.app_context():
            return stored_rulebook(db.session)

    return make_policy_group(rules)
