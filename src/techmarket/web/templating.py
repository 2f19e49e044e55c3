"""Template globals and filters: dates in Asia/Shanghai, money in yuan/万元, navigation by role."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask import Flask, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from techmarket.core.clock import to_local
from techmarket.core.i18n import LANGUAGES
from techmarket.core.roles import Role
from techmarket.orgs.constants import (
    LISTING_BOARDS,
    MEMBER_ROLE_LABELS,
    ORG_TYPE_LABELS,
    REGION_KIND_LABELS,
    STATUS_LABELS,
)

NAV_STAFF = [
    ("admin.organisations", _l("Verification queue"), (Role.OPERATOR,)),
    ("admin_listings.queue", _l("Listing review"), (Role.OPERATOR,)),
    ("trading.console", _l("Trading approvals"), (Role.OPERATOR,)),
    ("challenges_admin.console", _l("Calls (揭榜挂帅)"), (Role.OPERATOR,)),
    ("admin_imports.index", _l("Import listings"), (Role.OPERATOR,)),
    ("matching.console", _l("Matching console"), (Role.OPERATOR,)),
    ("admin.users", _l("Users"), (Role.OPERATOR,)),
    ("admin.outbox", _l("Mail outbox"), (Role.OPERATOR,)),
    ("admin.audit_log", _l("Audit log"), (Role.OPERATOR, Role.REGISTRAR)),
    ("policy.rules", _l("Rule sets"), (Role.OPERATOR,)),
    ("contracts_admin.queue", _l("Registration queue"), (Role.REGISTRAR, Role.OPERATOR)),
    ("contracts_admin.search", _l("Contract search"), (Role.REGISTRAR, Role.OPERATOR)),
    ("contracts_admin.stats", _l("Registration statistics"), (Role.REGISTRAR, Role.OPERATOR)),
    ("contracts_admin.payments", _l("Payments to confirm"), (Role.OPERATOR,)),
    ("reporting_admin.console", _l("Statistics and reports"), (Role.REGISTRAR, Role.OPERATOR)),
    ("auctions.console", _l("Auction console"), (Role.OPERATOR,)),
    ("payments_admin.queue", _l("Payments and transfers"), (Role.OPERATOR,)),
    ("payments_admin.deposits_console", _l("Deposit refunds"), (Role.OPERATOR,)),
    ("statements.everything", _l("All statements"), (Role.REGISTRAR, Role.OPERATOR)),
    ("statements.disbursements", _l("Disbursements"), (Role.OPERATOR,)),
    ("claims.queue", _l("Claim review"), (Role.OPERATOR, Role.COUNTY_BUREAU, Role.CITY_BUREAU)),
]


def format_datetime(value: dt.datetime | None, with_time: bool = True) -> str:
    if value is None:
        return "—"
    local = to_local(value)
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def format_money(value: Decimal | None) -> str:
    if value is None:
        return "—"
    if str(get_locale()).startswith("zh"):  # 万元 from ten thousand, 元 below: never a ¥ beside 万元 on one page
        if abs(value) >= 10000:
            return f"{(value / 10000).quantize(Decimal('0.01')):,} 万元"
        return f"{value:,.2f} 元"
    return f"¥{value:,.2f}"


def staff_nav() -> list[tuple[str, Any]]:
    if not current_user.is_authenticated:
        return []
    return [(endpoint, label) for endpoint, label, roles in NAV_STAFF if current_user.has_role(*roles)]


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_money, "money")

    @app.context_processor
    def globals_() -> dict[str, Any]:
        return {
            "languages": LANGUAGES,
            "current_locale": str(get_locale()),
            "staff_nav": staff_nav,
            "Role": Role,
            "request_path": request.full_path.rstrip("?") if request else "/",
            "org_status_label": lambda s: STATUS_LABELS.get(s, s),
            "org_type_label": lambda t: ORG_TYPE_LABELS.get(t, t),
            "region_kind_label": lambda k: REGION_KIND_LABELS.get(k, k),
            "member_role_label": lambda r: MEMBER_ROLE_LABELS.get(r, r),
            "listing_board_label": lambda b: LISTING_BOARDS.get(b or "", b),
        }
