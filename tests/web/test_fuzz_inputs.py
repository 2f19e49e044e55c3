"""Fuzz every route, every form and the JSON API with hostile input: no answer may be a 5xx.

* Every route of ``app.url_map`` (GET, and POST where it takes it) with each path parameter replaced by edge
  values (0, the largest id, 2**31, 2**63, NUL, 3,000 characters, bidi and CJK text), as anonymous, as a
  member and as an operator (who is also a registrar).
* Every POST form found on the pages each of them can see (``fuzz_support.FormParser``), posted with its own
  values where each field in turn gets a hostile value (a number beyond every range, or text with NUL;
  JSON nested 10,000 deep in hidden fields and text areas), then every field at once gets one of
  ``ALL_FIELDS`` (5,000 characters, -1, 1e309, impossible dates, bidi text, "²²²²" which ``str.isdigit()``
  takes and ``int()`` refuses), then hypothesis mixes hostile values, repeated values and file names with
  NUL; POST routes no page offers a form for get every known field name. Every GET page gets every known
  query argument at once with edge values, then hypothesis' mixes.
* The policy JSON API with random JSON over each calculator's fields, deep nesting, huge numbers, bad UTF-8.

A JSON error answer must have the one error shape; a value that reached the database unchecked (turned into
a 400 by ``web/errors.py``'s last line of defence) counts as a failure too. The examples are derandomised
(the same each run) and bounded: about a minute of CPU per backend.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter, Rule
from werkzeug.routing.converters import AnyConverter

from techmarket.app import create_app
from techmarket.extensions import db, limiter
from techmarket.policy import CALCULATORS
from techmarket.web import errors
from tests.accounts.support import isolate_requests
from tests.conftest import _overrides
from tests.factories import PASSWORD, Factories
from tests.web import fuzz_support as fz

FORM_EXAMPLES = 6
QUERY_EXAMPLES = 2
JSON_EXAMPLES = 25
QUERY_ARGS = ["page", "per_page", "q", "kind", "status", "sort", "year", "org", "type", "format", "next",
              "field", "region", "maturity", "mode", "amount_min", "amount_max", "posted_from", "posted_to",
              "selected", "listing_id", "statement_id", "seller_org_id", "contract_id", "number", "division"]
SKIP_POST = ("/account/logout",)
EDGE_INTS = [0, fz.INT_MAX, 2**31, 2**63]
EDGE_STRINGS = ["\x00", "A" * 3000, "中文\u202e\u2066x", "..", "a b%c"]


def fuzz_settings(n: int) -> settings:
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


class Recorder:
    """Sends requests and notes every 5xx (and every exception the app let through) instead of stopping."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.sent = 0
        self.unchecked: list[str] = []
        handler = logging.Handler(logging.WARNING)
        handler.emit = lambda record: self.unchecked.append(record.getMessage())  # type: ignore[method-assign]
        logger = logging.getLogger(errors.__name__)
        self._was_disabled, logger.disabled = logger.disabled, False  # Alembic's fileConfig disables loggers
        logger.addHandler(handler)
        self._handler = handler

    def close(self) -> None:
        logger = logging.getLogger(errors.__name__)
        logger.removeHandler(self._handler)
        logger.disabled = self._was_disabled

    def send(self, who: str, client: FlaskClient, method: str, path: str, **kw: Any) -> Any:
        self.sent += 1
        try:
            resp = client.open(path, method=method, **kw)
        except Exception as exc:  # the app raised instead of answering (PROPAGATE_EXCEPTIONS in tests)
            self.note(who, method, path, kw, f"{type(exc).__name__}: {exc}")
            return None
        if self.unchecked:  # turned into a 400 by the last line of defence, but the boundary missed it
            self.note(who, method, path, kw, self.unchecked.pop())
            self.unchecked.clear()
        if resp.status_code >= 500:
            self.note(who, method, path, kw, f"status {resp.status_code}")
        elif resp.status_code >= 400 and resp.is_json:
            problem = envelope_problem(resp.get_json(), resp.status_code)
            if problem:
                self.note(who, method, path, kw, problem)
        return resp

    def note(self, who: str, method: str, path: str, kw: dict[str, Any], problem: str) -> None:
        shown = {k: (repr(v)[:160] if k in ("data", "json", "query_string") else v) for k, v in kw.items()}
        line = f"[{who}] {method} {path[:160]} {shown}: {problem[:300]}"
        if len(self.problems) < 200:
            self.problems.append(line)


def envelope_problem(body: Any, status: int) -> str | None:
    """Why ``body`` is not the one JSON error shape, or ``None``."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return f"JSON error without the envelope: {str(body)[:200]}"
    if error.get("status") != status or not isinstance(error.get("code"), str) or not error.get("message"):
        return f"JSON error envelope incomplete: {str(body)[:200]}"
    fields = error.get("fields", {})
    if not isinstance(fields, dict) or any(not isinstance(v, dict) or "message" not in v or "code" not in v
                                           for v in fields.values()):
        return f"JSON error fields malformed: {str(body)[:200]}"
    return None


@pytest.fixture()
def fuzz_app(app: Flask, database: tuple[str, str], tmp_path: Path) -> Iterator[tuple[Flask, fz.World]]:
    """An app on the same database (cleaned by ``app``) without rate limits (the fuzz would only meet 429s)
    that lets exceptions through, so a failure names its cause; and the world in it."""
    _kind, url = database
    fuzzed = create_app({**_overrides(url, tmp_path / "fuzz"), "RATELIMIT_ENABLED": False})
    fuzzed.config["PROPAGATE_EXCEPTIONS"] = True
    isolate_requests(fuzzed)
    ctx = fuzzed.app_context()
    ctx.push()
    try:
        yield fuzzed, fz.build_world(fuzzed, Factories(fuzzed))
    finally:
        db.session.remove()
        ctx.pop()
        with fuzzed.app_context():
            db.engine.dispose()
        limiter.enabled = True  # the extension object is shared by every app in the process


@pytest.fixture()
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    yield rec
    rec.close()


def _clients(app: Flask, world: fz.World) -> list[tuple[str, FlaskClient]]:
    out = [("anonymous", app.test_client())]
    for who, email in (("member", world.member_email), ("operator", world.operator_email)):
        c = app.test_client()
        assert c.post("/account/login", data={"email": email, "password": PASSWORD}).status_code == 302
        out.append((who, c))
    return out


def _methods(rule: Rule) -> list[str]:
    return [m for m in ("GET", "POST") if m in (rule.methods or set())]


def _rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: r.rule)


def test_every_route_with_edge_path_values(fuzz_app, recorder):
    app, world = fuzz_app
    rec = recorder
    walked = set()
    for who, client in _clients(app, world):
        for rule in _rules(app):
            values = fz.path_values(rule, world)
            assert values is not None, f"{rule.endpoint}: give its path parameters a value in fuzz_support"
            for name in values:
                converter = rule._converters.get(name)
                if isinstance(converter, AnyConverter) or name == "filename":
                    continue
                edges = EDGE_INTS if isinstance(converter, IntegerConverter) else EDGE_STRINGS
                for edge in edges:
                    path = fz.build_path(app, rule, {**values, name: edge})
                    for method in _methods(rule):
                        if method == "POST" and path.startswith(SKIP_POST):
                            continue
                        rec.send(who, client, method, path)
                        walked.add(rule.endpoint)
    assert not rec.problems, "\n".join(rec.problems)
    assert len(walked) > 40


def _hostile_changes(names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Some of ``names`` (at least one) replaced by hostile values."""
    return st.lists(st.sampled_from(names), min_size=1, max_size=min(4, len(names)), unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries(dict.fromkeys(chosen, fz.hostile_value)))


def _fuzz_form(rec: Recorder, who: str, client: FlaskClient, form: fz.FoundForm, *, each: bool = True) -> None:
    """Each field alone with its edge values (the others keep the page's values; unless not ``each``), every
    field at once with each of ``fz.ALL_FIELDS``, then hypothesis' random mixes."""
    names = sorted(set(form.fields) | set(form.choices)) or ["x"]
    content_type = {"content_type": "multipart/form-data"} if form.multipart else {}
    if not each:  # a route no page offered: when it sends this client to sign in, no handler ever reads a body
        probe = rec.send(who, client, "POST", form.action,
                         data=fz.payload(form, dict.fromkeys(names, fz.ALL_FIELDS[0]), "a\x00.pdf"),
                         content_type="multipart/form-data")
        if probe is not None and _sends_to_sign_in(probe):
            return
    for name in names:
        if not each or fz.LATER_ROW.search(name):
            continue  # rows after the first of a list take the same fields as the first
        for edge in form.edges(name):
            rec.send(who, client, "POST", form.action, data=fz.payload(form, {name: edge}, None), **content_type)
    for edge in fz.ALL_FIELDS:
        rec.send(who, client, "POST", form.action, data=fz.payload(form, dict.fromkeys(names, edge), "a\x00.pdf"),
                 content_type="multipart/form-data")

    @fuzz_settings(FORM_EXAMPLES)
    @given(changes=_hostile_changes(names), file_name=st.one_of(st.none(), st.sampled_from(
        ["a\x00.pdf", "中文\u202e.pdf", "A" * 300 + ".pdf", "../x.pdf", ""])))
    def run(changes: dict[str, Any], file_name: str | None) -> None:
        data = fz.payload(form, changes, file_name)
        multipart = {"content_type": "multipart/form-data"} if form.multipart or file_name is not None else {}
        rec.send(who, client, "POST", form.action, data=data, **multipart)

    run()


def _sends_to_sign_in(resp: Any) -> bool:
    return resp.status_code in (301, 302, 303) and urlsplit(resp.location).path == "/account/login"


def _fuzz_query(rec: Recorder, who: str, client: FlaskClient, path: str) -> None:
    for edge in fz.QUERY_EDGES:
        rec.send(who, client, "GET", path, query_string=dict.fromkeys(QUERY_ARGS, edge))

    @fuzz_settings(QUERY_EXAMPLES)
    @given(args=st.dictionaries(st.sampled_from(QUERY_ARGS), fz.hostile_value, min_size=1, max_size=4))
    def run(args: dict[str, Any]) -> None:
        rec.send(who, client, "GET", path, query_string=args)

    run()


def test_every_form_and_query_with_hostile_values(fuzz_app, recorder):
    app, world = fuzz_app
    rec = recorder
    forms_seen: set[tuple[str, str]] = set()
    posted_paths: set[str] = set()
    fuzzed: set[tuple[str, tuple[str, ...]]] = set()
    for who, client in _clients(app, world):
        found: dict[tuple[str, tuple[str, ...]], fz.FoundForm] = {}
        post_rules: list[tuple[Rule, str]] = []
        for rule in _rules(app):
            values = fz.path_values(rule, world)
            assert values is not None, rule.endpoint
            path = fz.build_path(app, rule, values)
            if "POST" in (rule.methods or set()) and not path.startswith(SKIP_POST):
                post_rules.append((rule, path))
            if "GET" not in (rule.methods or set()) or rule.endpoint in ("static", "bootstrap.static"):
                continue
            resp = rec.send(who, client, "GET", path)
            if resp is None or resp.status_code != 200 or resp.mimetype != "text/html":
                continue
            _fuzz_query(rec, who, client, path)
            for form in fz.forms_on(path, resp.get_data(as_text=True)):
                if form.action.startswith(SKIP_POST):
                    continue
                found.setdefault((form.action, tuple(sorted(form.fields))), form)
        for key, form in found.items():
            forms_seen.add((who, form.action))
            posted_paths.add(form.action.split("?")[0])
            if key not in fuzzed:  # a form another role saw the same way was fuzzed already
                fuzzed.add(key)
                _fuzz_form(rec, who, client, form)
        union = sorted({n for form in found.values() for n in form.fields} | {"x"})
        for _rule, path in post_rules:  # POST routes no page offered a form for: every known field name
            if path in posted_paths:
                continue
            _fuzz_form(rec, who, client, fz.FoundForm(action=path, multipart=False,
                                                      choices={n: [""] for n in union}), each=False)
    assert not rec.problems, "\n".join(rec.problems)
    assert len({a for w, a in forms_seen if w == "member"}) > 15, sorted(forms_seen)
    assert len({a for w, a in forms_seen if w == "operator"}) > 10, sorted(forms_seen)


def _calculator_body(name: str) -> st.SearchStrategy[Any]:
    fields = [f["name"] for f in CALCULATORS[name].to_json()["fields"]]
    return st.one_of(
        st.dictionaries(st.sampled_from(fields), fz.json_value, max_size=len(fields)),
        fz.json_value,
        st.fixed_dictionaries(dict.fromkeys(fields, fz.json_value)),
    )


def _fuzz_json(rec: Recorder, client: FlaskClient, path: str, bodies: st.SearchStrategy[Any]) -> None:
    @fuzz_settings(JSON_EXAMPLES)
    @given(body=bodies)
    def run(body: Any) -> None:
        rec.send("anonymous", client, "POST", path, json=body)

    run()


def test_json_api_with_hostile_bodies(fuzz_app, recorder):
    app, _world = fuzz_app
    rec = recorder
    client = app.test_client()
    for name in CALCULATORS:
        path = f"/api/v1/policy/{name}"
        _fuzz_json(rec, client, path, _calculator_body(name))
        for raw in fz.RAW_JSON_BODIES:
            rec.send("anonymous", client, "POST", path, data=raw.encode(), content_type="application/json")
        for raw_bytes in fz.RAW_JSON_BYTES:
            rec.send("anonymous", client, "POST", path, data=raw_bytes, content_type="application/json")
    assert not rec.problems, "\n".join(rec.problems)
    assert rec.sent > 100


EnvelopeCase = tuple[str, str, dict[str, Any], int]
ENVELOPE_CASES: list[EnvelopeCase] = [
    ("GET", "/api/v1/nothing-here", {}, 404),
    ("DELETE", "/api/v1/policy", {}, 405),
    ("POST", "/api/v1/policy/indirect-cost-cap", {"data": fz.DEEP_LIST, "content_type": "application/json"}, 400),
    ("GET", "/api/v1/search", {"query_string": {"page": "x"}}, 400),
    ("GET", "/api/v1/search", {"query_string": {"q": "稀土\x00"}}, 400),
    ("GET", "/listings/2147483648", {"headers": {"Accept": "application/json"}}, 404),
    ("GET", "/search", {"query_string": {"q": "\x00"}, "headers": {"Accept": "application/json"}}, 400),
]


@pytest.mark.parametrize(("method", "path", "kw", "status"), ENVELOPE_CASES)
def test_json_errors_have_the_one_shape(client, method, path, kw, status):
    resp = client.open(path, method=method, **kw)
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    assert resp.is_json
    assert envelope_problem(resp.get_json(), status) is None, resp.get_json()
