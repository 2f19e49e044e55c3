"""A science-bureau user's account carries the division they work for: their actor has it and the statistics
console opens on their own 盟市 (a 旗县 bureau on the 盟市 above it)."""

from __future__ import annotations

from flask import Flask

from techmarket.accounts.services import actor_for
from techmarket.core.roles import Role
from tests.factories import Factories
from tests.incentives.support import bureau


def test_a_city_bureau_sees_its_own_prefecture_by_default(app: Flask, make: Factories, signin) -> None:
    city = bureau(make, Role.CITY_BUREAU, "150200")
    assert actor_for(city).division_code == "150200"
    assert actor_for(make.user(Role.ENTERPRISE)).division_code is None
    assert actor_for(make.user(Role.CITY_BUREAU)).division_code is None  # no area assigned yet

    client = signin(city)
    page = client.get("/admin/reporting/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<option value="150200" selected>' in html and 'id="tbl-claim-clause"' in html
    whole = client.get("/admin/reporting/?area=").get_data(as_text=True)
    assert '<option value="150200" selected>' not in whole

    county = bureau(make, Role.COUNTY_BUREAU, "150207")
    html = signin(county).get("/admin/reporting/").get_data(as_text=True)
    assert '<option value="150200" selected>' in html  # 旗县 → its 盟市

    # the operator's list of the bureaus' areas names each division (read by its code from the account)
    areas = signin(make.operator()).get("/claims/bureaus").get_data(as_text=True)
    assert "包头市 (150200)" in areas and "(150207)" in areas
