"""What the policy pages share: who may open them, the calculator named in the URL, rule-set titles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from techmarket.accounts.services import actor_for
from techmarket.core.i18n import is_chinese
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.policy import CALCULATORS, Calculator
from techmarket.rulesets import queries, services


def members_only(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    @login_required
    def inner(*args: Any, **kwargs: Any) -> Any:
        services.require_calculator_access(db.session, actor_for(current_user))
        return view(*args, **kwargs)

    return inner


def operator_only(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    @login_required
    def inner(*args: Any, **kwargs: Any) -> Any:
        if not current_user.has_role(Role.OPERATOR):
            abort(403)
        return view(*args, **kwargs)

    return inner


def calculator_or_404(name: str) -> Calculator:
    calculator = CALCULATORS.get(name)
    if calculator is None:
        abort(404)
    return calculator


def titles() -> dict[str, str]:
    zh = is_chinese()
    return {name: (t_zh if zh else t_en) for name, (t_zh, t_en) in queries.titles(db.session).items()}
