"""Walk every registered route as anonymous, an ordinary user and an operator.

* Anonymous visitors get the page only for the endpoints in ``PUBLIC``; every other route sends them to
  the sign-in page (``/account/login?next=...``), or answers 401 under ``/api/``. A new route that
  answers anonymous visitors without being listed in ``PUBLIC`` fails this test: decide, then list it.
* An ordinary user gets 403 on the console (``/admin/*`` and ``STAFF_ELSEWHERE``) and on the pages of an
  organisation they do not belong to (``OTHER_ORGANISATION``).
* An operator gets the console (200, or a redirect inside it) and is never refused (403) by it.
* No route, for nobody, answers 500.

Path parameters are real objects created here (``values``); a new parameter name fails the test until
it is given a value in ``PARAMS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter

from techmarket.accounts import services as accounts
from techmarket.accounts.tokens import make_token
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.orgs.models import Invitation, Membership
from techmarket.policy import CALCULATORS
from tests.accounts.support import isolate_requests, reread
from tests.factories import PASSWORD
from tests.orgs.support import add_member

# Anonymous visitors may use these endpoints; the value is every status they may answer them with
# (GET and, where the route takes it, an empty POST). Everything else needs sign-in.
PUBLIC: dict[str, set[int]] = {
    "static": {200},
    "bootstrap.static": {200},
    "web.home": {200},
    "web.set_language": {302},
    "web.healthz": {200},
    "accounts.register": {200, 400},
    "accounts.login": {200, 400},
    "accounts.logout": {302},
    "accounts.confirm": {302},  # the emailed link works signed out: it confirms, then offers sign-in
    "accounts.forgot_password": {200, 400},
    "accounts.reset_password": {200, 400},
    # the public market (listings team)
    "listings.browse": {200},
    "listings.detail": {404},  # the parameter is a listing that does not exist
    "listings.download": {404},
    "listings_io.export": {200},
    "trading.sale": {404},  # a 挂牌 sale is public once approved; the parameter is a sale that does not exist
    "trading.sales_index": {200},  # the public list of 挂牌 sales
    "challenges.index": {200},  # the public list of calls (揭榜挂帅)
    "challenges.detail": {404},  # a call that does not exist
    "auctions.index": {200},  # auctions are public once approved; the parameters are auctions that do not exist
    "auctions.detail": {404},
    "auctions.status": {404},
    # search over the public market (search team)
    "search.results": {200},
    "search.suggest": {200},
    "api_search.search": {200},
    # the policy JSON API (no account needed to calculate)
    "api.policy_index": {200},
    "api.policy_describe": {200, 404},
    "api.policy_calc": {200, 400, 404, 415, 422},  # 415: the walk posts a form, the API takes JSON
    # the public market statistics (reporting)
    "statistics.public": {200},
    "statistics.public_csv": {200},
    "statistics.echarts": {200, 404},  # 404 where `make install` found no npm
    # subsidy claims in publicity (公示) and the objection form (claims team)
    "claims.publicity": {200},
    "contracts.check": {200},
    "brokers.registry": {200},  # the public broker registry and a broker's record
    "brokers.detail": {404},  # the public certificate check (number + verification code)
    "claims.objection": {404},  # the parameter is a claim that does not exist
    # the one-click unsubscribe link of alert mails works signed out (the signed token is the proof)
    "alerts.unsubscribe": {200},
    # gateway webhooks: signed by the gateway, no session (404 when Stripe is not configured, 400 unsigned)
    "payments.stripe": {400, 404, 405},
    # the public API v1 (api team): anonymous reads; writes answer 401 without a token
    "api-docs.openapi_json": {200},
    "api_docs.index": {200},
    "api_docs.init_js": {200},
    "api_docs.asset": {404},  # the parameter is not one of the viewer's files
    "api_listings.index": {200},
    "api_listings.detail": {404},
    "api_matching.suggestions": {404},
    "api_orgs.index": {200},
    "api_orgs.detail": {404},
    "api_webhooks.events": {200},
    "api_calls.index": {200},
    "api_calls.detail": {200, 404},
    "api_auctions.index": {200},
    "api_auctions.detail": {200, 404},
    "api_auctions.status": {200, 404},
    "api_certificates.verify": {400, 404, 429},  # the walk sends no number and code
}

# Walking these signed in would end the walk's own sign-in.
SIGN_OUTS = frozenset({"accounts.logout", "accounts.sign_out_everywhere"})

# Operator-only pages outside /admin/.
STAFF_ELSEWHERE = {
    "policy.rules",
    "policy.rule_set",
    "policy.rule_version",
    "policy.rule_edit",
    "statements.everything",
    "statements.disbursements",
    "trading.console",
    "matching.console",
    "claims.queue",
    "claims.year",
    "claims.bureaus",
    "brokers.create",
    "auctions.console",
    "auctions.operate",
    "auctions.decide",
    "auctions.decide_bidder",
    "auctions.deposit",
    "auctions.decide_objection",
}

# Pages of one organisation: a signed-in user who is not its member is refused.
OTHER_ORGANISATION = {
    "webhooks.index",
    "webhooks.delete",
    "webhooks.replay",
    "orgs.detail",
    "orgs.edit",
    "orgs.invite",
    "orgs.revoke",
    "orgs.remove_member",
    "orgs.member_role",
    "admin.organisation",
}


@dataclass
class World:
    owner_id: int
    owner_email: str
    org_id: int
    member_id: int
    inv_id: int
    ordinary_id: int
    tokens: dict[str, str]
    static_files: dict[str, str]


def _build_world(app: Flask, make: Any) -> tuple[World, Any, Any]:
    owner = make.user(Role.ENTERPRISE)
    org = make.org(owner)
    colleague = make.user()
    member = add_member(org, colleague)
    inv = Invitation(organisation_id=org.id, email="invitee@example.cn", role="member", invited_by_id=owner.id)
    db.session.add(inv)
    ordinary = make.user(Role.RESEARCHER, Role.EXPERT, Role.BROKER)
    operator = make.operator()
    db.session.commit()
    tokens = {
        "accounts.confirm": make_token("confirm", {"id": ordinary.id, "email": ordinary.email}),
        "accounts.reset_password": make_token("reset", {"id": ordinary.id,
                                                        "fp": accounts.reset_fingerprint(ordinary)}),
        "orgs.accept": make_token("invite", inv.id),
        "alerts.unsubscribe": make_token("alerts-unsubscribe", {"u": ordinary.id, "s": []}),
    }
    home = app.test_client().get("/").get_data(as_text=True)
    static_files = {}
    for endpoint, prefix in (("static", "/static/"), ("bootstrap.static", "/bootstrap/static/")):
        start = home.index(f'"{prefix}') + len(prefix) + 1
        static_files[endpoint] = home[start:home.index('"', start)]
    world = World(owner_id=owner.id, owner_email=owner.email, org_id=org.id, member_id=member.id,
                  inv_id=inv.id, ordinary_id=ordinary.id, tokens=tokens, static_files=static_files)
    return world, ordinary, operator


MISSING = 999_999  # objects of other domains: a well-formed id of nothing (the route must answer 404)


def _policy_name() -> str:
    return str(next(iter(CALCULATORS)))


PARAMS: dict[str, Callable[[World, Rule], object]] = {
    "org_id": lambda w, r: w.org_id,
    "member_id": lambda w, r: w.member_id,
    "inv_id": lambda w, r: w.inv_id,
    "user_id": lambda w, r: w.owner_id,
    "token": lambda w, r: w.tokens[r.endpoint],
    "code": lambda w, r: "en",
    "filename": lambda w, r: w.static_files[r.endpoint],
    "name": lambda w, r: _policy_name(),
    "number": lambda w, r: 1,
    "action": lambda w, r: "submit",
    "listing_id": lambda w, r: MISSING,
    "attachment_id": lambda w, r: MISSING,
    "thread_id": lambda w, r: MISSING,
    "saved_id": lambda w, r: MISSING,
    "run_id": lambda w, r: MISSING,
    "contract_id": lambda w, r: MISSING,
    "document_id": lambda w, r: MISSING,
    "payment_id": lambda w, r: MISSING,
    "statement_id": lambda w, r: MISSING,
    "disbursement_id": lambda w, r: MISSING,
    "decision": lambda w, r: "confirm",
    "year": lambda w, r: 2026,
    "offer_id": lambda w, r: MISSING,
    "sale_id": lambda w, r: MISSING,
    "reg_id": lambda w, r: MISSING,
    "deal_id": lambda w, r: MISSING,
    "candidate_id": lambda w, r: MISSING,
    "slug": lambda w, r: "listing-month",
    "report_id": lambda w, r: MISSING,
    "body_id": lambda w, r: MISSING,
    "claim_id": lambda w, r: MISSING,
    "objection_id": lambda w, r: MISSING,
    "role": lambda w, r: "buyer",
    "verdict": lambda w, r: "dismiss",
    "broker_id": lambda w, r: MISSING,
    "call_id": lambda w, r: MISSING,
    "question_id": lambda w, r: MISSING,
    "application_id": lambda w, r: MISSING,
    "file_id": lambda w, r: MISSING,
    "review_id": lambda w, r: MISSING,
    "milestone_id": lambda w, r: MISSING,
    "transfer_id": lambda w, r: MISSING,
    "subscription_id": lambda w, r: MISSING,
    "digest_id": lambda w, r: MISSING,
    "auction_id": lambda w, r: MISSING,
    "bidder_id": lambda w, r: MISSING,
    "deposit_id": lambda w, r: MISSING,
    "instalment_id": lambda w, r: MISSING,
    "receipt_id": lambda w, r: MISSING,
    "token_id": lambda w, r: MISSING,
    "sub_id": lambda w, r: MISSING,
    "delivery_id": lambda w, r: MISSING,
}


def _path(app: Flask, rule: Rule, world: World) -> str:
    values: dict[str, object] = {}
    for name in rule.arguments:
        if name in (rule.defaults or {}):
            continue
        converter = rule._converters.get(name)
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif name in PARAMS:
            values[name] = PARAMS[name](world, rule)
        else:
            pytest.fail(f"{rule.endpoint} {rule.rule}: give the path parameter {name!r} a value in PARAMS")
    with app.test_request_context():
        return url_for(rule.endpoint, **values, **(rule.defaults or {}))


def _requests(app: Flask, world: World) -> list[tuple[Rule, str, str]]:
    """(rule, method, path) for every route: GET where it answers GET, and an empty POST where it takes POST."""
    out = []
    for rule in app.url_map.iter_rules():
        path = _path(app, rule, world)
        for method in ("GET", "POST"):
            if method in (rule.methods or set()):
                out.append((rule, method, path))
    return out


def _call(client: FlaskClient, method: str, path: str) -> Any:
    if method == "GET":
        return client.get(path)
    return client.post(path, data={})


def _is_login_redirect(resp: Any) -> bool:
    return resp.status_code == 302 and resp.headers["Location"].startswith("/account/login?next=")


def _is_staff_rule(rule: Rule) -> bool:
    return rule.rule.startswith("/admin/") or rule.endpoint in STAFF_ELSEWHERE


def _signed_in(app: Flask, email: str) -> FlaskClient:
    c = app.test_client()
    assert c.post("/account/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return c


@pytest.fixture()
def world(app: Flask, make: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[World, Any, Any]:
    isolate_requests(app)
    return _build_world(app, make)


def _walk(app: Flask, world: World, client: FlaskClient | None, check: Callable[[Rule, str, Any], str | None],
          skip: frozenset[str] = frozenset()) -> list[str]:
    problems = []
    for rule, method, path in _requests(app, world):
        if rule.endpoint in skip:
            continue
        c = client or app.test_client()
        resp = _call(c, method, path)
        if resp.status_code >= 500:
            problems.append(f"{method} {path} ({rule.endpoint}): {resp.status_code}")
            continue
        problem = check(rule, method, resp)
        if problem:
            problems.append(f"{method} {path} ({rule.endpoint}): {problem}")
    return problems


def test_every_route_is_walked(app, world):
    w, _, _ = world
    endpoints = {rule.endpoint for rule, _, _ in _requests(app, w)}
    # the table names only endpoints that exist (a renamed public endpoint must be renamed here too)
    assert set(PUBLIC) <= endpoints, set(PUBLIC) - endpoints
    assert endpoints >= STAFF_ELSEWHERE, STAFF_ELSEWHERE - endpoints
    assert endpoints >= OTHER_ORGANISATION, OTHER_ORGANISATION - endpoints
    assert {"web.home", "accounts.login", "orgs.edit", "admin.organisations"} <= endpoints


def test_anonymous_gets_public_pages_and_is_sent_to_sign_in_elsewhere(app, world):
    w, _, _ = world

    def check(rule: Rule, method: str, resp: Any) -> str | None:
        if rule.endpoint in PUBLIC:
            if resp.status_code not in PUBLIC[rule.endpoint]:
                return f"public page answered {resp.status_code}, expected one of {sorted(PUBLIC[rule.endpoint])}"
            if _is_login_redirect(resp):
                return "public page sent the visitor to sign in"
            return None
        if rule.rule.startswith("/api/") and resp.status_code == 401:
            return None
        if not _is_login_redirect(resp):
            return (f"not in PUBLIC but answered {resp.status_code} "
                    f"{resp.headers.get('Location', '')} instead of sending to sign-in")
        return None

    problems = _walk(app, w, None, check)
    assert not problems, "\n".join(problems)


def test_ordinary_user_is_refused_the_console_and_other_organisations(app, world):
    w, ordinary, _ = world
    client = _signed_in(app, ordinary.email)

    def check(rule: Rule, method: str, resp: Any) -> str | None:
        if _is_login_redirect(resp):
            return "a signed-in user was sent to sign in"
        if _is_staff_rule(rule) or rule.endpoint in OTHER_ORGANISATION:
            if resp.status_code != 403:
                return f"expected 403, got {resp.status_code}"
        elif rule.endpoint == "orgs.accept" and method == "POST" and resp.status_code != 403:
            return f"accepting someone else's invitation answered {resp.status_code}"
        return None

    problems = _walk(app, w, client, check, skip=SIGN_OUTS)
    assert not problems, "\n".join(problems)
    assert client.get("/account/").status_code == 200  # still signed in after the walk
    reread()
    assert db.session.query(Membership).filter_by(user_id=ordinary.id).count() == 0


def test_operator_gets_the_console(app, world):
    w, _, operator = world
    client = _signed_in(app, operator.email)
    console_gets = []

    def check(rule: Rule, method: str, resp: Any) -> str | None:
        if _is_login_redirect(resp):
            return "the operator was sent to sign in"
        if not _is_staff_rule(rule) and rule.endpoint not in {"orgs.detail", "orgs.edit"}:
            return None
        if method == "POST":
            return "the operator was refused" if resp.status_code == 403 else None
        console_gets.append(rule.endpoint)
        uses_missing = any(PARAMS.get(a, lambda *_: None)(w, rule) == MISSING for a in rule.arguments
                           if a in PARAMS and a not in ("token", "filename"))
        allowed = {200, 302} | ({404} if uses_missing or "name" in rule.arguments else set())
        if resp.status_code not in allowed:
            return f"console page answered {resp.status_code}, expected one of {sorted(allowed)}"
        if resp.status_code == 302 and not resp.headers["Location"].startswith(("/admin/", "/policy/")):
            return f"console page redirected out to {resp.headers['Location']}"
        return None

    problems = _walk(app, w, client, check, skip=SIGN_OUTS)
    assert not problems, "\n".join(problems)
    assert {"admin.organisations", "admin.organisation", "admin.users", "admin.user", "admin.outbox",
            "admin.audit_log"} <= set(console_gets)
    for page in ("/admin/organisations", "/admin/users", "/admin/outbox", "/admin/audit",
                 f"/admin/organisations/{w.org_id}", f"/admin/users/{w.owner_id}"):
        assert client.get(page).status_code == 200, page


def test_member_reaches_the_pages_of_their_own_organisation(app, world):
    w, _, _ = world
    owner = _signed_in(app, w.owner_email)
    for page in (f"/orgs/{w.org_id}", f"/orgs/{w.org_id}/edit", "/orgs/", "/orgs/new"):
        assert owner.get(page).status_code == 200, page
    assert owner.get("/admin/organisations").status_code == 403
