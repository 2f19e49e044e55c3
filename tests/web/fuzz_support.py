"""The world and the hostile values of the fuzz test (``test_fuzz_inputs.py``).

The world holds real objects for every path parameter it can (a member's organisation, listings, contracts,
an inquiry thread, a saved calculation), so the fuzz reaches the forms behind them; a parameter with no
object gets a well-formed id of nothing. Forms are found by reading the pages: every ``<form method=post>``
with its fields and their values as the browser would send them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, url_for
from hypothesis import strategies as st
from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter

from techmarket.accounts import services as accounts
from techmarket.accounts.services import actor_for
from techmarket.accounts.tokens import make_token
from techmarket.challenges import calls
from techmarket.core.clock import local_today
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings import engagement
from techmarket.matching import subscriptions
from techmarket.orgs.models import Invitation
from techmarket.policy import CALCULATORS
from techmarket.rulesets import services as rulesets
from tests.challenges.builders import call_data
from tests.contracts import builders
from tests.listings.pages_support import make_listing
from tests.orgs.support import add_member
from tests.rulesets.support import TRANSFER_CASE

INT_MAX = 2**31 - 1
MISSING = 999_999

# Text a hostile or clumsy client sends: control characters, numbers beyond every range, bidi and zero-width
# characters, very long text, markup, injections, impossible dates and JSON nested 10,000 deep.
DEEP_LIST = "[" * 10_000 + "]" * 10_000
DEEP_OBJECT = '{"a":' * 10_000 + "1" + "}" * 10_000
EDGE_TEXT = [
    "", " ", "\u3000", "0", "-1", "1.5", "-0", str(INT_MAX), str(2**31), str(2**63), str(-(2**63) - 1), "9" * 40,
    "1e309", "NaN", "Infinity", "\x00", "a\x00b", "\x01\x08\x0b\x0c\x1f\x7f", "中文字段", "\u202e\u2066bidi\u2069",
    "\u200b\ufeff", "😀" * 8, "A" * 5000, "<script>alert(1)</script>", "' OR '1'='1' --", "%00", "../../etc/passwd",
    "9999-12-31", "0001-01-01", "2026-02-30", "10000-01-01", "true", "null", "[]", "{}", DEEP_LIST, DEEP_OBJECT,
    "²", "²⁰²⁶", "١٢٣", "+-5", "--1", "1:1:", "99999999999999999999:1:", "1:99999999999999999999:x", str(2**63) + ":1:",
]
hostile_text = st.one_of(st.sampled_from(EDGE_TEXT), st.text(max_size=30),
                         st.integers(min_value=-(2**70), max_value=2**70).map(str))
hostile_value = st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3))

# Posted into every field at once (``FoundForm.edges`` says what goes into each field alone).
NUMERIC_NAME = re.compile(r"(_id|year|version|number|count|trl|seq|position|page)$")
ALL_FIELDS = ["A" * 5000, "-1", "1e309", "2026-02-30", "\u202e中文\u2066", str(INT_MAX + 1), "²²²²"]
# Every known query argument at once, on every page.
QUERY_EDGES = [str(2**63), "9" * 40, "-1", "²²²²", "A" * 3000, "1e309"]
LATER_ROW = re.compile(r"-[1-9][0-9]*-")

SHORT_TEXT = [t for t in EDGE_TEXT if len(t) < 6000]
json_leaf = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**80), max_value=2**80),
                      st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(SHORT_TEXT),
                      st.text(max_size=20))
json_value = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=12)
RAW_JSON_BODIES = [DEEP_LIST, DEEP_OBJECT, '{"a": NaN}', '{"tax_year": ' + "9" * 5000 + "}", '"\\u0000"',
                   '{"contracts": [{"kind": "\\u0000"}]}', "\ufeff{}", "[1, 2", "null", "123"]
RAW_JSON_BYTES = [b"\xff\xfe\x00{", b'{"a": "\xc3"}']


@dataclass
class World:
    member_email: str
    operator_email: str
    values: dict[str, Any]
    tokens: dict[str, str]
    static_files: dict[str, str]
    rule_set: str
    extra: dict[str, Any] = field(default_factory=dict)


def build_world(app: Flask, make: Any) -> World:
    """A member of a verified seller organisation with listings, contracts, an inquiry and a saved result;
    an operator who is also a registrar; another organisation to deal with."""
    rulesets.seed_defaults(db.session)
    db.session.commit()
    d = builders.deal(make)
    member = d.seller
    colleague = make.user(Role.RESEARCHER)
    membership = add_member(d.seller_org, colleague)
    invitation = Invitation(organisation_id=d.seller_org.id, email="invitee@example.cn", role="member",
                            invited_by_id=member.id)
    db.session.add(invitation)
    own = make_listing(d.seller_org, status="published")
    call = calls.create(db.session, actor_for(member), call_data(d.seller_org.id))  # a draft call of theirs
    make_listing(d.seller_org, status="submitted", title="稀土抛光粉回收技术")
    theirs = make_listing(d.buyer_org, status="published", title="草原牧草加工技术")
    thread = engagement.ask(db.session, actor_for(member), theirs, d.seller_org, "请问可以许可吗？")
    draft = builders.draft(d)
    builders.submitted(d)
    result = rulesets.calculate(db.session, "transfer-income-tax", TRANSFER_CASE)
    saved = rulesets.save_calculation(db.session, actor_for(member), d.seller_org, "transfer-income-tax",
                                      TRANSFER_CASE, result, "2024")
    operator = make.user(Role.OPERATOR, Role.REGISTRAR)
    follow = subscriptions.follow(db.session, actor_for(member), "field", "rare_earth")
    db.session.commit()
    document = draft.documents[0] if getattr(draft, "documents", None) else None
    tokens = {
        "accounts.confirm": make_token("confirm", {"id": colleague.id, "email": colleague.email}),
        "accounts.reset_password": make_token("reset", {"id": colleague.id,
                                                        "fp": accounts.reset_fingerprint(colleague)}),
        "orgs.accept": make_token("invite", invitation.id),
        "alerts.unsubscribe": make_token("alerts-unsubscribe", {"u": member.id, "s": [follow.id]}),
    }
    home = app.test_client().get("/").get_data(as_text=True)
    static_files = {}
    for endpoint, prefix in (("static", "/static/"), ("bootstrap.static", "/bootstrap/static/")):
        start = home.index(f'"{prefix}') + len(prefix) + 1
        static_files[endpoint] = home[start:home.index('"', start)]
    values: dict[str, Any] = {
        "org_id": d.seller_org.id, "member_id": membership.id, "inv_id": invitation.id, "user_id": colleague.id,
        "listing_id": own.id, "thread_id": thread.id, "saved_id": saved.id, "contract_id": draft.id,
        "document_id": document.id if document is not None else MISSING, "attachment_id": MISSING,
        "run_id": MISSING, "payment_id": MISSING, "statement_id": MISSING, "disbursement_id": MISSING,
        "deal_id": MISSING, "sale_id": MISSING, "offer_id": MISSING, "reg_id": MISSING, "candidate_id": MISSING,
        "slug": "listing-month", "report_id": MISSING, "body_id": MISSING,
        "claim_id": MISSING, "objection_id": MISSING, "role": "buyer", "verdict": "dismiss",
        "broker_id": MISSING,
        "subscription_id": follow.id, "digest_id": MISSING,
        "auction_id": MISSING, "bidder_id": MISSING, "deposit_id": MISSING,
        "instalment_id": MISSING, "receipt_id": MISSING,
        "token_id": MISSING, "sub_id": MISSING, "delivery_id": MISSING,
        "number": 1, "year": local_today().year, "action": "submit", "code": "en",
        "call_id": call.id, "question_id": MISSING, "application_id": MISSING, "file_id": MISSING,
        "review_id": MISSING, "milestone_id": MISSING, "transfer_id": MISSING,
    }
    rule_set = sorted(rulesets.rulebook(db.session).names())[0]
    return World(member_email=member.email, operator_email=operator.email, values=values, tokens=tokens,
                 static_files=static_files, rule_set=rule_set)


def path_values(rule: Rule, world: World) -> dict[str, Any] | None:
    """Real values for ``rule``'s path parameters (``None`` when a parameter has none)."""
    out: dict[str, Any] = {}
    for name in rule.arguments:
        if name in (rule.defaults or {}):
            continue
        converter = rule._converters.get(name)
        if isinstance(converter, AnyConverter):
            out[name] = sorted(converter.items)[0]
        elif name == "token":
            out[name] = world.tokens[rule.endpoint]
        elif name == "filename":
            out[name] = world.static_files[rule.endpoint]
        elif name == "name":
            out[name] = world.rule_set if rule.endpoint.startswith("policy.rule") else next(iter(CALCULATORS))
        elif name in world.values:
            out[name] = world.values[name]
        else:
            return None
    return out


def build_path(app: Flask, rule: Rule, values: dict[str, Any]) -> str:
    with app.test_request_context():
        return url_for(rule.endpoint, **values, **(rule.defaults or {}))


# --- forms found on the pages ------------------------------------------------------------------------


@dataclass
class FoundForm:
    action: str
    multipart: bool
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    choices: dict[str, list[str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def edges(self, name: str) -> list[str]:
        """What to post into field ``name`` alone: a number beyond every range where it takes a number (its
        value or its options are numbers, or its name says so), else text with NUL; JSON nested 10,000 deep
        where the field may carry JSON (hidden fields and text areas)."""
        values = self.fields.get(name, []) + self.choices.get(name, [])
        numeric = any(v.strip().isdigit() for v in values) or NUMERIC_NAME.search(name) is not None
        out = [str(2**63)] if numeric else ["a\x00b\x0b"]
        if self.kinds.get(name) in ("hidden", "textarea"):
            out.append(DEEP_LIST)
        return out


class FormParser(HTMLParser):
    """Every POST form of a page with the values a browser would send for it unchanged."""

    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[FoundForm] = []
        self._form: FoundForm | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._selected = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                action = a.get("action") or self.page_path
                self._form = FoundForm(action=action, multipart="multipart" in a.get("enctype", ""))
            return
        form = self._form
        if form is None or ("name" not in a and tag != "option"):
            return
        name = a.get("name", "")
        if "name" in a:
            form.kinds.setdefault(name, a.get("type", "text").lower() if tag == "input" else tag)
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "file":
                form.files.append(name)
            elif kind in ("checkbox", "radio"):
                form.choices.setdefault(name, []).append(a.get("value", "y"))
                if "checked" in a:
                    form.fields.setdefault(name, []).append(a.get("value", "y"))
            elif kind == "submit":
                form.choices.setdefault(name, []).append(a.get("value", ""))
            else:
                form.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "button":
            if a.get("value"):
                form.choices.setdefault(name, []).append(a["value"])
        elif tag == "select":
            self._select, self._select_first, self._selected = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            form.choices.setdefault(self._select, []).append(value)
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                form.fields.setdefault(self._select, []).append(value)
                self._selected = True
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            if not self._selected and self._select_first is not None:
                self._form.fields.setdefault(self._select, []).append(self._select_first)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.fields.setdefault(self._textarea, []).append("".join(self._text).lstrip("\n"))
            self._textarea = None
        elif tag == "form":
            self.forms.append(self._form)
            self._form = None


def forms_on(page_path: str, html: str) -> list[FoundForm]:
    parser = FormParser(page_path)
    parser.feed(html)
    out = []
    for form in parser.forms:
        parts = urlsplit(form.action)
        if parts.netloc and parts.netloc != "localhost":
            continue
        form.action = parts.path + (f"?{parts.query}" if parts.query else "")
        out.append(form)
    return out


def payload(form: FoundForm, changes: dict[str, Any], file_name: str | None) -> dict[str, Any]:
    """The form's own values with ``changes`` applied, and a file with ``file_name`` for each file field."""
    data: dict[str, Any] = {name: (values if len(values) > 1 else values[0]) for name, values in form.fields.items()}
    for name, choices in form.choices.items():
        if name not in data and choices:
            data[name] = choices[0]
    data.update(changes)
    if file_name is not None:
        for name in form.files:
            data[name] = (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), file_name)
    return data


def today_plus(days: int) -> str:
    return (local_today() + dt.timedelta(days=days)).isoformat()
