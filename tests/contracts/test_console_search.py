"""The contract search: every filter, the query in the address, bad input beside its field, CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from flask.testing import FlaskClient

from techmarket.contracts import registration
from techmarket.contracts.data import InstalmentData
from techmarket.contracts.models import Contract
from techmarket.core.roles import Role
from tests.contracts.builders import Deal, contract_data, deal, registered, submitted
from tests.factories import Factories


@dataclass
class World:
    a: Contract  # 包头, patent transfer, technical 1,000,000, registered today
    b: Contract  # 鄂尔多斯, commissioned development, technical 600,000, registered in March 2026
    c: Contract  # 包头, technical service, 300,000, submitted only
    client: FlaskClient


def _deal_in(make: Factories, division: str) -> Deal:
    seller, buyer = make.user(Role.RESEARCHER), make.user(Role.ENTERPRISE)
    seller_org = make.org(seller, status="verified", name=f"鄂尔多斯氢能研究院{seller.id}", division=division)
    buyer_org = make.org(buyer, status="verified", name=f"准格尔旗煤化工有限公司{buyer.id}", division="150622")
    return Deal(seller, seller_org, buyer, buyer_org)


def _plain(d: Deal, type_key: str, total: str, signed: dt.date) -> object:
    amount = Decimal(total)
    return contract_data(d, type_key=type_key, total_amount=amount, signed_on=signed, non_tech=[],
                         instalments=[InstalmentData(due_on=signed + dt.timedelta(days=30), amount=amount)])


@pytest.fixture()
def world(make: Factories, signin, monkeypatch: pytest.MonkeyPatch) -> World:
    a = registered(make, deal(make), None)  # signed ten days ago, total 1,200,000 less 200,000 equipment
    with monkeypatch.context() as m:
        m.setattr(registration, "local_today", lambda: dt.date(2026, 3, 10))
        d = _deal_in(make, "150602")
        b = registered(make, d, _plain(d, "development.commissioned", "600000.00", dt.date(2026, 2, 1)))
    d = deal(make)
    c = submitted(d, _plain(d, "service.service", "300000.00", dt.date(2026, 10, 15)))
    return World(a, b, c, signin(make.user(Role.REGISTRAR)))


def _ids(client: FlaskClient, query: str, status: int = 200) -> list[int]:
    resp = client.get("/admin/contracts/search" + query)
    assert resp.status_code == status, resp.get_data(as_text=True)[:2000]
    html = resp.get_data(as_text=True)
    return [int(x) for x in re.findall(r'data-testid="result-row" data-contract-id="(\d+)"', html)]


def test_no_filter_lists_everything_latest_registration_first(world: World) -> None:
    assert _ids(world.client, "") == [world.a.id, world.b.id, world.c.id]


def test_registration_number_exact_or_prefix(world: World) -> None:
    number = world.a.registration_number
    assert number and number.startswith("2026") and world.b.registration_number.startswith("2026")
    assert _ids(world.client, f"?number={number}") == [world.a.id]
    assert _ids(world.client, f"?number={number[:8]}") == [world.a.id]  # year and 盟市 of 包头
    assert _ids(world.client, "?number=2026") == [world.a.id, world.b.id]
    assert _ids(world.client, "?number=2025") == []
    assert _ids(world.client, "?number=%25") == [] and _ids(world.client, "?number=_") == []  # no wildcards


def test_party_by_name_or_credit_code_in_any_role(world: World) -> None:
    buyer_b = world.b.buyer
    assert buyer_b is not None and buyer_b.credit_code
    assert _ids(world.client, "?party=准格尔旗煤化工") == [world.b.id]  # a buyer's name
    assert _ids(world.client, "?party=氢能研究院") == [world.b.id]  # a seller's name
    assert _ids(world.client, f"?party={buyer_b.credit_code}") == [world.b.id]
    assert _ids(world.client, f"?party={buyer_b.credit_code[:-3].lower()}") == [world.b.id]
    assert set(_ids(world.client, "?party=稀土研究院")) == {world.a.id, world.c.id}


def test_type_subtype_and_status(world: World) -> None:
    assert _ids(world.client, "?type=development") == [world.b.id]
    assert _ids(world.client, "?type=development.commissioned") == [world.b.id]
    assert _ids(world.client, "?type=development.cooperative") == []
    assert _ids(world.client, "?type=transfer.patent") == [world.a.id]
    assert _ids(world.client, "?status=registered") == [world.a.id, world.b.id]
    assert _ids(world.client, "?status=submitted") == [world.c.id]
    assert _ids(world.client, "?status=refused") == []


def test_technical_amount_range(world: World) -> None:
    assert _ids(world.client, "?amount_min=500000&amount_max=1000000") == [world.a.id, world.b.id]
    assert _ids(world.client, "?amount_min=70万") == [world.a.id]
    assert _ids(world.client, "?amount_max=300,000") == [world.c.id]
    assert _ids(world.client, "?amount_min=1000000.01") == []


def test_registration_and_signing_dates(world: World) -> None:
    assert _ids(world.client, "?date_from=2026-03-01&date_to=2026-03-31") == [world.b.id]
    assert _ids(world.client, "?date_kind=registered&date_from=2026-03-10&date_to=2026-03-10") == [world.b.id]
    assert _ids(world.client, "?date_kind=signed&date_from=2026-10-01&date_to=2026-10-31") == [world.c.id]
    assert _ids(world.client, "?date_kind=signed&date_to=2026-02-01") == [world.b.id]


def test_prefecture_of_the_seller_and_combinations(world: World) -> None:
    assert world.a.prefecture_code == "150200" and world.b.prefecture_code == "150600"
    assert _ids(world.client, "?prefecture=150600") == [world.b.id]
    assert _ids(world.client, "?prefecture=150200") == [world.a.id, world.c.id]
    assert _ids(world.client, "?prefecture=150200&status=registered&type=transfer&amount_min=1000000") == [world.a.id]
    assert _ids(world.client, "?prefecture=150100") == []


def test_the_address_carries_the_query_into_the_pager_and_the_export(world: World) -> None:
    html = world.client.get("/admin/contracts/search?prefecture=150200&per_page=1").get_data(as_text=True)
    assert 'value="150200" selected' in html
    assert "prefecture=150200" in html and "page=2" in html
    assert _ids(world.client, "?prefecture=150200&per_page=1&page=2") == [world.c.id]
    assert "/admin/contracts/search/export.csv?prefecture=150200" in html


BAD = [
    ("amount_min=abc", "amount_min", "abc"),
    ("amount_min=-5", "amount_min", "-5"),
    ("amount_max=1e999", "amount_max", "1e999"),
    ("amount_min=NaN", "amount_min", "NaN"),
    ("amount_min=900000&amount_max=100", "amount_max", "100"),
    ("date_from=2026-02-30", "date_from", "2026-02-30"),
    ("date_to=yesterday", "date_to", "yesterday"),
    ("date_from=99999-01-01", "date_from", "99999-01-01"),
    ("date_from=2026-05-01&date_to=2026-04-01", "date_to", "2026-04-01"),
    ("type=barter", "type", "barter"),
    ("type=transfer.nothing", "type", "transfer.nothing"),
    ("status=lost", "status", "lost"),
    ("prefecture=150207", "prefecture", "150207"),  # a county, not a 盟市
    ("prefecture=999999", "prefecture", "999999"),
    ("date_kind=submitted", "date_kind", None),
    ("number=" + "1" * 41, "number", "1" * 41),
    ("party=" + "名" * 201, "party", "名" * 201),
]


def test_bad_input_is_marked_beside_its_field_and_kept(world: World) -> None:
    for query, field, kept in BAD:  # one world for all (building it is the slow part)
        other = ("number", "2026") if field == "party" else ("party", "稀土")
        resp = world.client.get(f"/admin/contracts/search?{query}&{other[0]}={other[1]}")
        html = resp.get_data(as_text=True)
        assert resp.status_code == 400, query
        assert f'id="{field}-error"' in html and 'data-testid="search-errors"' in html, query
        assert re.search(rf'aria-describedby="({field}-help )?{field}-error"', html), query
        if kept is not None:
            assert f'value="{kept}"' in html, query
        assert 'data-testid="search-results"' not in html, query  # no half-filtered list
        assert f'name="{other[0]}" value="{other[1]}"' in html, query  # the other input stays too


def test_export_is_the_filtered_list_as_csv(world: World) -> None:
    resp = world.client.get("/admin/contracts/search/export.csv?status=registered")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    text = resp.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 3
    numbers = [r[0] for r in rows[1:]]
    assert numbers == [world.a.registration_number, world.b.registration_number]
    assert rows[1][-1] == "1000000.00" and rows[2][-1] == "600000.00"
    assert world.b.buyer.name in rows[2]


def test_export_with_bad_input_answers_400(world: World) -> None:
    assert world.client.get("/admin/contracts/search/export.csv?amount_min=x").status_code == 400
