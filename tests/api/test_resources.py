"""The read resources: organisations, contracts (parties' own, registrars' queue), inquiries, suggestions."""

from __future__ import annotations

from techmarket.core.roles import Role
from techmarket.demo.api_loader import DEMO_TOKEN, OWNER, load_api
from techmarket.extensions import db
from techmarket.orgs.models import Membership
from tests.api.support import bearer, make_token


def test_organisations_show_public_facts_of_verified_ones_and_the_demo_token_works(client, make) -> None:
    owner = make.user(email=OWNER)
    verified = make.org(owner, status="verified")
    make.listing(verified, status="draft")
    assert load_api(db.session) == 1 and load_api(db.session) == 0  # the demo's token, once
    db.session.commit()
    mine = client.get("/api/v1/listings?mine=true", headers=bearer(DEMO_TOKEN)).get_json()["items"]
    assert [i["status"] for i in mine] == ["draft"]
    pending = make.org()
    ids = [o["id"] for o in client.get("/api/v1/organisations").get_json()["items"]]
    assert verified.id in ids and pending.id not in ids
    one = client.get(f"/api/v1/organisations/{verified.id}").get_json()
    assert one["name"] == verified.name and "contact_phone" not in one
    assert client.get(f"/api/v1/organisations/{pending.id}").status_code == 404


def test_contracts_for_parties_and_the_registrars_queue(client, make) -> None:
    contract = make.contract("submitted")
    seller = contract.parties[0].organisation_id
    member = db.session.query(Membership).filter_by(organisation_id=seller).first().user
    party = make_token(member, "contracts:read")
    outsider = make_token(make.user(), "contracts:read")
    registrar = make_token(make.user(Role.REGISTRAR), "contracts:read")
    reader = make_token(member, "read")
    assert [c["id"] for c in client.get("/api/v1/contracts", headers=bearer(party)).get_json()["items"]] \
        == [contract.id]
    assert client.get("/api/v1/contracts", headers=bearer(outsider)).get_json()["items"] == []
    assert client.get(f"/api/v1/contracts/{contract.id}", headers=bearer(outsider)).status_code == 403
    assert client.get(f"/api/v1/contracts/{contract.id}", headers=bearer(party)).status_code == 200
    assert client.get("/api/v1/contracts", headers=bearer(reader)).status_code == 403
    assert client.get("/api/v1/contracts").status_code == 401
    assert client.get("/api/v1/contracts/queue", headers=bearer(party)).status_code == 403
    queue = client.get("/api/v1/contracts/queue", headers=bearer(registrar)).get_json()["items"]
    assert [c["id"] for c in queue] == [contract.id]


def test_inquiries_and_suggestions(client, make) -> None:
    owner = make.user()
    org = make.org(owner, status="verified")
    listing = make.listing(org)
    make.listing(kind="demand", title="寻求稀土永磁电机冷却技术")
    token = make_token(owner, "inquiries:read")
    assert client.get("/api/v1/inquiries", headers=bearer(token)).get_json() == {"items": [], "next_cursor": None}
    found = client.get(f"/api/v1/listings/{listing.id}/suggestions").get_json()
    assert found["listing_id"] == listing.id and isinstance(found["suggestions"], list)
    assert client.get("/api/v1/listings/99999/suggestions").status_code == 404

