"""What the reporting pages share: who is looking, paging, the staff check and the ECharts file."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from techmarket.accounts.services import actor_for
from techmarket.core.actor import ANONYMOUS, Actor
from techmarket.core.errors import PermissionDenied
from techmarket.core.pagination import clamp
from techmarket.core.roles import Role
from techmarket.reporting.queries import sees_console

ECHARTS = Path("node_modules") / "echarts" / "dist" / "echarts.min.js"


def actor() -> Actor:
    return actor_for(current_user) if current_user.is_authenticated else ANONYMOUS


def paging() -> tuple[int, int]:
    return clamp(request.args.get("page"), request.args.get("per_page"), int(current_app.config.get("PER_PAGE", 20)))


def require_staff(who: Actor) -> None:
    if not sees_console(who):
        raise PermissionDenied(_l("The statistics console is for the market operator and registrars."))


def require_operator(who: Actor) -> None:
    if not who.has(Role.OPERATOR):
        raise PermissionDenied(_l("Only the market operator does this."))


def echarts_path() -> Path | None:
    """The ECharts file ``make install`` fetched from npm (``vendor/``, never committed), or None."""
    folder = Path(current_app.config.get("VENDOR_PATH") or Path(current_app.root_path).parents[1] / "vendor")
    path = folder / ECHARTS
    return path if path.is_file() else None
