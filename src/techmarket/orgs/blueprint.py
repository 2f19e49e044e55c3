"""The organisation blueprint: its URL table (the handlers are in views/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

from techmarket.orgs.views import members, organisations

bp = Blueprint("orgs", __name__, url_prefix="/orgs")

URLS: tuple[tuple[str, Callable[..., Any], list[str]], ...] = (
    ("/", organisations.mine, ["GET"]),
    ("/new", organisations.create, ["GET", "POST"]),
    ("/<int:org_id>", organisations.detail, ["GET"]),
    ("/<int:org_id>/edit", organisations.edit, ["GET", "POST"]),
    ("/<int:org_id>/invite", members.invite, ["POST"]),
    ("/invitations/<token>", members.accept, ["GET", "POST"]),
    ("/invitations/<int:inv_id>/revoke", members.revoke, ["POST"]),
    ("/<int:org_id>/members/<int:member_id>/remove", members.remove_member, ["POST"]),
    ("/<int:org_id>/members/<int:member_id>/role", members.member_role, ["POST"]),
)

for _rule, _view, _methods in URLS:
    bp.add_url_rule(_rule, _view.__name__, _view, methods=_methods)
