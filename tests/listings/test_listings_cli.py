"""``techmarket listings import|template|expire``: exit codes, progress, the report file beside the input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from techmarket.core.audit import AuditEntry
from techmarket.extensions import db
from techmarket.listings import importing
from techmarket.listings.columns import COLUMNS
from techmarket.listings.constants import Status
from techmarket.listings.models import Listing
from tests.factories import Factories
from tests.listings.test_import_export import achievement, csv_file, demand, read_csv, table, xlsx_file


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Listing)) or 0


def test_import_all_good_exits_0_and_writes_the_report(runner: Any, make: Factories, tmp_path: Path) -> None:
    org = make.org(status="verified")
    src = tmp_path / "成果.csv"
    src.write_bytes(csv_file(table([achievement(""), demand("")])))
    result = runner.invoke(args=["listings", "import", str(src), "--org", org.credit_code, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "2 rows: 2 created, 0 unchanged, 0 failed." in result.output
    report = tmp_path / "成果.csv.report.csv"
    assert read_csv(report.read_bytes()) == [["Row", "Column", "Outcome", "Problem"]]
    db.session.expire_all()
    assert _count() == 2
    assert {lst.status for lst in db.session.scalars(select(Listing))} == {Status.SUBMITTED}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "listing",
                                                      AuditEntry.action == "import"))
    assert entry is not None and entry.actor_label == "cli import" and entry.actor_id is None

    again = runner.invoke(args=["listings", "import", str(src), "--org", org.credit_code, "--lang", "en"])
    assert again.exit_code == 0 and "0 created, 2 unchanged" in again.output


def test_import_with_bad_rows_exits_1_and_lists_them(runner: Any, make: Factories, tmp_path: Path) -> None:
    org = make.org(status="verified")
    src = tmp_path / "mixed.xlsx"
    src.write_bytes(xlsx_file(table([achievement(org.credit_code or ""),
                                     achievement(org.credit_code or "", title="负价格的成果", amount_min="-1")], "en")))
    result = runner.invoke(args=["listings", "import", str(src), "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "1 created, 0 unchanged, 1 failed" in result.output and "row 3 · Amount from (yuan)" in result.output
    rows = read_csv((tmp_path / "mixed.xlsx.report.csv").read_bytes())
    assert [r[:3] for r in rows[1:]] == [["3", "Amount from (yuan)", "Failed"]]
    rejected = importing.read_sheet("r.xlsx", (tmp_path / "mixed.xlsx.rejected.xlsx").read_bytes())
    assert [n for n, _cells in rejected.rows] == [2]


def test_import_without_an_organisation_fails_the_rows(runner: Any, make: Factories, tmp_path: Path) -> None:
    src = tmp_path / "no-org.csv"
    src.write_bytes(csv_file(table([achievement("")])))
    result = runner.invoke(args=["listings", "import", str(src), "--lang", "en"])
    assert result.exit_code == 1 and "credit code" in result.output


def test_unreadable_files_exit_2(runner: Any, tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"this is not a workbook")
    result = runner.invoke(args=["listings", "import", str(fake), "--lang", "en"])
    assert result.exit_code == 2 and "not a real Excel workbook" in result.output
    missing = runner.invoke(args=["listings", "import", str(tmp_path / "missing.csv"), "--lang", "en"])
    assert missing.exit_code == 2
    no_header = tmp_path / "plain.csv"
    no_header.write_text("a,b\n1,2\n", encoding="utf-8")
    assert runner.invoke(args=["listings", "import", str(no_header)]).exit_code == 2
    assert _count() == 0


def test_template_command_writes_a_file_that_parses_back(runner: Any, tmp_path: Path) -> None:
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"t.{fmt}"
        result = runner.invoke(args=["listings", "template", "--format", fmt, "--output", str(out)])
        assert result.exit_code == 0 and str(out) in result.output
        sheet = importing.read_sheet(out.name, out.read_bytes())
        assert sheet.keys == [c.key for c in COLUMNS] and sheet.example_rows == [2]


def test_expire_command(runner: Any, make: Factories, tmp_path: Path) -> None:
    org = make.org(status="verified")
    src = tmp_path / "a.csv"
    src.write_bytes(csv_file(table([achievement(org.credit_code or "")])))
    assert runner.invoke(args=["listings", "import", str(src)]).exit_code == 0
    db.session.execute(update(Listing).values(status=Status.PUBLISHED.value,
                                              valid_until=dt.date(2020, 1, 1)))
    db.session.commit()
    result = runner.invoke(args=["listings", "expire"])
    assert result.exit_code == 0 and "expired 1 listing(s)" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(Listing.status)) == Status.EXPIRED
