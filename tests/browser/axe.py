"""axe-core for the browser tests: installed from npm at test time into a cache outside the repository.

``npm install --prefix <cache>/techmarket-axe axe-core@4`` runs once per machine (under a file lock, so parallel
workers wait for one another); the package is never committed. The cache is ``$TECHMARKET_AXE_DIR``, else
``$XDG_CACHE_HOME/techmarket-axe``, else ``~/.cache/techmarket-axe``. Without npm the accessibility tests are
skipped, or fail when ``TECHMARKET_TEST_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

AXE_PACKAGE = "axe-core@4"
# WCAG 2.1 A and AA
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def axe_dir() -> Path:
    if os.environ.get("TECHMARKET_AXE_DIR"):
        return Path(os.environ["TECHMARKET_AXE_DIR"])
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "techmarket-axe"


def install_axe(require: bool) -> str:
    """The source of axe.min.js, installed first if need be."""
    folder = axe_dir()
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            message = "npm is missing (apt-get install nodejs npm): cannot install axe-core"
            if require:
                pytest.fail(message)
            pytest.skip(message)
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not script.exists():
                done = subprocess.run([npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund",
                                       "--no-save", "--loglevel=error", AXE_PACKAGE],
                                      capture_output=True, text=True, timeout=300, check=False)
                if done.returncode != 0 or not script.exists():
                    message = f"npm install {AXE_PACKAGE} failed:\n{done.stdout}\n{done.stderr}"
                    if require:
                        pytest.fail(message)
                    pytest.skip(message)
    return script.read_text(encoding="utf-8")


def violations(page: Page, source: str) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(source)  # evaluated through the DevTools protocol: the page's CSP does not apply
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def describe(found: list[dict[str, Any]]) -> str:
    lines = []
    for v in found:
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}")
        lines.extend(f"    {' '.join(n['target'])}: {n.get('failureSummary', '').splitlines()[-1:]}"
                     for n in v["nodes"][:6])
    return "\n".join(lines)
