"""What the challenge pages share: who is looking, paging, loading what the viewer may see, running a step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, current_app, flash, redirect, request
from flask_login import current_user
from werkzeug.wrappers import Response

from techmarket.accounts.services import actor_for
from techmarket.challenges import access, applications
from techmarket.challenges.constants import PUBLIC_STATUSES
from techmarket.challenges.models import Application, Call
from techmarket.core.actor import ANONYMOUS, Actor
from techmarket.core.errors import ValidationFailed
from techmarket.core.inputs import parse_int
from techmarket.core.pagination import clamp
from techmarket.extensions import db


def actor() -> Actor:
    return actor_for(current_user) if current_user.is_authenticated else ANONYMOUS


def paging(param: str = "page") -> tuple[int, int]:
    """The page asked for in ``param`` (a page with several lists pages each with its own parameter)."""
    return clamp(request.args.get(param), request.args.get("per_page"), int(current_app.config.get("PER_PAGE", 20)))


def visible_call(call_id: int) -> Call:
    """A published call for everyone; a draft or one under the operator's review for its poster and the operator."""
    call = db.session.get(Call, call_id)
    if call is None or (call.status not in PUBLIC_STATUSES and not access.is_poster(db.session, actor(), call)):
        abort(404)
    return call


def visible_application(application_id: int) -> Application:
    app = db.session.get(Application, application_id)
    if app is None or not applications.may_view(db.session, actor(), app):
        abort(404)
    return app


def get_or_404(model: type, object_id: int) -> Any:
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def run(step: Callable[..., Any], *args: Any, success: Any, back: str, **kwargs: Any) -> Response:
    """Take a step: commit and say so, or roll back and show why (a bad input changes nothing)."""
    try:
        step(*args, **kwargs)
    except ValidationFailed as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
        for message in exc.field_errors.values():
            if str(message) != str(exc.message):
                flash(str(message), "danger")
        return redirect(back)
    db.session.commit()
    flash(str(success), "success")
    return redirect(back)


def form_version(raw: Any) -> int | None:
    return parse_int(raw, lo=0)
