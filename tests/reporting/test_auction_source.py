"""Auctions in the statistics, kept by the auction's own events: held (by result), concluded (成交) with the final
price, failed (流拍), by month of the close and 盟市; an upheld objection moves a 成交 to "annulled"; a rebuild
agrees; the dashboard shows the tables (and their CSV) in both languages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from sqlalchemy import select

from techmarket.extensions import db
from techmarket.reporting.models import TallyCell
from techmarket.reporting.queries import Filters, Reader
from techmarket.reporting.sources import auction_result
from techmarket.trading.auctions import bidding, closing, results
from tests.trading.builders import scene
from tests.trading.test_auctions import T0, _running

YEAR = Filters("2031-01", "2031-12")


def _state() -> set[tuple]:
    return {(c.source, c.month, c.prefecture_code, c.dimension, c.value, c.count, c.amount_fen)
            for c in db.session.scalars(select(TallyCell).where(TallyCell.source.like("auction%"))) if c.count}


def test_results_of_a_held_auction() -> None:
    assert auction_result("publicity", True, True) == "concluded"
    assert auction_result("failed", True, False) == "failed"
    assert auction_result("withdrawn", True, False) == "failed"  # withdrawn after a 流拍
    assert auction_result("annulled", True, True) == "annulled"
    assert auction_result("draft", True, False) is None  # relisted: counts when it closes again
    assert auction_result("scheduled", False, False) is None


def test_auctions_held_concluded_and_failed_by_month_and_prefecture(make, runner) -> None:
    sold, op, b1, b2 = _running(make, scene(make))
    failed, *_ = _running(make, scene(make))
    bidding.place(db.session, b2, sold.id, D("100000"), "k1", now=T0 + dt.timedelta(minutes=1))
    bidding.place(db.session, b1, sold.id, D("120000"), "k2", now=T0 + dt.timedelta(minutes=2))
    db.session.commit()
    assert Reader(db.session, YEAR).headline("auction").count == 0  # running: not held yet
    closing.refresh(db.session, sold, now=sold.ends_at)
    closing.refresh(db.session, failed, now=failed.ends_at)
    db.session.commit()
    assert (sold.status, failed.status) == ("publicity", "failed")
    reader = Reader(db.session, YEAR)
    assert reader.headline("auction").count == 2
    assert (reader.headline("auction_concluded").count, reader.headline("auction_concluded").amount) == (
        1, D("120000"))
    assert reader.headline("auction_failed").count == 1
    assert {r.key: r.count for r in reader.table("auction", "result").rows if r.count} == {"concluded": 1, "failed": 1}
    assert {r.key: r.count for r in reader.table("auction", "month").rows if r.count} == {"2031-06": 2}
    area = sold.listing.prefecture_code
    assert {r.key: r.count for r in reader.table("auction_concluded", "prefecture").rows if r.count} == {area: 1}

    objection = results.object_to(db.session, b2, sold, "中标人与卖方存在关联关系，应当取消资格。")
    results.decide(db.session, op, objection, "uphold", "异议成立")
    db.session.commit()
    after = Reader(db.session, YEAR)
    assert after.headline("auction").count == 2 and after.headline("auction_concluded").count == 0
    assert {r.key: r.count for r in after.table("auction", "result").rows if r.count} == {"annulled": 1, "failed": 1}
    incremental = _state()
    result = runner.invoke(args=["reporting", "rebuild"])
    assert result.exit_code == 0, result.output
    assert _state() == incremental


def test_the_dashboard_shows_auction_tables_with_csv(client, make, signin) -> None:
    today = dt.date.today()
    page = client.get(f"/statistics/?from={today.year}-01").get_data(as_text=True)
    assert 'id="tbl-auction-month"' in page and 'data-testid="csv-auction_concluded-month"' in page
    assert "竞价流拍" in page and "按结果" in page
    csv = client.get(f"/statistics/auction-result.csv?from={today.year}-01")
    assert csv.status_code == 200 and "竞价结果" in csv.get_data(as_text=True) and "流拍" in csv.get_data(as_text=True)
    client.get("/lang/en")
    page = client.get("/statistics/").get_data(as_text=True)
    assert "Auctions failed (流拍)" in page and "Auctions count in the month they closed" in page
    staff = signin(make.operator())
    page = staff.get("/admin/reporting/").get_data(as_text=True)
    assert 'id="tbl-auction_failed-prefecture"' in page and 'id="tbl-auction-field"' in page
