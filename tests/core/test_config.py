from __future__ import annotations

import re

import pytest

from techmarket.app import create_app
from techmarket.config import ConfigError, load_config


def test_environment_overrides_defaults():
    cfg = load_config(environ={"TECHMARKET_PER_PAGE": "50", "TECHMARKET_SMTP_STARTTLS": "true",
                               "TECHMARKET_SEARCH_BACKEND": "elasticsearch"})
    assert cfg["PER_PAGE"] == 50 and cfg["SMTP_STARTTLS"] is True and cfg["SEARCH_BACKEND"] == "elasticsearch"


@pytest.mark.parametrize("env, needle", [
    ({"TECHMARKET_PER_PAGE": "many"}, "TECHMARKET_PER_PAGE"),
    ({"TECHMARKET_JOBS_BACKEND": "celery"}, "TECHMARKET_JOBS_BACKEND"),
    ({"TECHMARKET_ENV": "production"}, "TECHMARKET_SECRET_KEY, TECHMARKET_DATABASE_URL"),
    ({"TECHMARKET_ENV": "production", "TECHMARKET_SECRET_KEY": "short", "TECHMARKET_AUDIT_KEY": "a" * 40,
      "TECHMARKET_DATABASE_URL": "postgresql://x"}, "at least 32"),
    ({"TECHMARKET_ENV": "production", "TECHMARKET_SECRET_KEY": "s" * 40,
      "TECHMARKET_DATABASE_URL": "postgresql://x"}, "set TECHMARKET_AUDIT_KEY"),
    ({"TECHMARKET_ENV": "production", "TECHMARKET_SECRET_KEY": "s" * 40, "TECHMARKET_AUDIT_KEY": "short",
      "TECHMARKET_DATABASE_URL": "postgresql://x"}, "TECHMARKET_AUDIT_KEY must be at least 32"),
    ({"TECHMARKET_ENV": "production", "TECHMARKET_SECRET_KEY": "s" * 40, "TECHMARKET_AUDIT_KEY": "s" * 40,
      "TECHMARKET_DATABASE_URL": "postgresql://x"}, "must differ"),
])
def test_bad_configuration_stops_the_start(env, needle):
    with pytest.raises(ConfigError) as exc:
        load_config(environ=env)
    assert needle in str(exc.value)


def test_production_app_refuses_without_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("TECHMARKET_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="TECHMARKET_SECRET_KEY"):
        create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path)})


def test_development_secret_is_generated_once(tmp_path):
    a = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    b = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert a.config["SECRET_KEY"] == b.config["SECRET_KEY"] and len(a.config["SECRET_KEY"]) == 64
    assert a.config["AUDIT_KEY"] == b.config["AUDIT_KEY"] and len(a.config["AUDIT_KEY"]) == 64
    assert a.config["AUDIT_KEY"] != a.config["SECRET_KEY"] and (tmp_path / "audit_key").exists()


@pytest.mark.parametrize("raw, env, expected", [
    ("0", "production", False), ("1", "development", True), ("auto", "production", True),
    ("auto", "development", False),
])
def test_secure_cookies_setting_is_a_real_boolean(raw, env, expected):
    environ = {"TECHMARKET_SECURE_COOKIES": raw, "TECHMARKET_ENV": env,
               "TECHMARKET_SECRET_KEY": "s" * 40, "TECHMARKET_AUDIT_KEY": "a" * 40, "TECHMARKET_DATABASE_URL": "sqlite://"}
    assert load_config(environ=environ)["SECURE_COOKIES"] is expected


def test_bootstrap_assets_are_served(client):
    html = client.get("/account/login").get_data(as_text=True)
    for href in re.findall(r'(?:href|src)="(/bootstrap/[^"]+|/static/[^"]+)"', html):
        assert client.get(href).status_code == 200, href
