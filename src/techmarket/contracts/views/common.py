"""What the contract pages share: who is looking, paging, loading a contract the viewer may see, and the way
back to it after a form."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from techmarket.accounts.services import actor_for
from techmarket.contracts.models import Contract
from techmarket.contracts.services import can_view
from techmarket.core.actor import ANONYMOUS, Actor
from techmarket.core.pagination import clamp
from techmarket.extensions import db


def actor() -> Actor:
    return actor_for(current_user) if current_user.is_authenticated else ANONYMOUS


def paging() -> tuple[int, int]:
    return clamp(request.args.get("page"), request.args.get("per_page"), int(current_app.config.get("PER_PAGE", 20)))


def visible_contract(contract_id: int) -> Contract:
    """The contract if the current user may see it; 404 otherwise (a stranger learns nothing)."""
    contract = db.session.get(Contract, contract_id)
    if contract is None or not can_view(db.session, actor(), contract):
        abort(404)
    return contract


def back_to(contract_id: int, anchor: str = "") -> Response:
    return redirect(url_for("contracts.detail", contract_id=contract_id) + (f"#{anchor}" if anchor else ""))


def back_to_contract(form: FlaskForm, contract_id: int, success: str, anchor: str = "") -> Response:
    """Commit and say so, or roll back and show the form's errors as messages on the contract page (each
    contract form posts to its own address and comes back to the contract)."""
    problems = [*form.form_errors, *[e for errs in form.errors.values() for e in flat_errors(errs)]]
    if problems:
        db.session.rollback()
        for message in problems:
            flash(str(message), "danger")
    else:
        db.session.commit()
        flash(success, "success")
    return back_to(contract_id, anchor)


def flat_errors(errors: Any) -> list[Any]:
    if isinstance(errors, dict):
        return [e for v in errors.values() for e in flat_errors(v)]
    if isinstance(errors, list | tuple):
        return [e for v in errors for e in flat_errors(v)]
    return [errors]
