"""Bulk import (upload, background job, report, rejected rows, re-import) and export of listings."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import delete, func, select

from techmarket.accounts.services import actor_for
from techmarket.core import jobs
from techmarket.core.actor import Actor
from techmarket.core.audit import AuditEntry
from techmarket.core.clock import local_today
from techmarket.core.errors import Conflict
from techmarket.core.progress import JobRun
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings import bulk, exporting, import_tasks, importing, services
from techmarket.listings.columns import BY_KEY, COLUMNS, PROBLEM, VOCABULARIES, column_of
from techmarket.listings.constants import FIELDS, IP_TYPES, MATURITY, TRANSACTION_MODES, Kind, Status
from techmarket.listings.data import ListingData
from techmarket.listings.models import IPItem, Listing, ListingTag
from techmarket.listings.patents import check_digit
from techmarket.orgs.models import Organisation
from tests.factories import Factories

FUTURE = (local_today() + dt.timedelta(days=200)).isoformat()
PATENT = f"202310123456.{check_digit('202310123456')}"
WRONG_PATENT = f"202310123456.{'1' if check_digit('202310123456') != '1' else '2'}"
ORDER = ["kind", "org_code", "external_id", "title", "summary", "description", "fields", "keywords", "modes",
         "amount_min", "amount_max", "valid_until", "contact_name", "contact_phone", "maturity", "trl", "ip_items",
         "technical_targets", "deadline", "confidentiality"]
OPERATOR = Actor(user_id=None, label="test operator", roles=frozenset({Role.OPERATOR}))


def achievement(code: str, **over: str) -> dict[str, str]:
    row = {"kind": "成果", "org_code": code, "title": "稀土永磁电机高效冷却技术", "summary": "一种高效冷却结构。",
           "description": "冷却效率提升 **30%**。\n\n第二段。", "fields": "稀土、新材料", "keywords": "稀土，电机",
           "modes": "转让; 普通许可", "amount_min": "120万", "amount_max": "2000000", "valid_until": FUTURE,
           "contact_name": "王工", "contact_phone": "0472-1234567", "maturity": "中试", "trl": "6",
           "ip_items": f"发明专利:{PATENT}:已授权"}
    return row | over


def demand(code: str, **over: str) -> dict[str, str]:
    row = {"kind": "需求", "org_code": code, "title": "煤化工高盐废水零排放技术需求",
           "summary": "寻求高盐废水处理方案。", "description": "需要处理高盐废水。", "fields": "化工",
           "modes": "合作开发", "amount_min": "面议",
           "valid_until": FUTURE, "technical_targets": "COD < 50 mg/L", "deadline": FUTURE, "confidentiality": "公开"}
    return row | over


def table(rows: list[dict[str, str]], lang: str = "zh") -> list[list[str]]:
    head = [BY_KEY[k].header if lang == "both" else getattr(BY_KEY[k], lang) for k in ORDER]
    return [head] + [[r.get(k, "") for k in ORDER] for r in rows]


def csv_file(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_file(rows: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def read_xlsx(data: bytes, sheet: int = 0) -> list[list[str]]:
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[sheet]
    return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]


def do_import(*args: Any, **kwargs: Any) -> importing.ImportReport:
    with force_locale("en"):
        return importing.import_rows(*args, **kwargs)


def counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) or 0 for m in (Listing, ListingTag, IPItem))


def upload(client: FlaskClient, data: bytes, name: str, org_code: str = "") -> Any:
    return client.post("/admin/imports/", data={"file": (io.BytesIO(data), name), "org_code": org_code},
                       content_type="multipart/form-data")


def run_of(resp: Any) -> int:
    """The run an upload started. The request only queued it; the background worker's part is done here by
    draining the local job table in this process."""
    assert resp.status_code == 302, resp.get_data(as_text=True)[:1500]
    run_id = int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert db.session.scalar(select(JobRun.status).where(JobRun.id == run_id)) == "queued"
    db.session.rollback()
    jobs.drain(current_app._get_current_object())
    db.session.expire_all()
    return run_id


def outcome(client: FlaskClient, run_id: int) -> tuple[int, int, int]:
    d = client.get(f"/admin/imports/{run_id}.json").get_json()
    return d["created"], d["unchanged"], d["failed"]


@pytest.fixture(autouse=True)
def local_jobs(app: Flask) -> None:
    """The embedded default's job runner (a job table worked by a worker), not the suite's inline one."""
    app.extensions["techmarket.jobs"] = jobs.LocalQueue(app)


@pytest.fixture()
def operator_client(make: Factories, login: Any) -> FlaskClient:
    return login(make.user(Role.OPERATOR, language="en"))


@pytest.fixture()
def org(make: Factories) -> Organisation:
    return make.org(status="verified")


def mixed_rows(code: str) -> list[dict[str, str]]:
    return [
        achievement(code),  # row 2: created
        demand(code),  # row 3: created
        achievement(code, title="量子储能材料", fields="稀土、量子计算"),  # row 4: unknown field
        achievement(code, title="专利号错误的成果", ip_items=f"发明专利:{WRONG_PATENT}:已授权"),  # row 5
        achievement(code, title="负价格的成果", amount_min="-5"),  # row 6: negative price
        demand(code, title="截止日期已过的需求", deadline="2020-01-01"),  # row 7: past deadline
        achievement("91150207MA0000000X", title="未知单位的成果"),  # row 8: unknown organisation
        achievement(code, title=""),  # row 9: missing title
        achievement(code),  # row 10: the same as row 2
    ]


BAD = {4: "fields", 5: "ip_items", 6: "amount_min", 7: "deadline", 8: "org_code", 9: "title"}
FIXES = {"量子储能材料": ("fields", "稀土"), "专利号错误的成果": ("ip_items", f"发明专利:{PATENT}:已授权"),
         "负价格的成果": ("amount_min", "50万"), "截止日期已过的需求": ("deadline", FUTURE),
         "未知单位的成果": ("org_code", None), "": ("title", "补上标题的成果")}


def test_good_bad_and_duplicate_rows_report_reimport_and_fixed_rejects(operator_client: FlaskClient,
                                                                        org: Organisation) -> None:
    data = csv_file(table(mixed_rows(org.credit_code or "")))
    run_id = run_of(upload(operator_client, data, "listings.csv"))

    progress = operator_client.get(f"/admin/imports/{run_id}.json").get_json()
    assert progress == {"status": "done", "phase": "done", "finished": True, "percent": 100, "done": 9, "total": 9,
                        "created": 2, "unchanged": 1, "failed": 6, "message": "", "resumable": False}
    assert counts() == (2, 6, 1)  # nothing of the six bad rows was written
    first, second = db.session.scalars(select(Listing).order_by(Listing.id)).all()
    assert first.status == second.status == Status.SUBMITTED  # a verified organisation: the review queue
    assert first.amount_min == 1_200_000 and first.amount_max == 2_000_000 and not first.negotiable
    assert first.modes == ["licence_ordinary", "transfer"] and first.fields == ["new_materials", "rare_earth"]
    assert first.keywords == ["稀土", "电机"] and first.ip_items[0].number == PATENT and first.trl == 6
    assert second.negotiable and second.kind == Kind.DEMAND and second.deadline.isoformat() == FUTURE

    report = read_csv(operator_client.get(f"/admin/imports/{run_id}/report.csv").data)
    assert report[0] == ["Row", "Column", "Outcome", "Problem"]
    failed = {(int(r[0]), r[1]) for r in report[1:] if r[2] == "Failed"}
    assert failed == {(row, BY_KEY[key].zh) for row, key in BAD.items()}
    assert [(int(r[0]), r[2]) for r in report[1:] if r[2] != "Failed"] == [(10, "Unchanged")]
    problems = {int(r[0]): r[3] for r in report[1:]}
    assert "量子计算" in problems[4] and "check digit" in problems[5] and "91150207MA0000000X" in problems[8]
    assert "row 2" in problems[10]
    assert len(read_xlsx(operator_client.get(f"/admin/imports/{run_id}/report.xlsx").data)) == len(report)
    page = operator_client.get(f"/admin/imports/{run_id}").get_data(as_text=True)
    assert 'data-testid="import-report"' in page and "量子计算" in page and "<progress" in page

    again = run_of(upload(operator_client, data, "listings.csv"))
    assert outcome(operator_client, again) == (0, 3, 6)
    assert counts() == (2, 6, 1)

    rejected = read_csv(operator_client.get(f"/admin/imports/{run_id}/rejected.csv").data)
    assert rejected[0][-1] == PROBLEM.header and len(rejected) == 7 and all(r[-1] for r in rejected[1:])
    col = {column_of(h): i for i, h in enumerate(rejected[0])}
    for row in rejected[1:]:
        key, value = FIXES[row[col["title"]]]
        row[col[key]] = value or org.credit_code or ""
    fixed = run_of(upload(operator_client, csv_file(rejected), "fixed.csv"))
    assert outcome(operator_client, fixed) == (6, 0, 0), \
        operator_client.get(f"/admin/imports/{fixed}/report.csv").data.decode("utf-8-sig")
    assert counts()[0] == 8


def test_rows_of_an_unverified_organisation_are_drafts(operator_client: FlaskClient, make: Factories) -> None:
    pending = make.org()
    run_id = run_of(upload(operator_client, csv_file(table([achievement(""), demand("")])), "a.csv",
                           org_code=pending.credit_code or ""))
    assert outcome(operator_client, run_id) == (2, 0, 0)
    assert {lst.status for lst in db.session.scalars(select(Listing))} == {Status.DRAFT}
    assert "review queue" in operator_client.get("/admin/imports/").get_data(as_text=True)


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_headers_in_either_language(operator_client: FlaskClient, org: Organisation, lang: str, fmt: str) -> None:
    rows = table([achievement(org.credit_code or "", fields="Rare earths, graphene", modes="transfer",
                              maturity="Pilot"), demand(org.credit_code or "", modes="Joint development")], lang)
    data = csv_file(rows) if fmt == "csv" else xlsx_file(rows)
    assert outcome(operator_client, run_of(upload(operator_client, data, f"rows.{fmt}"))) == (2, 0, 0)
    ach = db.session.scalar(select(Listing).where(Listing.kind == Kind.ACHIEVEMENT))
    assert ach is not None and ach.fields == ["graphene", "rare_earth"] and ach.maturity == "pilot"


def test_xlsx_cells_of_other_types_are_read(operator_client: FlaskClient, org: Organisation) -> None:
    rows: list[list[Any]] = table([achievement(org.credit_code or "")])
    rows[1][ORDER.index("valid_until")] = dt.datetime.combine(dt.date.fromisoformat(FUTURE), dt.time())
    rows[1][ORDER.index("trl")] = 6
    rows[1][ORDER.index("amount_min")] = 1200000.0
    rows[1][ORDER.index("contact_phone")] = 13800000000
    assert outcome(operator_client, run_of(upload(operator_client, xlsx_file(rows), "t.xlsx"))) == (1, 0, 0)
    listing = db.session.scalar(select(Listing))
    assert listing is not None and listing.valid_until.isoformat() == FUTURE and listing.contact_phone == "13800000000"


def test_gb18030_csv(operator_client: FlaskClient, org: Organisation) -> None:
    data = csv_file(table([achievement(org.credit_code or "", title="内蒙古稀土永磁技术")]), encoding="gb18030")
    assert outcome(operator_client, run_of(upload(operator_client, data, "gbk.csv"))) == (1, 0, 0)
    assert db.session.scalar(select(Listing.title)) == "内蒙古稀土永磁技术"


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("listings.xlsx", b"kind,title\n", "not a real Excel workbook"),
    ("listings.csv", b"PK\x03\x04" + b"\x00" * 100, "not a CSV text file"),
    ("listings.csv", "标题".encode("utf-16"), "neither UTF-8 nor GB18030"),
    ("listings.xls", b"\xd0\xcf\x11\xe0", ".xls"),
    ("listings.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx file"),
])
def test_disguised_or_unreadable_files_are_refused(operator_client: FlaskClient, name: str, content: bytes,
                                                   problem: str) -> None:
    resp = upload(operator_client, content, name)
    assert resp.status_code == 400 and problem in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(JobRun)) == 0


def test_a_row_failing_half_way_leaves_nothing(operator_client: FlaskClient, org: Organisation,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    real = bulk._snapshot

    def fail_for_one(data: ListingData, row: dict[str, Any]) -> dict[str, Any]:
        if data.title == "中途失败的成果":
            raise Conflict("simulated failure after the listing, its tags and IP items were written")
        return real(data, row)

    monkeypatch.setattr(bulk, "_snapshot", fail_for_one)
    audit_before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    rows = [achievement(org.credit_code or "", title="中途失败的成果"), demand(org.credit_code or "")]
    run_id = run_of(upload(operator_client, csv_file(table(rows)), "half.csv"))
    assert outcome(operator_client, run_id) == (1, 0, 1)
    assert counts() == (1, 2, 0)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before + 1  # one per row


def test_progress_is_reported_per_batch_and_reaches_100(operator_client: FlaskClient, org: Organisation,
                                                        app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "BATCH_SECONDS", 3600)  # batches by row count only, however slow the machine
    n = importing.BATCH * 2 + 50
    rows = table([achievement(org.credit_code or "", title=f"批量导入的成果 {i:04d}") for i in range(n)])
    sheet = importing.read_sheet("many.csv", csv_file(rows))
    seen: list[tuple[int, int]] = []

    def on_batch(done: int, total: int) -> None:
        seen.append((done, total))
        db.session.commit()

    report = do_import(db.session, OPERATOR, sheet, "", progress=on_batch)
    assert seen == [(200, n), (400, n), (n, n)] and report.created == n
    run_id = run_of(upload(operator_client, csv_file(rows), "many.csv"))
    progress = operator_client.get(f"/admin/imports/{run_id}.json").get_json()
    assert (progress["percent"], progress["done"], progress["total"], progress["unchanged"]) == (100, n, n, n)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_downloads_parse_back(operator_client: FlaskClient, org: Organisation, fmt: str) -> None:
    resp = operator_client.get(f"/admin/imports/template.{fmt}")
    assert resp.status_code == 200 and resp.headers["Content-Disposition"].startswith("attachment")
    if fmt == "csv":
        assert resp.data.startswith("\ufeff".encode())
    sheet = importing.read_sheet(f"template.{fmt}", resp.data)
    assert sheet.keys == [c.key for c in COLUMNS] and sheet.headers[3] == "标题 / Title"
    assert sheet.example_rows == [2] and sheet.rows == [] and not sheet.ignored_headers
    example = dict(zip(sheet.keys, read_csv(resp.data)[1] if fmt == "csv" else read_xlsx(resp.data)[1], strict=True))
    example |= {"org_code": org.credit_code or "", "title": "照模板填写的成果", "summary": "按示例改写。"}
    filled = [sheet.headers, [example[k or ""] for k in sheet.keys]]
    data = csv_file(filled) if fmt == "csv" else xlsx_file(filled)
    assert outcome(operator_client, run_of(upload(operator_client, data, f"filled.{fmt}"))) == (1, 0, 0)
    if fmt == "xlsx":
        help_sheet = read_xlsx(resp.data, sheet=1)
        for vocab, table_ in (("field", FIELDS), ("mode", TRANSACTION_MODES), ("maturity", MATURITY),
                              ("ip_type", IP_TYPES)):
            documented = {(r[1], r[2], r[3]) for r in help_sheet if len(r) > 3}
            assert {(t.code, t.zh, t.en) for t in VOCABULARIES[vocab]} <= documented
            assert {t.code for t in VOCABULARIES[vocab]} == set(table_)


def test_non_operators_cannot_import(make: Factories, login: Any, client: FlaskClient) -> None:
    assert client.get("/admin/imports/").status_code == 302  # to sign in
    login(make.user(Role.RESEARCHER))
    for url in ("/admin/imports/", "/admin/imports/template.csv", "/admin/imports/1.json", "/admin/imports/1"):
        assert client.get(url).status_code == 403
    assert upload(client, b"x", "a.csv").status_code == 403


def _published(code: str) -> list[Listing]:
    rows = [achievement(code), demand(code),
            achievement(code, title="含财政资助的氢能成果", fields="氢能", fiscal_funded="是", amount_min="",
                        amount_max="", ip_items=f"发明专利:{PATENT}:已授权;技术秘密::已授权:配方",
                        modes="作价入股、技术服务")]
    head = [*table(rows)[0], BY_KEY["fiscal_funded"].zh, BY_KEY["approval_document"].zh]
    body = [[*r, x.get("fiscal_funded", ""), "内财科〔2024〕1号" if x.get("fiscal_funded") else ""]
            for r, x in zip(table(rows)[1:], rows, strict=True)]
    report = do_import(db.session, OPERATOR, importing.read_sheet("p.csv", csv_file([head, *body])))
    assert report.created == 3, report.lines
    listings = list(db.session.scalars(select(Listing)))
    for listing in listings:
        services.transition(db.session, OPERATOR, listing, "approve")
    db.session.commit()
    return listings


def _content(listings: list[Listing]) -> list[dict[str, Any]]:
    return sorted((services.data_of(lst).to_json() | {"kind": lst.kind} for lst in listings), key=lambda d: d["title"])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_database_gives_the_same_listings(
        operator_client: FlaskClient, org: Organisation, fmt: str) -> None:
    before = _content(_published(org.credit_code or ""))
    exported = []
    for kind in ("achievement", "demand"):
        resp = operator_client.get(f"/listings/export?kind={kind}&format={fmt}")
        assert resp.status_code == 200 and resp.headers["Content-Disposition"].startswith("attachment")
        exported.append(resp.data)
    db.session.execute(delete(Listing))
    db.session.commit()
    for data in exported:
        assert outcome(operator_client, run_of(upload(operator_client, data, f"export.{fmt}"))) [2] == 0
    assert _content(list(db.session.scalars(select(Listing)))) == before


def test_export_filters_and_hides_contacts_from_the_public(client: FlaskClient, org: Organisation,
                                                           make: Factories, login: Any) -> None:
    _published(org.credit_code or "")
    rows = read_csv(client.get("/listings/export?kind=achievement&format=csv&field=hydrogen").data)
    col = {column_of(h): i for i, h in enumerate(rows[0])}
    assert [r[col["title"]] for r in rows[1:]] == ["含财政资助的氢能成果"]
    everything = read_csv(client.get("/listings/export?kind=achievement&format=csv").data)
    assert len(everything) == 3 and all(r[col["contact_name"]] == "" for r in everything[1:])
    member = make.user(Role.ENTERPRISE)
    make.org(member, status="verified")
    login(member)
    signed_in = read_csv(client.get("/listings/export?kind=achievement&format=csv").data)
    assert {r[col["contact_name"]] for r in signed_in[1:]} == {"王工"}
    assert client.get("/listings/export?kind=nothing").status_code == 404


def test_export_is_capped_with_a_note(client: FlaskClient, org: Organisation, monkeypatch: pytest.MonkeyPatch) -> None:
    _published(org.credit_code or "")
    monkeypatch.setattr(exporting, "EXPORT_CAP", 1)
    rows = read_csv(client.get("/listings/export?kind=achievement&format=csv").data)
    assert len(rows) == 3 and rows[2][0].startswith("# ")
    sheet = importing.read_sheet("capped.csv", client.get("/listings/export?kind=achievement&format=csv").data)
    assert len(sheet.rows) == 1
    xlsx = read_xlsx(client.get("/listings/export?kind=achievement&format=xlsx").data)
    assert len(xlsx) == 3 and xlsx[2][0].startswith("# ")


def test_operator_of_the_cli_actor_may_import_for_any_org(org: Organisation, make: Factories) -> None:
    operator = make.operator()
    sheet = importing.read_sheet("x.csv", csv_file(table([achievement(org.credit_code or "")])))
    report = do_import(db.session, actor_for(operator), sheet)
    assert report.created == 1
    outsider = make.user(Role.RESEARCHER)
    sheet = importing.read_sheet("y.csv", csv_file(table([demand(org.credit_code or "")])))
    report = do_import(db.session, actor_for(outsider), sheet)
    assert report.failed == 1 and "belong to" in report.lines[0].message


def test_a_run_whose_file_is_gone_stops_with_a_message(operator_client: FlaskClient, make: Factories,
                                                      app: Any) -> None:
    operator = make.user(Role.OPERATOR, language="en")
    with force_locale("en"):
        run = import_tasks.start_import(db.session, actor_for(operator), "gone.csv", b"title\n", "", "en",
                                        app.instance_path)
    db.session.commit()
    run_id = run.id
    (import_tasks.folder(app.instance_path) / run.params["file"]).unlink()
    with app.app_context():  # as a worker would: its own context, outside a request
        import_tasks.run_import(run_id)
    db.session.expire_all()  # the test's own session still holds the run as it was
    page = operator_client.get(f"/admin/imports/{run_id}").get_data(as_text=True)
    assert 'data-testid="run-message"' in page and "missing" in page
    assert operator_client.get(f"/admin/imports/{run_id}.json").get_json()["status"] == "failed"
    assert operator_client.get(f"/admin/imports/{run_id}/report.csv").status_code == 404
