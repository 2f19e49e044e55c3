"""``/api/v1``: the document, the error envelope, cursors and ETags, tokens and listings through a token."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from techmarket.accounts.api_tokens import ApiToken, digest
from techmarket.accounts.services import actor_for
from techmarket.api import tokens
from techmarket.core.audit import AuditEntry, verify_chain
from techmarket.core.clock import local_today
from techmarket.extensions import db
from techmarket.listings.models import Listing
from tests.api.support import bearer, make_token

LISTING = {"kind": "achievement", "title": "稀土永磁电机高效冷却技术", "summary": "一种高效冷却结构。",
           "description": "冷却效率提升 30%。", "fields": ["rare_earth"], "modes": ["transfer"],
           "maturity": "pilot", "trl": 6, "contact_name": "王工", "contact_email": "wang@example.cn",
           "valid_until": (local_today() + dt.timedelta(days=200)).isoformat()}


def test_every_api_route_is_in_the_document_and_errors_have_one_envelope(app: Flask, client) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint.startswith(("api-docs.", "api_docs.")):
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<int:{arg}>", f"{{{arg}}}").replace(f"<{arg}>", f"{{{arg}}}")
        missing += [(path, m) for m in rule.methods - {"HEAD", "OPTIONS"} if (path, m) not in documented]
    assert not missing, f"/api routes without a schema in the document: {missing}"
    def shaped(op: dict) -> bool:
        answers = op["responses"]
        return "204" in answers or any(code.startswith("2") and "schema" in (r.get("content") or {}).get(
            "application/json", {}) for code, r in answers.items())

    unshaped = [f"{m.upper()} {path}" for path, ops in doc["paths"].items() for m, op in ops.items()
                if m in {"get", "post", "put", "patch", "delete"} and not shaped(op)]
    assert not unshaped, f"operations whose success answer has no schema: {unshaped}"
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200 and b"swagger-ui-bundle.js" in page.data
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000  # from the installed package
    assert client.get("/api/v1/docs/assets/../../app.py").status_code == 404
    # one error envelope, in the language asked for
    en = client.get("/api/v1/listings?limit=lots", headers={"Accept-Language": "en"})
    assert en.status_code == 400
    err = en.get_json()["error"]
    assert err["code"] == "validation_failed" and err["fields"]["limit"]["message"] == "A whole number is needed."
    zh = client.get("/api/v1/listings?limit=lots", headers={"Accept-Language": "zh-CN"}).get_json()["error"]
    assert zh["fields"]["limit"]["message"] == "请填写整数。"
    missing = client.get("/api/v1/listings/999999").get_json()["error"]
    assert missing["status"] == 404 and missing["code"] == "not_found"
    bad_cursor = client.get("/api/v1/listings?cursor=xyz").get_json()["error"]
    assert "cursor" in bad_cursor["fields"]


def test_cursor_pages_and_etags(client, make) -> None:
    org = make.org(status="verified")
    ids = [make.listing(org, title=f"稀土永磁技术{i}").id for i in range(3)]
    make.listing(org, status="draft", title="草稿不公开的成果")
    first = client.get("/api/v1/listings?limit=2")
    page = first.get_json()
    assert [i["id"] for i in page["items"]] == ids[::-1][:2] and page["next_cursor"]
    rest = client.get(f"/api/v1/listings?limit=2&cursor={page['next_cursor']}").get_json()
    assert [i["id"] for i in rest["items"]] == [ids[0]] and rest["next_cursor"] is None
    etag = first.headers["ETag"]
    assert client.get("/api/v1/listings?limit=2", headers={"If-None-Match": etag}).status_code == 304


def test_tokens_are_shown_once_stored_hashed_scoped_and_revocable(app, client, make) -> None:
    owner = make.user()
    org = make.org(owner, status="verified")
    secret = make_token(owner, "read")
    row = db.session.query(ApiToken).one()
    assert row.token_hash == digest(secret) and secret not in (row.token_hash, row.prefix) and row.expires_at
    post = client.post("/api/v1/listings", json=LISTING | {"organisation_id": org.id}, headers=bearer(secret))
    assert post.status_code == 403 and "listings:write" in post.get_json()["error"]["message"]
    assert client.post("/api/v1/listings", json=LISTING).status_code == 401
    assert client.get("/api/v1/listings", headers=bearer("tm_forged")).status_code == 401
    assert client.get("/api/v1/listings", headers=bearer(secret)).status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).last_used_at is not None
    app.config["API_TOKEN_RATE_LIMIT"] = "3 per minute"  # per token: another token and anonymous go on
    other = make_token(owner, "read")
    assert [client.get("/api/v1/organisations", headers=bearer(secret)).status_code for _ in range(4)] \
        == [200, 200, 200, 429]
    assert client.get("/api/v1/organisations", headers=bearer(other)).status_code == 200
    assert client.get("/api/v1/organisations").status_code == 200
    tokens.revoke(db.session, actor_for(owner), db.session.get(ApiToken, row.id))
    db.session.commit()
    assert client.get("/api/v1/listings", headers=bearer(secret)).status_code == 401


def test_a_token_posts_a_listing_through_the_services_and_the_audit_names_it(client, make) -> None:
    owner = make.user()
    org = make.org(owner, status="verified")
    other = make.org(status="verified")
    secret = make_token(owner, "listings:write", org=org)
    token_id = db.session.query(ApiToken.id).scalar()
    bad = client.post("/api/v1/listings", json=LISTING | {"title": "短", "fields": ["nonsense"]},
                      headers=bearer(secret))
    assert bad.status_code == 400 and {"title", "fields"} <= set(bad.get_json()["error"]["fields"])
    assert db.session.query(Listing).count() == 0
    assert client.post("/api/v1/listings", json=LISTING | {"organisation_id": other.id},
                       headers=bearer(secret)).status_code == 403
    resp = client.post("/api/v1/listings", json=LISTING | {"submit": True}, headers=bearer(secret))
    assert resp.status_code == 201, resp.get_data(as_text=True)
    made = resp.get_json()
    assert made["status"] == "submitted" and made["organisation"]["id"] == org.id
    assert client.get(f"/api/v1/listings/{made['id']}").status_code == 404  # not public yet
    assert client.get(f"/api/v1/listings/{made['id']}", headers=bearer(secret)).status_code == 200
    mine = client.get("/api/v1/listings?mine=true", headers=bearer(secret)).get_json()
    assert [i["id"] for i in mine["items"]] == [made["id"]]
    labels = [e.actor_label for e in db.session.query(AuditEntry).filter_by(object_type="listing")]
    assert labels and all(label.endswith(f"via API token #{token_id}") for label in labels)
    assert verify_chain(db.session)[1] is None
    body = {k: v for k, v in LISTING.items() if k != "kind"} | {"title": "改过的稀土永磁冷却技术"}
    assert client.put(f"/api/v1/listings/{made['id']}", json=LISTING, headers=bearer(secret)).status_code == 400
    edit = client.put(f"/api/v1/listings/{made['id']}", json=body, headers=bearer(secret))
    assert edit.status_code == 200 and edit.get_json()["title"] == "改过的稀土永磁冷却技术"


def test_the_document_heads_each_resource_with_its_title(client) -> None:
    """Swagger UI headed the resources with the blueprints' names ("api_listings", "api")."""
    doc = client.get("/api/v1/openapi.json").get_json()
    names = [t["name"] for t in doc["tags"]]
    assert "Listings" in names and "Policy calculators" in names
    assert not [n for n in names if n == "api" or n.startswith("api_")]
    used = {tag for ops in doc["paths"].values() for op in ops.values() if isinstance(op, dict)
            for tag in op.get("tags", [])}
    assert used == set(names)  # every heading has its operations, every operation a described heading
    page = client.get("/api/v1/docs/?lang=zh_Hans_CN").get_data(as_text=True)
    assert 'href="/"' in page  # a way back to the market
