"""The terms an offer or a 挂牌 sale carries, and their checks (clear messages, never a crash on odd input)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

from techmarket.core.clock import local_today
from techmarket.listings.models import Listing
from techmarket.trading.constants import LICENCE_MODES, MAX_PRICE


@dataclass
class OfferData:
    mode: str
    valid_until: dt.date | None
    price: Decimal | None = None
    negotiable: bool = False  # 面议: a range instead of a price
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    payment_note: str = ""
    licence_scope: str = ""
    licence_years: int | None = None
    territory: str = ""
    note: str = ""


def to_decimal(value: Any) -> Decimal | None:
    """A yuan amount from user input; ``None`` when it is empty or not a finite number."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).replace(",", "").replace("，", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def price_error(value: Decimal | None) -> Any:
    if value is None or not value.is_finite():
        return _l("Enter an amount in yuan.")
    if value <= 0:
        return _l("The amount must be greater than zero.")
    if value > MAX_PRICE:
        return _l("The amount is implausibly large.")
    if value != value.quantize(Decimal("0.01")):
        return _l("Give the amount in yuan with at most two decimals.")
    return None


def mode_error(listing: Listing, mode: str) -> Any:
    return None if mode in listing.modes else _l("Choose one of the listing's transaction modes.")


def check_offer(listing: Listing, data: OfferData) -> dict[str, Any]:
    """Field errors (name -> message); normalises ``data`` in place."""
    errors: dict[str, Any] = {}
    if (msg := mode_error(listing, data.mode)) is not None:
        errors["mode"] = msg
    if data.negotiable:
        data.price = None
        for name in ("price_min", "price_max"):
            if (msg := price_error(getattr(data, name))) is not None:
                errors[name] = msg
        if not errors.get("price_min") and not errors.get("price_max") and data.price_min > data.price_max:  # type: ignore[operator]
            errors["price_max"] = _l("The upper end of the range is below its lower end.")
    else:
        data.price_min = data.price_max = None
        if (msg := price_error(data.price)) is not None:
            errors["price"] = msg
    if data.valid_until is None:
        errors["valid_until"] = _l("Give the date until which the offer stands.")
    elif data.valid_until < local_today():
        errors["valid_until"] = _l("The validity date is in the past.")
    elif data.valid_until > local_today() + dt.timedelta(days=366):
        errors["valid_until"] = _l("An offer stands for at most a year.")
    data.payment_note, data.note = data.payment_note.strip(), data.note.strip()
    data.licence_scope, data.territory = data.licence_scope.strip(), data.territory.strip()
    if data.mode in LICENCE_MODES:
        if not data.licence_scope:
            errors["licence_scope"] = _l("Say what the licence covers (products, fields of use).")
        if data.licence_years is None or not 1 <= data.licence_years <= 100:
            errors["licence_years"] = _l("Give the licence term in whole years (1 to 100).")
        if not data.territory:
            errors["territory"] = _l("Give the territory of the licence.")
    else:
        data.licence_scope, data.licence_years, data.territory = "", None, ""
    for name, limit in (("payment_note", 2000), ("note", 2000), ("licence_scope", 200), ("territory", 200)):
        if len(getattr(data, name)) > limit:
            errors[name] = _l("At most %(n)d characters.", n=limit)
    return errors
