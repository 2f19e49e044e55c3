"""Production refuses per-worker (memory://) rate-limit counters when several gunicorn workers serve."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from techmarket.config import ConfigError, check_shared_rate_limits, configured_web_workers, load_config

ROOT = Path(__file__).resolve().parents[2]
PROD = {"TECHMARKET_ENV": "production", "TECHMARKET_SECRET_KEY": "s" * 40,
        "TECHMARKET_DATABASE_URL": "postgresql+psycopg://db/techmarket", "TECHMARKET_AUDIT_KEY": "a" * 40}


@pytest.mark.parametrize("workers", [{"TECHMARKET_WEB_WORKERS": "5"}, {"WEB_CONCURRENCY": "3"}])
def test_production_with_memory_storage_and_several_workers_refuses_to_start(workers):
    with pytest.raises(ConfigError) as exc:
        load_config(environ={**PROD, **workers, "TECHMARKET_RATELIMIT_STORAGE_URI": "memory://"})
    message = str(exc.value)
    assert "TECHMARKET_RATELIMIT_STORAGE_URI" in message and "redis://" in message
    assert "TECHMARKET_WEB_WORKERS=1" in message


@pytest.mark.parametrize("env", [
    {"TECHMARKET_WEB_WORKERS": "5", "TECHMARKET_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/1"},
    {"TECHMARKET_WEB_WORKERS": "1", "TECHMARKET_RATELIMIT_STORAGE_URI": "memory://"},
    {"TECHMARKET_WEB_WORKERS": "5", "TECHMARKET_RATELIMIT_STORAGE_URI": "memory://", "TECHMARKET_ENV": "development"},
])
def test_shared_storage_a_single_worker_or_development_start(env):
    assert load_config(environ={**PROD, **env})


def test_a_worker_count_that_is_not_a_number_is_named():
    with pytest.raises(ConfigError, match="WEB_CONCURRENCY"):
        configured_web_workers({"WEB_CONCURRENCY": "many"})


def _gunicorn_conf(monkeypatch: pytest.MonkeyPatch, **env: str):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", ROOT / "deploy" / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules.pop("gunicorn_conf_under_test", None)
    return module


def test_gunicorn_reads_web_concurrency_when_techmarket_web_workers_is_unset(monkeypatch):
    monkeypatch.delenv("TECHMARKET_WEB_WORKERS", raising=False)
    assert _gunicorn_conf(monkeypatch, WEB_CONCURRENCY="3").workers == 3
    assert _gunicorn_conf(monkeypatch, TECHMARKET_WEB_WORKERS="2", WEB_CONCURRENCY="3").workers == 2


def test_gunicorn_refuses_memory_storage_with_the_workers_it_really_runs(monkeypatch):
    """The worker count may come from gunicorn's own -w flag: the start hook checks the final figure."""
    conf = _gunicorn_conf(monkeypatch)
    cfg = load_config(environ={**PROD, "TECHMARKET_RATELIMIT_STORAGE_URI": "memory://"})
    app = SimpleNamespace(config=cfg)
    server = SimpleNamespace(cfg=SimpleNamespace(workers=4), app=SimpleNamespace(wsgi=lambda: app))
    with pytest.raises(SystemExit) as exc:
        conf.on_starting(server)
    assert "memory://" in str(exc.value) and "4 web workers" in str(exc.value)
    server.cfg.workers = 1
    conf.on_starting(server)  # one worker: fine
    check_shared_rate_limits(cfg, 1)
