"""techmarket.policy is the bottom layer: stdlib, click (CLI only) and chinese_calendar, nothing else."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import techmarket.policy

PACKAGE = Path(techmarket.policy.__file__).parent
ALLOWED = {"click", "chinese_calendar"}


def test_imports_are_stdlib_click_or_chinese_calendar() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = [(node.module or "").split(".")[0]]
            else:
                continue
            for root in roots:
                assert root in sys.stdlib_module_names or root in ALLOWED, f"{path.name} imports {root}"
                assert root != "click" or path.name == "cli.py", f"{path.name} imports click"


def test_no_flask_or_sqlalchemy_loaded() -> None:
    code = (
        "import sys, techmarket.policy, techmarket.policy.cli, techmarket.policy.rules;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')"
        " or (m.startswith('techmarket.') and not m.startswith('techmarket.policy'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_files_stay_small() -> None:
    for path in PACKAGE.rglob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name
