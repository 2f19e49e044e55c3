"""Traps a deployer falls into: the files in deploy/ and the production guards of the commands."""

from __future__ import annotations

import configparser
import logging
import logging.config
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import elasticsearch
import pytest

from techmarket import cli
from techmarket.accounts.models import User
from techmarket.config import PROJECT_ROOT, ConfigError, load_config
from techmarket.core.logs import FORMAT
from techmarket.extensions import db

DEPLOY = PROJECT_ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / "env.example"


def _env_file(path: Path) -> dict[str, str]:
    """The file as systemd's EnvironmentFile (and compose's env_file) reads it: KEY=VALUE, quotes removed."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[key.strip()] = value
    return out


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_env_example_can_be_sourced_by_a_shell_and_means_the_same_there():
    script = f'set -a; . "{ENV_EXAMPLE}"; set +a; env -0'
    done = subprocess.run(["bash", "-c", script], capture_output=True, cwd=DEPLOY, timeout=30, check=False)
    assert done.returncode == 0 and done.stderr == b"", done.stderr.decode()
    sourced = dict(item.split("=", 1) for item in done.stdout.decode().split("\0") if "=" in item)
    expected = _env_file(ENV_EXAMPLE)
    assert {k: sourced.get(k) for k in expected} == expected
    assert sourced["TECHMARKET_MAIL_SENDER"] == "内蒙古科技大市场 <noreply@techmarket.example.cn>"
    assert sourced["TECHMARKET_LOGIN_RATE_LIMIT"] == "10 per minute;50 per hour"


def test_the_placeholder_secret_key_of_env_example_is_refused_in_production():
    environ = {k: v for k, v in _env_file(ENV_EXAMPLE).items() if k.startswith("TECHMARKET_")}
    with pytest.raises(ConfigError, match="placeholder"):
        load_config(environ=environ)
    for placeholder in ("CHANGE-ME-" + "0" * 40, "changeme" * 5, "django-insecure-0123456789abcdefghijklmnop"):
        with pytest.raises(ConfigError, match="TECHMARKET_SECRET_KEY"):
            load_config(environ={**environ, "TECHMARKET_SECRET_KEY": placeholder})
    with pytest.raises(ConfigError, match="at least 32"):
        load_config(environ={**environ, "TECHMARKET_SECRET_KEY": "3f9a1c"})
    generated = "9c4b1e0f7a2d48c6b35e91d0a7f2c4e8b61d09a3f5c7e2b4d8a0c6e1f3b5d7a9"
    assert load_config(environ={**environ, "TECHMARKET_SECRET_KEY": generated})["SECRET_KEY"] == generated


def test_gunicorn_recycles_workers_rarely_and_not_together(monkeypatch):
    monkeypatch.delenv("TECHMARKET_WEB_MAX_REQUESTS", raising=False)
    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert conf["max_requests"] >= 50_000  # 2,000 restarted each worker every ~2 s under load
    assert conf["max_requests_jitter"] >= conf["max_requests"] // 20
    monkeypatch.setenv("TECHMARKET_WEB_MAX_REQUESTS", "0")
    assert runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["max_requests"] == 0


def test_gunicorn_log_lines_carry_time_and_level():
    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    fmt = conf["logconfig_dict"]["formatters"]["techmarket"]["format"]
    assert "%(asctime)s" in fmt and "%(levelname)s" in fmt
    handlers = conf["logconfig_dict"]["loggers"]
    assert {"gunicorn.error", "gunicorn.access"} <= set(handlers)


def _units() -> dict[str, configparser.ConfigParser]:
    out = {}
    for path in sorted((DEPLOY / "systemd").glob("*.service")):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read(path)
        out[path.name] = parser
    return out


def test_every_unit_uses_the_same_environment_file_and_instance_folder():
    instance = _env_file(ENV_EXAMPLE)["TECHMARKET_INSTANCE_PATH"]
    units = _units()
    assert {"techmarket-daily.service", "techmarket-search-drain.service", "techmarket-worker.service",
            "techmarket-web@.service"} <= set(units)
    for name, unit in units.items():
        service = unit["Service"]
        assert service["EnvironmentFile"] == "/etc/techmarket/env", name
        assert service["ReadWritePaths"] == instance, name  # the daily unit wrote to /srv/techmarket/instance


def test_the_search_outbox_drains_every_minute():
    timer = configparser.ConfigParser(interpolation=None)
    timer.read(DEPLOY / "systemd" / "techmarket-search-drain.timer")
    assert timer["Timer"]["OnUnitActiveSec"] == "1min"
    assert _units()["techmarket-search-drain.service"]["Service"]["ExecStart"].endswith("techmarket search drain")
    compose = (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")
    assert '["techmarket", "search", "drain", "--every", "60"]' in compose


def test_readme_names_the_content_type_of_the_pinned_client():
    major = int(elasticsearch.__versionstr__.split(".")[0])
    pin = re.search(r'"elasticsearch>=[\d.]+,<(\d+)"', (PROJECT_ROOT / "pyproject.toml").read_text()).group(1)
    assert major == int(pin) - 1
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert set(re.findall(r"compatible-with=(\d+)", readme)) == {str(major)}


def test_a_refused_production_start_is_one_line_not_a_traceback(monkeypatch, capsys):
    monkeypatch.setenv("TECHMARKET_ENV", "production")
    monkeypatch.delenv("TECHMARKET_SECRET_KEY", raising=False)
    monkeypatch.delenv("TECHMARKET_DATABASE_URL", raising=False)
    monkeypatch.setattr(sys, "argv", ["techmarket", "search", "status"])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("techmarket: Production start refused: set TECHMARKET_SECRET_KEY")


def test_demo_load_refuses_to_run_in_production(app, runner):
    before = db.session.query(User).count()
    app.config["ENV"] = "production"
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 2 and "refuses to run with TECHMARKET_ENV=production" in result.output
    assert db.session.query(User).count() == before


def test_application_log_lines_carry_time_and_level(tmp_path):
    code = ("import logging; from techmarket.app import create_app; "
            f"create_app({{'INSTANCE_PATH': {str(tmp_path)!r}, 'DATABASE_URL': 'sqlite://'}}); "
            "logging.getLogger('techmarket.search.service').warning('elasticsearch unavailable')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False,
                          env={"PYTHONPATH": str(PROJECT_ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    line = done.stderr.strip().splitlines()[-1]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} WARNING \[\d+\] techmarket\.search\.service: "
                    r"elasticsearch unavailable$", line), line
    assert "%(asctime)s" in FORMAT and logging.getLevelName(logging.WARNING) == "WARNING"
