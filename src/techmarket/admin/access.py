"""Who may open the console's pages: the staff roles a handler names (the services check the role again)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from techmarket.core.roles import Role


def staff_only(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Let signed-in users with one of `roles` through; others get 403 (anonymous users the sign-in page)."""
    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def inner(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return inner

    return wrap
