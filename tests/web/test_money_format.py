"""Money on the pages: 万元 from ten thousand yuan and 元 below in Chinese (never a ¥ beside 万元), ¥ in English."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale

from techmarket.web.templating import format_money


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("locale", "value", "shown"), [
    ("zh_Hans_CN", Decimal(8000), "8,000.00 元"),
    ("zh_Hans_CN", Decimal(10000), "1.00 万元"),
    ("zh_Hans_CN", Decimal(2987000), "298.70 万元"),
    ("zh_Hans_CN", Decimal(-500), "-500.00 元"),
    ("en", Decimal(8000), "¥8,000.00"),
    ("en", Decimal(2987000), "¥2,987,000.00"),
])
def test_money_in_each_language(app, locale, value, shown) -> None:
    with app.test_request_context(), force_locale(locale):
        assert format_money(value) == shown
        assert format_money(None) == "—"
