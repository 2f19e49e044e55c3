"""The statistics pages: public and staff, filters, the CSV of a table, the area of division-scoped staff."""

from __future__ import annotations

import csv
import io

from flask import Flask

from techmarket.core.actor import Actor
from techmarket.core.clock import local_today
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.reporting import queries
from tests.factories import Factories


def test_public_and_staff_statistics(app: Flask, make: Factories, signin) -> None:
    listing = make.listing()
    client = app.test_client()
    page = client.get("/statistics/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-testid="headline-listing">1<' in html
    assert 'id="tbl-contract-type"' in html and "disbursement" not in html  # payments are for staff only
    today = local_today()
    got = client.get(f"/statistics/listing-prefecture.csv?from={today.year}-01&to={today.year}-{today.month:02d}")
    assert got.status_code == 200 and got.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(got.get_data(as_text=True).lstrip("\ufeff"))))
    counts = {r[0]: r[1] for r in rows[2:]}
    assert counts[listing.division.parent.name if listing.division.parent else listing.division.name] == "1"
    assert client.get("/statistics/nothing-here.csv").status_code == 404
    assert client.get("/statistics/disbursement-kind.csv").status_code == 404

    bad = client.get("/statistics/?from=2019-13&area=999999")
    assert bad.status_code == 400
    assert bad.get_data(as_text=True).count('data-testid="filter-error"') == 2

    registrar = make.user(Role.REGISTRAR)
    page = signin(registrar).get("/admin/reporting/")
    assert page.status_code == 200 and 'id="tbl-disbursement-kind"' in page.get_data(as_text=True)
    assert signin(make.user(Role.ENTERPRISE)).get("/admin/reporting/").status_code == 403

    county = Actor(1, "x", frozenset({Role.COUNTY_BUREAU}), division_code="150207")
    assert queries.area_of(db.session, county) == "150200"
    assert queries.area_of(db.session, Actor(1, "y")) is None
