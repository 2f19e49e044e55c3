"""A font with Chinese glyphs for the PDFs the site makes (statements, auction confirmations): ``PDF_FONT`` or a
common system font (fonts-noto-cjk)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTCollection
from fpdf import FPDF

from techmarket.core.errors import DomainError

#: Tried in this order when ``PDF_FONT`` is not set: (path, face to prefer in a collection).
SYSTEM_FONTS = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "WenQuanYi Micro Hei"),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "WenQuanYi Zen Hei"),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", ""),
)


class FontMissing(DomainError):
    """The server has no font with Chinese glyphs, so no PDF can be made."""

    status = 503


@functools.cache
def _face_index(path: str, prefer: str) -> int:
    """The index of the preferred face in a font collection (0 for a single font)."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    with TTCollection(path, lazy=True) as collection:
        names = [str(font["name"].getDebugName(4) or "") for font in collection.fonts]
    if prefer and prefer in names:
        return names.index(prefer)
    return next((i for i, n in enumerate(names) if n.endswith(" SC") or "Hei" in n), 0)


def pdf_font(config: Mapping[str, Any]) -> tuple[str, int] | None:
    """``(path, face index)`` of a font with Chinese glyphs: ``PDF_FONT`` or a common system font."""
    configured = str(config.get("PDF_FONT") or "").strip()
    candidates = [(configured, "")] if configured else list(SYSTEM_FONTS)
    for path, prefer in candidates:
        if Path(path).is_file():
            return path, _face_index(path, prefer)
    return None


def cjk_document(config: Mapping[str, Any], *, title: str, missing: str, bottom_margin: float | None = None) -> FPDF:
    """An A4 document with the CJK font registered as ``"cjk"`` and its first page added; :class:`FontMissing`
    (with ``missing``, the caller's advice to the reader) when the server has no such font."""
    font = pdf_font(config)
    if font is None:
        raise FontMissing(missing)
    doc = FPDF(format="A4")
    if bottom_margin is not None:
        doc.set_auto_page_break(auto=True, margin=bottom_margin)
    doc.add_font("cjk", "", font[0], collection_font_number=font[1])
    doc.set_title(title)
    doc.add_page()
    return doc
