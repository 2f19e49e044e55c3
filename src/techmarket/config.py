"""Configuration defaults and their loading from ``TECHMARKET_*`` environment variables.

Only defaults live here. :func:`load_config` overlays the environment and the caller's overrides and
validates the result, failing fast with a clear message in production.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]

DEFAULTS: dict[str, Any] = {
    "ENV": "development",  # development | production | testing
    "SECRET_KEY": None,
    "AUDIT_KEY": None,  # keys the audit log's hashes; outside the database (default: generated in the instance)
    "AUDIT_CHECKPOINT_PATH": None,  # append-only file of signed audit heads (default: <instance>/audit-checkpoints…)
    "DATABASE_URL": None,  # default: SQLite file in the instance folder
    # a pooled PostgreSQL connection idle at least this long is checked with a round trip before it is used
    "DB_PING_AFTER_SECONDS": 10,
    "INSTANCE_PATH": None,  # default: <project>/instance
    "BASE_URL": "http://127.0.0.1:8000",  # the public address, for links in mail sent by jobs
    "DEFAULT_LOCALE": "zh_Hans_CN",
    "TIMEZONE": "Asia/Shanghai",
    "MAIL_BACKEND": "outbox",  # outbox | smtp
    "MAIL_SENDER": "内蒙古科技大市场 <noreply@techmarket.local>",
    "SMTP_HOST": "localhost",
    "SMTP_PORT": 25,
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": False,
    "RATELIMIT_STORAGE_URI": "memory://",
    "LOGIN_RATE_LIMIT": "10 per minute;50 per hour",
    "CERTIFICATE_CHECK_RATE_LIMIT": "20 per minute;100 per hour",  # public certificate checks per client address
    "REGISTER_RATE_LIMIT": "5 per hour;20 per day",  # per client address, counting registrations accepted
    "RESET_RATE_LIMIT": "5 per 15 minutes",  # password reset requests per client address
    "API_TOKEN_RATE_LIMIT": "600 per minute",  # /api/v1 requests per API token
    "API_ANONYMOUS_RATE_LIMIT": "120 per minute",  # /api/v1 requests per client address without a token
    # Per email address, in the database: after LOGIN_LOCKOUT_AFTER failures in a row the address waits
    # LOGIN_LOCKOUT_SECONDS, doubling with each further failure up to LOGIN_LOCKOUT_MAX_SECONDS.
    "LOGIN_LOCKOUT_AFTER": 5,
    "LOGIN_LOCKOUT_SECONDS": 60,
    "LOGIN_LOCKOUT_MAX_SECONDS": 3600,
    "LOGIN_DAYS": 30,  # the longest a sign-in (session or remember-me cookie) lasts; at most 30
    "JOBS_BACKEND": "local",  # local (job table in the database) | rq (Redis); inline: tests only
    "JOBS_LEASE_SECONDS": 60,  # a local job whose worker shows no heartbeat this long is marked failed
    "JOBS_POLL_SECONDS": 1,  # how often an idle local worker looks for jobs
    # the local worker enqueues the recurring jobs (webhook retries …): auto = on with the local backend in
    # development, the embedded default (production: the systemd timers of deploy/systemd run them) | 1 | 0
    "JOBS_SCHEDULE": "auto",
    # webhooks may be sent to private, loopback and link-local addresses (SSRF guard off): a test bench or an
    # intranet receiver only; off by default everywhere, and it should stay off in production
    "WEBHOOKS_ALLOW_PRIVATE": False,
    "JOBS_STALE_SECONDS": 120,  # a running import without progress this long lost its worker
    "VIEW_COUNT_FLUSH_SECONDS": 10,  # listing views are counted in memory and written at most this often
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SEARCH_BACKEND": "database",  # database | elasticsearch
    "ELASTICSEARCH_URL": "http://127.0.0.1:9200",
    "ELASTICSEARCH_INDEX_PREFIX": "techmarket",  # indices <prefix>-<type>-v<N> behind the alias <prefix>-<type>
    "ELASTICSEARCH_TIMEOUT": 1,  # seconds (connect, read) per search, no retry; past it: the database answers
    "ELASTICSEARCH_WRITE_TIMEOUT": 30,  # seconds per bulk write or index change (jobs and commands)
    "SEARCH_BREAKER_SECONDS": 30,  # after a failure, every process answers from the database this long
    "SEARCH_SHARED_STATE": "auto",  # auto (redis with JOBS_BACKEND=rq, else file) | redis | file | memory
    "ELASTICSEARCH_REFRESH": "false",  # false | wait_for | true: refresh after each write (tests: true)
    "SEARCH_OUTBOX_BATCH": 500,  # outbox rows per drain transaction
    "SEARCH_OUTBOX_MAX_ATTEMPTS": 15,  # a change failing this often is reported as stuck (still retried hourly)
    "PAYMENTS_BACKEND": "offline",  # offline | stripe
    "STRIPE_API_KEY": None,
    "STRIPE_API_BASE": None,  # default: Stripe's own https://api.stripe.com (tests: the localstripe server)
    "STRIPE_WEBHOOK_SECRET": None,  # whsec_…: verifies the webhooks posted to /payments/webhooks/stripe
    "STRIPE_PUBLISHABLE_KEY": None,  # pk_…: Stripe.js in the payer's browser (the card form); required in production
    "STRIPE_JS_URL": "https://js.stripe.com/v3/",  # where the card page loads Stripe.js (tests: localstripe's fake)
    "BEHIND_PROXY": 0,  # number of trusted reverse proxies (nginx: 1)
    "SECURE_COOKIES": "auto",  # auto (on in production) | 1 | 0
    "MAX_UPLOAD_MB": 20,
    "PDF_FONT": None,  # TTF/OTF/TTC with Chinese glyphs for statement PDFs; default: Noto CJK or WenQuanYi
    # 技术合同登记号: {year}, {prefecture} (the seller's 盟市, 4 digits), {division} (6 digits), {seq} (per year)
    "REGISTRATION_NUMBER_PATTERN": "{year}{prefecture}{seq:06d}",
    "TOKEN_MAX_AGE_HOURS": 48,
    "PASSWORD_HASH_METHOD": "scrypt",  # Werkzeug method string; the default is scrypt n=2**15, r=8, p=1
    "PER_PAGE": 20,
    "HOME_CACHE_SECONDS": 10,  # anonymous home page and market figures may be this many seconds old
    "AUCTION_STATUS_CACHE_SECONDS": 1,  # a running auction's polled status may be this old (0: never cached)
    "WTF_CSRF_ENABLED": True,
    "RATELIMIT_ENABLED": True,
}

_BOOL_TRUE = {"1", "true", "yes", "on"}
_BOOL_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says which setting and why."""


def _coerce(key: str, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        low = raw.strip().lower()
        if low in _BOOL_TRUE:
            return True
        if low in _BOOL_FALSE:
            return False
        raise ConfigError(f"TECHMARKET_{key} must be a boolean (1/0, true/false), not {raw!r}")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"TECHMARKET_{key} must be a whole number, not {raw!r}") from exc
    return raw


def load_config(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict:
    """Defaults, then ``TECHMARKET_<KEY>`` variables, then ``overrides``; validated."""
    env = os.environ if environ is None else environ
    cfg = dict(DEFAULTS)
    for key, default in DEFAULTS.items():
        raw = env.get(f"TECHMARKET_{key}")
        if raw is not None:
            cfg[key] = _coerce(key, raw, default)
    if overrides:
        cfg.update(overrides)
    _validate(cfg)
    check_shared_rate_limits(cfg, configured_web_workers(env))
    return cfg


def configured_web_workers(environ: Mapping[str, str]) -> int | None:
    """The gunicorn worker count the environment sets (as deploy/gunicorn.conf.py reads it:
    ``TECHMARKET_WEB_WORKERS``, else ``WEB_CONCURRENCY``), or None when it sets none."""
    for name in ("TECHMARKET_WEB_WORKERS", "WEB_CONCURRENCY"):
        raw = environ.get(name, "").strip()
        if raw:
            try:
                return int(raw)
            except ValueError as exc:
                raise ConfigError(f"{name} must be a whole number, not {raw!r}") from exc
    return None


def check_shared_rate_limits(cfg: Mapping[str, Any], workers: int | None) -> None:
    """In production, rate-limit counters kept in each worker's memory would let every worker allow the full
    limit: refuse to start with ``memory://`` when more than one worker serves (gunicorn calls this too)."""
    if (cfg["ENV"] == "production" and cfg["RATELIMIT_ENABLED"] and (workers or 1) > 1
            and str(cfg["RATELIMIT_STORAGE_URI"]).strip().lower().startswith("memory://")):
        raise ConfigError(
            f"Production start refused: TECHMARKET_RATELIMIT_STORAGE_URI is memory://, so each of the {workers} "
            "web workers would count sign-in and other rate limits on its own. Set it to a shared store "
            "(e.g. redis://127.0.0.1:6379/1) or run a single worker (TECHMARKET_WEB_WORKERS=1).")


# Words that mark a value copied from an example rather than generated (deploy/env.example's placeholder).
_PLACEHOLDER_WORDS = ("change-me", "changeme", "change_me", "replace-me", "replaceme", "replace_me", "placeholder",
                      "insecure")


def _check_secret_key(key: str) -> None:
    """Production needs a generated key: at least 32 characters and not a placeholder copied from an example."""
    hint = "generate one: python3 -c 'import secrets; print(secrets.token_hex(32))'"
    if len(key) < 32:
        raise ConfigError(f"TECHMARKET_SECRET_KEY must be at least 32 characters in production; {hint}")
    low = key.lower()
    if any(word in low for word in _PLACEHOLDER_WORDS):
        raise ConfigError(f"TECHMARKET_SECRET_KEY is a placeholder, not a secret (see deploy/env.example); {hint}")


def _validate(cfg: dict) -> None:
    mode = cfg["ENV"]
    if mode not in {"development", "production", "testing"}:
        raise ConfigError(f"TECHMARKET_ENV must be development, production or testing, not {mode!r}")
    if mode == "production":
        missing = [k for k in ("SECRET_KEY", "DATABASE_URL", "AUDIT_KEY") if not cfg.get(k)]
        if missing:
            names = ", ".join(f"TECHMARKET_{k}" for k in missing)
            raise ConfigError(f"Production start refused: set {names} (see deploy/env.example).")
        _check_secret_key(str(cfg["SECRET_KEY"]))
        if len(str(cfg["AUDIT_KEY"])) < 32:
            raise ConfigError("TECHMARKET_AUDIT_KEY must be at least 32 characters in production.")
        if str(cfg["AUDIT_KEY"]) == str(cfg["SECRET_KEY"]):
            raise ConfigError("TECHMARKET_AUDIT_KEY must differ from TECHMARKET_SECRET_KEY.")
    secure = str(cfg["SECURE_COOKIES"]).strip().lower()
    if secure == "auto":
        cfg["SECURE_COOKIES"] = mode == "production"
    elif secure in _BOOL_TRUE or secure in _BOOL_FALSE:
        cfg["SECURE_COOKIES"] = secure in _BOOL_TRUE
    else:
        raise ConfigError(f"TECHMARKET_SECURE_COOKIES must be auto, 1 or 0, not {cfg['SECURE_COOKIES']!r}")
    for key, allowed in (
        ("MAIL_BACKEND", {"outbox", "smtp"}),
        ("JOBS_BACKEND", {"local", "rq", "inline"}),
        ("SEARCH_BACKEND", {"database", "elasticsearch"}),
        ("SEARCH_SHARED_STATE", {"auto", "redis", "file", "memory"}),
        ("ELASTICSEARCH_REFRESH", {"false", "wait_for", "true"}),
        ("PAYMENTS_BACKEND", {"offline", "stripe"}),
    ):
        if cfg[key] not in allowed:
            raise ConfigError(f"TECHMARKET_{key} must be one of {sorted(allowed)}, not {cfg[key]!r}")
    for key in ("DB_PING_AFTER_SECONDS", "AUCTION_STATUS_CACHE_SECONDS"):
        if float(cfg[key]) < 0:
            raise ConfigError(f"TECHMARKET_{key} must be 0 or more, not {cfg[key]!r}")
    if not 1 <= int(cfg["LOGIN_DAYS"]) <= 30:
        raise ConfigError(f"TECHMARKET_LOGIN_DAYS must be between 1 and 30, not {cfg['LOGIN_DAYS']!r}")
    if min(int(cfg["LOGIN_LOCKOUT_AFTER"]), int(cfg["LOGIN_LOCKOUT_SECONDS"])) < 1 or \
            int(cfg["LOGIN_LOCKOUT_MAX_SECONDS"]) < int(cfg["LOGIN_LOCKOUT_SECONDS"]):
        raise ConfigError("TECHMARKET_LOGIN_LOCKOUT_AFTER and _SECONDS must be at least 1, and "
                          "TECHMARKET_LOGIN_LOCKOUT_MAX_SECONDS at least TECHMARKET_LOGIN_LOCKOUT_SECONDS.")
    try:
        sample = str(cfg["REGISTRATION_NUMBER_PATTERN"]).format(year=2026, prefecture="1501", division="150102", seq=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"TECHMARKET_REGISTRATION_NUMBER_PATTERN is not a usable pattern: {exc}") from exc
    if "{seq" not in str(cfg["REGISTRATION_NUMBER_PATTERN"]) or not 4 <= len(sample) <= 40:
        raise ConfigError("TECHMARKET_REGISTRATION_NUMBER_PATTERN needs {seq} and must give 4 to 40 characters.")
    _validate_payments(cfg)


def _validate_payments(cfg: dict) -> None:
    if cfg["PAYMENTS_BACKEND"] != "stripe":
        return
    missing = [k for k in ("STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET") if not cfg.get(k)]
    if missing:
        names = " and ".join(f"TECHMARKET_{k}" for k in missing)
        raise ConfigError(f"TECHMARKET_PAYMENTS_BACKEND=stripe needs {names}.")
    if cfg["ENV"] == "production":
        if str(cfg["STRIPE_API_KEY"]).startswith(("sk_test_", "rk_test_")):
            raise ConfigError("Production start refused: TECHMARKET_STRIPE_API_KEY is a test key (sk_test_…).")
        base = str(cfg.get("STRIPE_API_BASE") or "https://api.stripe.com")
        if not base.startswith("https://"):
            raise ConfigError("Production start refused: TECHMARKET_STRIPE_API_BASE must be an https:// address.")
        publishable = str(cfg.get("STRIPE_PUBLISHABLE_KEY") or "")
        if not publishable.startswith("pk_"):
            raise ConfigError("Production start refused: TECHMARKET_PAYMENTS_BACKEND=stripe needs "
                              "TECHMARKET_STRIPE_PUBLISHABLE_KEY (pk_live_…) for the card form.")
        if publishable.startswith("pk_test_"):
            raise ConfigError("Production start refused: TECHMARKET_STRIPE_PUBLISHABLE_KEY is a test key (pk_test_…).")
        if not str(cfg.get("STRIPE_JS_URL") or "").startswith("https://"):
            raise ConfigError("Production start refused: TECHMARKET_STRIPE_JS_URL must be an https:// address.")
