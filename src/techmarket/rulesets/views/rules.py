"""The operator's rule-set console: the rule sets, their versions, a new version."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from techmarket.accounts.services import actor_for
from techmarket.core.clock import local_today
from techmarket.core.forms import submit
from techmarket.core.i18n import is_chinese
from techmarket.core.inputs import parse_int
from techmarket.extensions import db
from techmarket.policy import CALCULATORS, PolicyError, RuleNotInForce, diff_params
from techmarket.rulesets import queries, services
from techmarket.rulesets.forms import RuleSetForm
from techmarket.rulesets.views.common import operator_only


@operator_only
def rules() -> str:
    book = services.rulebook(db.session)
    today = local_today()
    rows = []
    for name in book.names():
        try:
            in_force = book.resolve(name, today)
        except RuleNotInForce:
            in_force = None
        rows.append((book.latest(name), in_force, len(book.versions(name))))
    users = {name: [c for c in CALCULATORS.values() if name in c.rule_set_names] for name in book.names()}
    return render_template("policy/rules.html", rows=rows, users=users, zh=is_chinese(), today=today)


@operator_only
def rule_set(name: str) -> str:
    versions = queries.versions(db.session, name)
    if not versions:
        abort(404)
    try:
        in_force = services.rulebook(db.session).resolve(name, local_today()).version
    except PolicyError:
        in_force = None
    return render_template("policy/rule_set.html", name=name, versions=versions, latest=versions[0],
                           in_force=in_force, zh=is_chinese())


@operator_only
def rule_version(name: str, number: int) -> str:
    row = queries.version(db.session, name, number) or abort(404)
    previous = queries.version(db.session, name, number - 1) if number > 1 else None
    changes = diff_params(previous.to_rule_set(), row.to_rule_set()) if previous else []
    meta = []
    if previous is not None:
        for key, label in (("effective_from", _("Takes effect on")), ("source", _("Source")),
                           ("example", _("Example"))):
            before, after = getattr(previous, key), getattr(row, key)
            if before != after:
                meta.append((label, before, after))
    return render_template("policy/rule_version.html", row=row, previous=previous, changes=changes,
                           meta=meta, params=json.dumps(row.params, ensure_ascii=False, indent=2), zh=is_chinese())


@operator_only
def rule_edit(name: str) -> str | Response:
    book = services.rulebook(db.session)
    if name not in book.names():
        abort(404)
    latest = book.latest(name)
    form = RuleSetForm()
    if request.method == "GET":
        form.params.data = json.dumps(latest.to_json()["params"], ensure_ascii=False, indent=2)
        form.effective_from.data = max(local_today(), latest.effective_from)
        form.source.data = latest.source
        form.example.data = latest.example
        form.base_version.data = str(latest.version)
    if form.validate_on_submit():
        base = parse_int(form.base_version.data, lo=0)
        row = submit(form, services.new_version, db.session, actor_for(current_user), name, form.params.data,
                     form.effective_from.data, form.source.data or "", form.note.data or "",
                     example=bool(form.example.data), base_version=base)
        if row is not None:
            db.session.commit()
            flash(_("Saved as version %(v)d. The previous versions are kept.", v=row.version), "success")
            return redirect(url_for("policy.rule_version", name=name, number=row.version))
    return render_template("policy/rule_edit.html", form=form, latest=latest, zh=is_chinese())
