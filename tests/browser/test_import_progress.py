"""The import page with the background runner: the upload returns at once, the page polls while a worker
imports, shows the live counts, then reloads with the report."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from techmarket.core import jobs
from techmarket.listings import import_tasks, importing
from tests.browser.conftest import ConsoleWatch
from tests.browser.helpers import upload_import


def test_upload_then_live_progress_while_the_worker_imports(
        page: Page, live_app: Flask, live_server: str, operator: tuple[str, str], console: ConsoleWatch,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    live_app.extensions["techmarket.jobs"] = jobs.LocalQueue(live_app)
    upload_import(page, live_app, live_server, operator, tmp_path, [f"浏览器导入的成果 {i}" for i in range(12)])
    expect(page.get_by_test_id("run-status")).to_have_text("排队中")  # queued: the request imported nothing

    # A worker whose batches of 5 rows are 2.5 s apart, so the page is seen between them.
    monkeypatch.setattr(importing, "BATCH", 5)
    monkeypatch.setattr(importing, "BATCH_SECONDS", 3600.0)
    real = import_tasks.import_rows

    def paced(*args: Any, progress: Any = None, **kwargs: Any) -> Any:
        def beat(done: int, total: int) -> None:
            progress(done, total)
            time.sleep(2.5)

        return real(*args, progress=beat, **kwargs)

    monkeypatch.setattr(import_tasks, "import_rows", paced)
    worker = threading.Thread(target=jobs.drain, args=(live_app,), daemon=True)
    worker.start()
    try:
        expect(page.locator('[data-testid="live-counts"] [data-count="created"]')).to_have_text(
            re.compile(r"^(5|10)$"), timeout=20_000)  # live counts while the import runs
        expect(page.get_by_test_id("import-report")).to_be_visible(timeout=30_000)  # reloaded when done
    finally:
        worker.join(timeout=30)
    expect(page.get_by_test_id("run-status")).to_have_text("已完成")
    expect(page.locator('[data-testid="import-counts"] [data-count="created"]')).to_have_text("12")
