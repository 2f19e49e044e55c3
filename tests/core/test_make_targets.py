"""`make run` installs what serving needs; `make test` adds the test tools (read with `make -n`, nothing runs)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _plan(target: str, tmp_path: Path) -> list[str]:
    """The commands ``make TARGET`` would run for a fresh checkout (a virtualenv that does not exist yet)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    out = subprocess.run(["make", "-n", target, f"VENV={tmp_path / 'venv'}",
                          f"TECHMARKET_INSTANCE_PATH={tmp_path / 'instance'}"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


def _installs(lines: list[str]) -> list[str]:
    return [line for line in lines if "pip install" in line and "--upgrade pip" not in line]


def test_make_run_installs_only_the_package(tmp_path: Path) -> None:
    installs = _installs(_plan("run", tmp_path))
    assert installs and all(line.rstrip().endswith("-e .") for line in installs), installs
    assert not any("[test]" in line for line in installs)


def test_make_test_adds_the_test_extras_on_their_own_stamp(tmp_path: Path) -> None:
    lines = _plan("test", tmp_path)
    installs = _installs(lines)
    assert any(line.rstrip().endswith("-e .") for line in installs)
    assert any("'.[test]'" in line for line in installs)
    assert any(line.startswith("touch ") and line.endswith(".installed-test") for line in lines)
    assert any(line.startswith("touch ") and line.endswith(".installed") for line in lines)
