"""Rule-set services: new versions (operator only, checked, never overwriting), saving snapshots."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import delete, select

from techmarket.accounts.services import actor_for
from techmarket.core.actor import Actor
from techmarket.core.audit import history
from techmarket.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.policy import DEFAULT_RULE_SETS
from techmarket.rulesets import queries, services
from techmarket.rulesets.models import RuleSetVersion, SavedCalculation
from tests.rulesets.support import TRANSFER_CASE, member_with_org

INDIRECT = "indirect-cost-cap"


@pytest.fixture(autouse=True)
def _request(app: Flask) -> Iterator[None]:
    """Services raise errors with lazily translated messages, which read the request's language."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def _params(name: str) -> dict:
    return json.loads(json.dumps(queries.versions(db.session, name)[0].params))


def _edit(actor: Actor, name: str = INDIRECT, change=None, **kw):
    params = _params(name)
    if change:
        change(params)
    kw.setdefault("effective_from", dt.date(2026, 1, 1))
    kw.setdefault("source", "科技兴蒙 (二十三); 运营方修订")
    return services.new_version(db.session, actor, name, json.dumps(params), note=kw.pop("note", ""), **kw)


def _raise_first_band(params: dict) -> None:
    params["bands"][0]["rate"] = "0.35"


def _field_errors(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {k: str(v) for k, v in exc.value.field_errors.items()}


def test_operator_saves_a_new_version_and_keeps_the_old_one(make):
    operator = make.operator()
    row = _edit(actor_for(operator), change=_raise_first_band, note="试行提高")
    db.session.commit()
    versions = queries.versions(db.session, INDIRECT)
    assert [v.version for v in versions] == [2, 1]
    v1 = next(rs for rs in DEFAULT_RULE_SETS if rs.name == INDIRECT)
    assert versions[1].to_rule_set().to_json() == v1.to_json()  # version 1 untouched
    assert row.params["bands"][0]["rate"] == "0.35" and row.created_by_id == operator.id
    assert row.precedence == v1.precedence and row.title_zh == v1.title_zh and row.note == "试行提高"
    entry = history(db.session, "rule_set", INDIRECT)[-1]
    assert entry.action == "new_version" and entry.actor_id == operator.id
    assert entry.before["version"] == 1 and entry.after["version"] == 2
    # A third edit numbers on from the highest version.
    assert _edit(actor_for(operator), change=lambda p: p.update(theoretical_uplift="0.08")).version == 3


def test_numbers_typed_where_decimals_were_strings_are_kept_exact(make):
    params = _params(INDIRECT)
    text = json.dumps(params).replace('"0.30"', "0.3")
    assert "0.3," in text or "0.3}" in text
    row = services.new_version(db.session, actor_for(make.operator()), INDIRECT, text, dt.date(2026, 1, 1),
                               "科技兴蒙 (二十三)")
    assert row.params["bands"][0]["rate"] == "0.3"


@pytest.mark.parametrize(("roles", "label"), [((Role.ENTERPRISE,), "member"), ((Role.REGISTRAR,), "registrar")])
def test_only_the_operator_edits_rule_sets(make, roles, label):
    user = make.user(*roles)
    with pytest.raises(PermissionDenied):
        _edit(actor_for(user), change=_raise_first_band)
    with pytest.raises(PermissionDenied):
        _edit(Actor(user_id=None, label="anonymous"), change=_raise_first_band)
    assert [v.version for v in queries.versions(db.session, INDIRECT)] == [1]


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        (lambda p: p.pop("theoretical_uplift"), "params", "theoretical_uplift"),
        (lambda p: p.update(surprise="1"), "params", "surprise"),
        (lambda p: p["bands"][0].update(rate="lots"), "params", "bands[0].rate"),
        (lambda p: p["bands"][0].update(rate=True), "params", "bands[0].rate"),
        (lambda p: p.update(bands={"rate": "0.3"}), "params", "bands"),
        (lambda p: p["bands"][0].update(rate="1.5"), "params", "between 0 and 1"),
    ],
)
def test_params_keep_keys_types_and_decimals(make, change, field, fragment):
    with pytest.raises(ValidationFailed) as exc:
        _edit(actor_for(make.operator()), change=change)
    errors = _field_errors(exc)
    assert fragment in errors[field], errors
    assert [v.version for v in queries.versions(db.session, INDIRECT)] == [1]


def test_bad_json_dates_and_sources_are_refused(make):
    actor = actor_for(make.operator())
    with pytest.raises(ValidationFailed) as exc:
        services.new_version(db.session, actor, INDIRECT, "{not json", "2026-01-01", "x")
    assert "JSON" in _field_errors(exc)["params"]
    with pytest.raises(ValidationFailed) as exc:
        services.new_version(db.session, actor, INDIRECT, "[1, 2]", "2026-01-01", "x")
    assert "object" in _field_errors(exc)["params"]
    with pytest.raises(ValidationFailed) as exc:
        _edit(actor, change=_raise_first_band, effective_from=dt.date(2019, 1, 1), source="")
    errors = _field_errors(exc)
    assert "2020-10-12" in errors["effective_from"] and "source" in errors
    with pytest.raises(ValidationFailed) as exc:
        _edit(actor, change=_raise_first_band, effective_from="2026-02-30")
    assert "effective_from" in _field_errors(exc)
    with pytest.raises(ValidationFailed) as exc:
        _edit(actor, change=_raise_first_band, effective_from=dt.date(2300, 1, 1))
    assert "effective_from" in _field_errors(exc)


def test_an_unchanged_version_and_a_stale_edit_are_refused(make):
    actor = actor_for(make.operator())
    v1 = queries.versions(db.session, INDIRECT)[0]
    with pytest.raises(ValidationFailed) as exc:
        services.new_version(db.session, actor, INDIRECT, json.dumps(v1.params), v1.effective_from, v1.source)
    assert "Nothing changed" in _field_errors(exc)["params"]
    _edit(actor, change=_raise_first_band, base_version=1)
    db.session.commit()
    with pytest.raises(Conflict):
        _edit(actor, change=lambda p: p.update(theoretical_uplift="0.08"), base_version=1)
    with pytest.raises(NotFound):
        services.new_version(db.session, actor, "no-such-rules", "{}", "2026-01-01", "x")


def test_the_example_flag_can_be_cleared_when_the_operator_confirms_the_table(make):
    actor = actor_for(make.operator())
    v1 = queries.versions(db.session, "rd-investment-reward")[0]
    assert v1.example
    row = services.new_version(db.session, actor, "rd-investment-reward", json.dumps(v1.params),
                               dt.date(2026, 1, 1), v1.source, "已确认", example=False)
    assert row.example is False and row.version == 2


def test_a_saved_result_keeps_version_1_after_version_2_takes_effect_later(make):
    owner, org = member_with_org(make)
    result = services.calculate(db.session, "transfer-income-tax", TRANSFER_CASE, today=dt.date(2025, 6, 1))
    saved = services.save_calculation(db.session, actor_for(owner), org, "transfer-income-tax", TRANSFER_CASE,
                                      result, "2024 年度")
    db.session.commit()
    assert saved.rule_sets == [{"name": "transfer-income-tax", "version": 1},
                               {"name": "transfer-income-scope", "version": 1}]

    # The national threshold is raised for tax years from 2026 on (a later effective date).
    def raise_threshold(p: dict) -> None:
        p["exemption_threshold"] = "6000000.00"

    _edit(actor_for(make.operator()), "transfer-income-tax", raise_threshold, effective_from=dt.date(2026, 1, 1),
          source="假设的新国家规定")
    db.session.commit()
    db.session.expire_all()

    stored = db.session.get(SavedCalculation, saved.id)
    assert stored.result["exempt"] == "5000000.00" and stored.result["tax_on_gain"] == "375000.00"
    assert (stored.result["rule_sets"][0]["name"], stored.result["rule_sets"][0]["version"]) == (
        "transfer-income-tax", 1)
    assert stored.rule_sets[0] == {"name": "transfer-income-tax", "version": 1}
    # Recomputing 2024 still resolves version 1; a 2026 tax year uses version 2.
    again = services.calculate(db.session, "transfer-income-tax", TRANSFER_CASE)
    assert again["rule_sets"][0]["version"] == 1 and again["tax_saved"] == result["tax_saved"]
    later = services.calculate(db.session, "transfer-income-tax", {**TRANSFER_CASE, "tax_year": 2026})
    assert later["rule_sets"][0]["version"] == 2 and later["exempt"] == "6000000.00"
    with pytest.raises(RuntimeError):  # snapshots are immutable
        stored.label = "changed"
        db.session.flush()
    db.session.rollback()


def test_only_members_or_the_operator_save_to_an_organisation(make):
    owner, org = member_with_org(make)
    stranger, _other = member_with_org(make)
    result = services.calculate(db.session, INDIRECT, {"direct_costs": "1000000"})
    with pytest.raises(PermissionDenied):
        services.save_calculation(db.session, actor_for(stranger), org, INDIRECT, {}, result)
    with pytest.raises(ValidationFailed):
        services.save_calculation(db.session, actor_for(owner), org, "transfer-income-tax", {}, result)
    with pytest.raises(NotFound):
        services.save_calculation(db.session, actor_for(owner), org, "nope", {}, result)
    services.save_calculation(db.session, actor_for(make.operator()), org, INDIRECT, {}, result)
    services.save_calculation(db.session, actor_for(owner), org, INDIRECT, {}, result)
    db.session.commit()
    assert db.session.scalar(select(SavedCalculation.id).limit(1)) is not None
    assert len(history(db.session, "saved_calculation", 1) + history(db.session, "saved_calculation", 2)) == 2


def test_calculator_access_is_for_staff_and_members(make):
    services.require_calculator_access(db.session, actor_for(make.operator()))
    owner, _org = member_with_org(make)
    services.require_calculator_access(db.session, actor_for(owner))
    with pytest.raises(PermissionDenied):
        services.require_calculator_access(db.session, actor_for(make.user()))
    with pytest.raises(PermissionDenied):
        services.require_calculator_access(db.session, Actor(user_id=None, label="anonymous"))


def test_bad_input_becomes_field_errors(app):
    with pytest.raises(ValidationFailed) as exc:
        services.calculate(db.session, "transfer-income-tax", {"contracts": []})
    assert exc.value.field_errors["tax_year"]["code"] == "required"
    assert set(exc.value.field_errors["tax_year"]) == {"code", "en", "zh"}


def test_the_rule_book_falls_back_to_the_shipped_versions(app):
    db.session.execute(delete(RuleSetVersion))
    db.session.commit()
    book = services.rulebook(db.session)
    assert sorted(book.names()) == sorted(rs.name for rs in DEFAULT_RULE_SETS)
    assert services.calculate(db.session, INDIRECT, {"direct_costs": "1000000"})["cap"] == "300000.00"
    assert services.seed_defaults(db.session) == len(DEFAULT_RULE_SETS)
