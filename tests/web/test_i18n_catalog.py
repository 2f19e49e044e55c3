"""The Chinese catalog covers every UI string of the current source, and the site speaks both languages.

The strings are re-extracted from ``src`` and ``templates`` with the project's ``babel.cfg`` (the same
command as the translators use), so a string added without a translation fails here, by name.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import refresh

from techmarket.extensions import babel

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "src" / "techmarket" / "translations"
LOCALE = "zh_Hans_CN"
PO = TRANSLATIONS / LOCALE / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = ["_l", "lazy_gettext"]

# %(name)s, %(n)d, %s, %.2f ... (a literal %% is not a placeholder)
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]")
HAN = re.compile(r"[\u4e00-\u9fff]")


def _pybabel() -> list[str]:
    """The venv's pybabel next to the running interpreter, else babel's CLI through this interpreter."""
    script = Path(sys.executable).parent / ("pybabel.exe" if os.name == "nt" else "pybabel")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from babel.messages.frontend import main; main()"]


def _read(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=LOCALE if path.suffix == ".po" else None, abort_invalid=True)


def _strings(msg: Message) -> list[str]:
    return list(msg.string) if isinstance(msg.string, (list, tuple)) else [msg.string or ""]


def _ids(msg: Message) -> list[str]:
    return list(msg.id) if isinstance(msg.id, (list, tuple)) else [msg.id]


def _placeholders(text: str) -> Counter[str]:
    return Counter(m.group(0) if m.group("name") is None else f"%({m.group('name')}){m.group(0)[-1]}"
                   for m in PLACEHOLDER.finditer(text) if m.group(0) != "%%")


@pytest.fixture(scope="module")
def template() -> Catalog:
    """A fresh .pot of the current source."""
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        cmd = [*_pybabel(), "-q", "extract", "-F", "babel.cfg", *[a for k in KEYWORDS for a in ("-k", k)],
               "-o", str(pot), "."]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, f"pybabel extract failed:\n{done.stdout}\n{done.stderr}"
        catalog = _read(pot)
    assert len([m for m in catalog if m.id]) > 100, "extraction found too few messages: check babel.cfg"
    return catalog


@pytest.fixture(scope="module")
def translations() -> Catalog:
    assert PO.exists(), f"missing {PO.relative_to(ROOT)}"
    return _read(PO)


@pytest.fixture()
def compiled(app: Flask) -> None:
    """Compile the catalog into place when the .mo is missing or older (``make install`` normally does)."""
    if MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime:
        return
    catalog = _read(PO)
    with tempfile.NamedTemporaryFile("wb", dir=MO.parent, suffix=".mo.tmp", delete=False) as fh:
        write_mo(fh, catalog, use_fuzzy=True)
    os.chmod(fh.name, 0o644)
    os.replace(fh.name, MO)
    # Flask-Babel caches loaded catalogs on the (process-wide) extension: drop any loaded before the .mo.
    with app.app_context():
        babel.domain_instance.cache.clear()


def test_every_source_string_has_a_chinese_translation(template: Catalog, translations: Catalog) -> None:
    assert not translations.fuzzy, "the catalog header is marked fuzzy"
    missing, fuzzy = [], []
    for msg in template:
        if not msg.id:
            continue
        found = translations.get(msg.id, msg.context)
        if found is None or not all(s.strip() for s in _strings(found)):
            missing.append(_ids(msg)[0])
        elif found.fuzzy:
            fuzzy.append(_ids(msg)[0])
    assert not missing, (
        f"{len(missing)} msgid(s) without a Chinese translation in {PO.relative_to(ROOT)} "
        "(run pybabel extract + update --no-fuzzy-matching, then translate):\n"
        + "\n".join(f"  {m!r}" for m in missing)
    )
    assert not fuzzy, "fuzzy translations (review them, then drop the flag):\n" + "\n".join(
        f"  {m!r}" for m in fuzzy
    )


def test_translations_are_chinese(translations: Catalog) -> None:
    # Codes, names and bare placeholders may stay as they are; sentences may not.
    untranslated = [msg.id for msg in translations if msg.id
                    for s in _strings(msg) if len(_ids(msg)[0]) > 12 and not HAN.search(s)]
    assert not untranslated, "msgstr without any Chinese:\n" + "\n".join(f"  {m!r}" for m in untranslated)


def test_placeholders_match(translations: Catalog) -> None:
    wrong = []
    for msg in translations:
        if not msg.id:
            continue
        ids = _ids(msg)
        # A plural form may follow either the singular or the plural msgid (Chinese has one form).
        accepted = [_placeholders(i) for i in ids]
        for text in _strings(msg):
            if text and _placeholders(text) not in accepted:
                wrong.append(f"  {ids[0]!r} -> {text!r}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_login_page_is_chinese_by_default_and_english_on_request(compiled: None, client) -> None:
    resp = client.get("/account/login")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "登录" in html
    assert "内蒙古科技大市场" in html
    assert "Sign in" not in html

    resp = client.get("/lang/en?next=/account/login")
    assert resp.status_code == 302
    # The ``app`` fixture keeps one app context (one ``g``) for all the client's requests, and Flask-Babel
    # caches the locale in ``g``: forget it, as a new request in a real server would.
    refresh()
    resp = client.get("/account/login")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Sign in" in html
    assert "Inner Mongolia Technology Market" in html
    assert "登录" not in html


def test_every_msgid_is_translated_once() -> None:
    """Branches append to the catalogue in parallel; a msgid appended twice makes the page's wording depend on
    which entry the compiler keeps."""
    text = PO.read_text(encoding="utf-8")
    ids = Counter(
        (context, "".join(re.findall(r'"(.*)"', body)))
        for context, body in re.findall(r'^(?:msgctxt "(.*)"\n)?msgid ((?:".*"\n)+)msgstr', text, flags=re.M)
    )
    assert [key for key, count in ids.items() if count > 1] == []
