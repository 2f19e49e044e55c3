"""What a user types for a listing: amounts, keywords, patent numbers, dates, choices; and nothing half-saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from techmarket.core.audit import AuditEntry
from techmarket.core.clock import local_today
from techmarket.core.errors import ValidationFailed
from techmarket.extensions import db
from techmarket.listings import services
from techmarket.listings.constants import MAX_AMOUNT, Kind
from techmarket.listings.data import IPItemData, ListingData, parse_amount, split_keywords, validate
from techmarket.listings.models import Listing
from tests.factories import Factories
from tests.listings.services_support import achievement, count, demand, new_owner, patent

TODAY = local_today()


def errors(data: ListingData, kind: Kind = Kind.ACHIEVEMENT) -> dict[str, Any]:
    return {k: str(v) for k, v in validate(db.session, kind, data).items()}


@pytest.mark.parametrize(("raw", "yuan"), [
    ("120万", Decimal("1200000.00")), ("1,200,000", Decimal("1200000.00")), (" 5000.50 ", Decimal("5000.50")),
    ("1，200元", Decimal("1200.00")), ("0.5万", Decimal("5000.00")), ("１２０万", Decimal("1200000.00")),
    ("-5", Decimal("-5.00")), ("", None), ("   ", None), (None, None),
])
def test_parse_amount(raw: str | None, yuan: Decimal | None) -> None:
    assert parse_amount(raw) == yuan


@pytest.mark.parametrize("raw", ["abc", "12万万", "1.2.3", "NaN", "Infinity", "1e30", "9" * 40])
def test_parse_amount_rejects_what_is_not_a_sane_number(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(raw)


def test_split_keywords() -> None:
    assert split_keywords("稀土, 永磁，钕铁硼、稀土; 电机 ,") == ["稀土", "永磁", "钕铁硼", "电机"]
    assert split_keywords("") == []


def test_complete_achievement_and_demand_are_valid(app: Flask) -> None:
    assert errors(achievement()) == {}
    assert errors(demand(), Kind.DEMAND) == {}


@pytest.mark.parametrize(("number", "normalised"), [
    ("201710601862.3", "201710601862.3"), ("ZL201710601862.3", "201710601862.3"), ("ZL95115608.X", "95115608.X"),
])
def test_valid_patent_numbers_are_accepted_and_normalised(app: Flask, number: str, normalised: str) -> None:
    data = achievement(ip_items=[IPItemData("invention", number, "granted", "t")])
    assert errors(data) == {}
    assert data.ip_items[0].number == normalised


@pytest.mark.parametrize(("number", "problem"), [
    ("201710601862.4", "should be 3"),  # wrong check digit
    ("201710601862.?", "use the form"),  # not even the form
    (patent("201740601862"), "kind digit 4"),  # right check digit, but 4 is no patent kind
    ("95115608.7", "should be X"),  # old 8-digit form, wrong check digit
    ("12345", "use the form"),
])
def test_wrong_patent_numbers_are_explained_per_item(app: Flask, number: str, problem: str) -> None:
    items = [IPItemData("invention", patent(), "granted", "ok"), IPItemData("utility_model", number, "granted", "bad")]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        found = errors(achievement(ip_items=items))
    assert set(found) == {"ip_items-1"}
    assert problem in found["ip_items-1"] and "item 2" in found["ip_items-1"]


def test_patent_problem_in_chinese_by_default(app: Flask) -> None:
    found = errors(achievement(ip_items=[IPItemData("invention", "201710601862.4", "granted", "t")]))
    assert "应为 3" in found["ip_items-0"]


def test_other_ip_items(app: Flask) -> None:
    assert errors(achievement(ip_items=[IPItemData("know_how", "", "registered", "工艺参数包")])) == {}
    assert errors(achievement(ip_items=[IPItemData("software", "2023SR0456789", "registered", "软件")])) == {}
    assert set(errors(achievement(ip_items=[IPItemData("software", "", "registered", "软件")]))) == {"ip_items-0"}
    assert set(errors(achievement(ip_items=[IPItemData("trade_secret", "", "granted", "x")]))) == {"ip_items-0"}
    assert set(errors(achievement(ip_items=[IPItemData("invention", patent(), "stolen", "x")]))) == {"ip_items-0"}
    many = [IPItemData("know_how", "", "registered", f"{n}") for n in range(21)]
    assert "ip_items" in errors(achievement(ip_items=many))


@pytest.mark.parametrize(("overrides", "field"), [
    ({"amount_min": Decimal("-1")}, "amount_min"),
    ({"amount_max": Decimal(MAX_AMOUNT) + 1}, "amount_max"),
    ({"amount_min": Decimal("2000000"), "amount_max": Decimal("1000000")}, "amount_max"),
    ({"amount_min": None, "amount_max": None}, "amount_min"),  # neither an amount nor 面议
])
def test_amount_problems(app: Flask, overrides: dict[str, Any], field: str) -> None:
    assert set(errors(achievement(**overrides))) == {field}


def test_amounts_that_are_fine(app: Flask) -> None:
    assert errors(achievement(amount_min=Decimal(MAX_AMOUNT), amount_max=Decimal(MAX_AMOUNT))) == {}
    assert errors(achievement(amount_min=Decimal("1200000"), amount_max=None)) == {}  # one price
    assert errors(achievement(amount_min=None, amount_max=Decimal("500000"))) == {}  # up to
    # 面议: no amount needed, and an inverted range does not matter (the amounts are dropped on saving)
    assert errors(achievement(negotiable=True, amount_min=None, amount_max=None)) == {}
    assert errors(achievement(negotiable=True, amount_min=Decimal("9"), amount_max=Decimal("1"))) == {}
    assert set(errors(achievement(negotiable=True, amount_min=Decimal("-9")))) == {"amount_min"}


@pytest.mark.parametrize(("kind", "overrides", "field"), [
    (Kind.ACHIEVEMENT, {"valid_until": TODAY - dt.timedelta(days=1)}, "valid_until"),
    (Kind.ACHIEVEMENT, {"valid_until": TODAY + dt.timedelta(days=3 * 366 + 1)}, "valid_until"),
    (Kind.DEMAND, {"deadline": TODAY - dt.timedelta(days=1)}, "deadline"),
    (Kind.DEMAND, {"valid_until": TODAY + dt.timedelta(days=30), "deadline": TODAY + dt.timedelta(days=31)},
     "deadline"),
])
def test_date_problems(app: Flask, kind: Kind, overrides: dict[str, Any], field: str) -> None:
    data = achievement(**overrides) if kind == Kind.ACHIEVEMENT else demand(**overrides)
    assert set(errors(data, kind)) == {field}


def test_dates_that_are_fine(app: Flask) -> None:
    assert errors(achievement(valid_until=TODAY)) == {}
    assert errors(achievement(valid_until=None)) == {}
    assert errors(demand(valid_until=TODAY + dt.timedelta(days=30), deadline=TODAY + dt.timedelta(days=30)),
                  Kind.DEMAND) == {}
    assert errors(demand(deadline=TODAY), Kind.DEMAND) == {}


def test_fiscal_funding_needs_the_approval_document(app: Flask) -> None:
    assert set(errors(achievement(fiscal_funded=True))) == {"approval_document"}
    assert errors(achievement(fiscal_funded=True, approval_document="内科发〔2024〕12号")) == {}


@pytest.mark.parametrize(("kind", "overrides", "field"), [
    (Kind.ACHIEVEMENT, {"fields": ["unobtainium"]}, "fields"),
    (Kind.ACHIEVEMENT, {"fields": ["rare_earth", "alchemy"]}, "fields"),
    (Kind.ACHIEVEMENT, {"fields": []}, "fields"),
    (Kind.ACHIEVEMENT, {"modes": ["barter"]}, "modes"),
    (Kind.ACHIEVEMENT, {"modes": []}, "modes"),
    (Kind.ACHIEVEMENT, {"keywords": [f"词{n}" for n in range(11)]}, "keywords"),
    (Kind.ACHIEVEMENT, {"title": "技术"}, "title"),
    (Kind.ACHIEVEMENT, {"title": "稀" * 201}, "title"),
    (Kind.ACHIEVEMENT, {"summary": "  "}, "summary"),
    (Kind.ACHIEVEMENT, {"maturity": ""}, "maturity"),
    (Kind.ACHIEVEMENT, {"maturity": "rumour"}, "maturity"),
    (Kind.ACHIEVEMENT, {"trl": 10}, "trl"),
    (Kind.ACHIEVEMENT, {"trl": 0}, "trl"),
    (Kind.ACHIEVEMENT, {"division_code": "150000"}, "division_code"),  # the region itself is not a place
    (Kind.ACHIEVEMENT, {"division_code": "110108"}, "division_code"),  # not in Inner Mongolia
    (Kind.DEMAND, {"confidentiality": "secret"}, "confidentiality"),
    (Kind.DEMAND, {"description": ""}, "description"),
])
def test_choice_and_text_problems(app: Flask, kind: Kind, overrides: dict[str, Any], field: str) -> None:
    data = achievement(**overrides) if kind == Kind.ACHIEVEMENT else demand(**overrides)
    assert set(errors(data, kind)) == {field}


def test_choices_that_are_fine(app: Flask) -> None:
    assert errors(achievement(keywords=[f"词{n}" for n in range(10)])) == {}
    data = achievement(fields=["graphene", "rare_earth", "graphene"], modes=["equity", "transfer", "equity"],
                       division_code="152921", title="  石墨烯导电浆料  ")
    assert errors(data) == {}
    assert (data.fields, data.modes) == (["graphene", "rare_earth"], ["equity", "transfer"])
    assert data.title == "石墨烯导电浆料"


def test_several_problems_at_once_and_nothing_saved(app: Flask, make: Factories,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    audit_before = count(AuditEntry)
    bad = achievement(title="x", fields=["nope"], amount_min=Decimal("-1"), fiscal_funded=True,
                      valid_until=TODAY - dt.timedelta(days=1),
                      ip_items=[IPItemData("invention", "201710601862.4", "granted", "t")])
    with pytest.raises(ValidationFailed) as caught:
        services.create(db.session, who.actor, who.org, Kind.ACHIEVEMENT, bad)
    assert set(caught.value.field_errors) == {"title", "fields", "amount_min", "approval_document", "valid_until",
                                              "ip_items-0"}
    db.session.rollback()
    assert count(Listing) == 0 and count(AuditEntry) == audit_before
