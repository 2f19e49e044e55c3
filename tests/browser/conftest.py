"""Browser fixtures: the system Chromium, a live server on a fresh SQLite database, mail and CSP helpers.

Playwright drives ``/usr/bin/chromium`` (never ``playwright install``). Without it the browser tests are
skipped, or fail when ``TECHMARKET_TEST_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import traceback
from collections.abc import Callable, Iterator
from email import policy as email_policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from flask import Flask, got_request_exception
from flask_migrate import upgrade
from playwright.sync_api import BrowserContext, Page
from werkzeug.serving import make_server

from techmarket.accounts import services as accounts
from techmarket.app import create_app
from techmarket.extensions import db

CHROMIUM = "/usr/bin/chromium"
REQUIRE = os.environ.get("TECHMARKET_TEST_REQUIRE_SERVICES") == "1"
PASSWORD = "Sekret-pass-42"
OPERATOR_EMAIL = "operator@example.cn"
OPERATOR_PASSWORD = "Queue-keeper-77"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
_LINK = re.compile(r"https?://\S+")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not os.path.exists(CHROMIUM):
        if REQUIRE:
            pytest.fail(f"TECHMARKET_TEST_REQUIRE_SERVICES=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture(autouse=True)
def _quick_timeouts(context: BrowserContext) -> None:
    """A local server answers in milliseconds: fail in 10 s rather than Playwright's 30 s."""
    context.set_default_timeout(10_000)


@pytest.fixture()
def browser_context_args(browser_context_args: dict) -> dict:
    # Chinese is the default language; make the browser say so rather than rely on the server default.
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


def _overrides(url: str, instance: Path) -> dict:
    return {
        "ENV": "testing",
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "INSTANCE_PATH": str(instance),
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_BACKEND": "outbox",
        "JOBS_BACKEND": "inline",
        "SEARCH_BACKEND": "database",
        "PAYMENTS_BACKEND": "offline",
        "BEHIND_PROXY": 0,
        "SECURE_COOKIES": False,
    }


@pytest.fixture(scope="session")
def _migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file migrated to head once per session; each test gets its own copy."""
    folder = tmp_path_factory.mktemp("browser-template")
    path = folder / "template.db"
    app = create_app(_overrides(f"sqlite:///{path}", folder / "instance"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture()
def live_app_settings() -> dict:
    """Settings a test module adds to ``live_app``'s (override this fixture; e.g. Stripe against localstripe)."""
    return {}


@pytest.fixture()
def live_app(tmp_path: Path, _migrated_db: Path, live_app_settings: dict) -> Iterator[Flask]:
    """The application on its own fresh SQLite file (migrated to head), with CSRF on.

    Exceptions the server meets are kept in ``app.extensions["browser_test_errors"]``."""
    path = tmp_path / "browser.db"
    shutil.copyfile(_migrated_db, path)
    app = create_app({**_overrides(f"sqlite:///{path}", tmp_path / "instance"), **live_app_settings})
    with app.app_context():
        upgrade()  # at head already: a no-op unless a migration appeared during the session
    errors: list[str] = []
    app.extensions["browser_test_errors"] = errors

    def record(sender: Flask, exception: BaseException, **extra: object) -> None:
        errors.append("".join(traceback.format_exception(exception)))

    got_request_exception.connect(record, app)
    yield app
    got_request_exception.disconnect(record, app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def live_server(live_app: Flask) -> Iterator[str]:
    """Serves ``live_app`` on a free port in a daemon thread; yields the base URL (no trailing slash)."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture()
def operator(live_app: Flask) -> tuple[str, str]:
    """The market operator's account (email, password), made as ``techmarket accounts create-admin`` does."""
    with live_app.app_context():
        accounts.create_admin(db.session, OPERATOR_EMAIL, OPERATOR_PASSWORD, name="市场运营")
        db.session.commit()
    return OPERATOR_EMAIL, OPERATOR_PASSWORD


@pytest.fixture()
def mail_links(live_app: Flask) -> Callable[[str], list[str]]:
    """``mail_links(to)``: the links in the messages to ``to`` in the outbox, oldest first."""

    def links(to: str) -> list[str]:
        found: list[str] = []
        parser = BytesParser(policy=email_policy.default)
        for path in sorted((Path(live_app.instance_path) / "outbox").glob("*.eml")):
            msg = parser.parsebytes(path.read_bytes())
            if str(msg["To"]).lower() != to.lower():
                continue
            body = msg.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else ""
            found.extend(_LINK.findall(text))
        return found

    return links


class ConsoleWatch:
    """Collects console errors, uncaught script errors and failed requests of every page it watches."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.page_errors: list[str] = []
        self.failed: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(
            f"{page.url}: {msg.text} [{msg.location.get('url', '')}]"))
        page.on("pageerror", lambda exc: self.page_errors.append(f"{page.url}: {exc}"))
        page.on("response", lambda resp: resp.status >= 400 and self.failed.append(f"{resp.status} {resp.url}"))

    @property
    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "Content Security Policy" in e]


@pytest.fixture()
def console(page: Page, live_app: Flask) -> Iterator[ConsoleWatch]:
    """Watches ``page`` (and whatever else is handed to ``console.watch``); at the end fails on server
    exceptions, CSP violations and uncaught script errors. test_pages.py checks failed requests."""
    watch = ConsoleWatch()
    watch.watch(page)
    yield watch
    server_errors = live_app.extensions["browser_test_errors"]
    assert not server_errors, "server exceptions:\n" + "\n".join(server_errors)
    assert not watch.csp_violations, "CSP violations:\n" + "\n".join(watch.csp_violations)
    assert not watch.page_errors, "uncaught script errors:\n" + "\n".join(watch.page_errors)
