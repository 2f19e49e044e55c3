"""Rate-limit checks only on the requests that some limit covers.

Flask-Limiter checks every request in a ``before_request`` hook, even where no limit applies (the home page,
assets, most pages): about a fifth of a cached page's cost. Its ``@limiter.limit`` decorator checks the
decorated view itself when it is called (sign-in, registration, password reset, upload), so that hook is
needed only for limits that are not on a view: blueprint limits (the JSON API), and application, default or
meta limits if any are ever configured (then every request is checked, as before).
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter


def confine_rate_limit_checks(app: Flask, limiter: Limiter) -> None:
    """Swap the hook ``limiter.init_app(app)`` installed for one that calls it only where a limit applies."""
    hooks = app.before_request_funcs.setdefault(None, [])
    check = limiter._check_request_limit  # the hook Limiter.init_app registers
    if check not in hooks:  # RATELIMIT_ENABLED is off: init_app installed nothing
        return
    covered: dict[str | None, bool] = {}  # blueprint name -> does any limit apply to its requests

    def applies(blueprint: str | None) -> bool:
        found = covered.get(blueprint)
        if found is None:  # worked out once per blueprint, at its first request (limits may be callables)
            manager = limiter.limit_manager
            everywhere = bool(manager.application_limits or manager.default_limits or limiter._meta_limits)
            found = covered[blueprint] = everywhere or bool(blueprint and manager.blueprint_limits(app, blueprint))
        return found

    def check_rate_limits() -> None:
        if applies(request.blueprint):
            check()

    hooks[hooks.index(check)] = check_rate_limits
