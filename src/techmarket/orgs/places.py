"""Place names in the reader's language.

The division table (NBS codes) holds Chinese names only. English pages use the customary English names of the
region and of its twelve leagues and cities (the names their governments and the national press use in
English); a banner, county or district keeps its Chinese name, which is how it is written on the documents a
reader will compare it with.
"""

from __future__ import annotations

from techmarket.core.i18n import is_chinese

ENGLISH: dict[str, str] = {
    "150000": "Inner Mongolia",
    "150100": "Hohhot",
    "150200": "Baotou",
    "150300": "Wuhai",
    "150400": "Chifeng",
    "150500": "Tongliao",
    "150600": "Ordos",
    "150700": "Hulunbuir",
    "150800": "Bayannur",
    "150900": "Ulanqab",
    "152200": "Hinggan League",
    "152500": "Xilingol League",
    "152900": "Alxa League",
}


def place_name(code: str | None, name: str) -> str:
    """``name`` (Chinese, from the division table) as the reader should see it: the English name of the region,
    a league or a city on English pages, else ``name``."""
    if is_chinese():
        return name
    return ENGLISH.get(code or "", name)
