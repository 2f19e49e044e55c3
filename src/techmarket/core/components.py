"""Typed access to the application's third-party components (search, jobs, mail, payments).

Each component is registered under the small interface it implements (a ``Protocol`` or class), and looked up
by that interface, so callers get a typed object instead of ``current_app.extensions["…"]`` typed ``Any``
(Warehouse's ``request.find_service(IFace)``, without the framework)::

    provide(app, JobQueue, make_queue(app))      # create_app
    component(JobQueue).enqueue("techmarket…")    # anywhere inside an application context
"""

from __future__ import annotations

from typing import TypeVar, cast

from flask import Flask, current_app

T = TypeVar("T")

_KEY = "techmarket.components"


def provide(app: Flask, interface: type[T], implementation: T) -> T:
    app.extensions.setdefault(_KEY, {})[interface] = implementation
    return implementation


def component(interface: type[T], app: Flask | None = None) -> T:
    """The implementation of ``interface`` registered on ``app`` (the current application by default)."""
    target = app if app is not None else current_app
    try:
        return cast(T, target.extensions[_KEY][interface])
    except KeyError:
        raise LookupError(f"no {interface.__name__} is configured on this application") from None


def has_component(interface: type[object], app: Flask | None = None) -> bool:
    target = app if app is not None else current_app
    return interface in target.extensions.get(_KEY, {})
