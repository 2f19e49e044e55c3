"""Subsidy claims and 揭榜挂帅 calls in the statistics: granted and paid claims by 盟市, month and clause; calls
published and awarded with their bounties; the events keep the tally, a rebuild agrees and the yearly report
counts them instead of saying "not recorded yet"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from techmarket.accounts.services import actor_for
from techmarket.challenges import calls
from techmarket.challenges.models import Call
from techmarket.core.clock import local_today, utcnow
from techmarket.extensions import db
from techmarket.incentives import disbursements
from techmarket.incentives.claims import claiming, review
from techmarket.reporting import tally, yearly
from techmarket.reporting.models import TallyCell
from techmarket.reporting.queries import Filters, Reader
from techmarket.reporting.sources import SOURCES
from tests.challenges.builders import call_data, scene
from tests.factories import Factories
from tests.incentives.support import SUBSIDY_OF_800K, TODAY, claim, setup


def _state(*sources: str) -> set[tuple]:
    return {(c.source, c.month, c.prefecture_code, c.dimension, c.value, c.count, c.amount_fen)
            for c in db.session.scalars(select(TallyCell).where(TallyCell.source.in_(sources))) if c.count}


def _reader(area: str | None = None) -> Reader:
    today = local_today()
    return Reader(db.session, Filters(f"{today.year}-01", f"{today.year}-{today.month:02d}", area))


def test_granted_and_paid_claims_are_counted_by_prefecture_and_clause(make: Factories) -> None:
    s = setup(make)
    c = claim(s)
    claiming.submit(db.session, actor_for(s.d.buyer), c)
    review.decide(db.session, actor_for(s.county), c, "pre_pass")
    review.decide(db.session, actor_for(s.city), c, "city_pass")
    db.session.commit()
    assert _reader().headline("claim").count == 0  # under review: not granted yet
    op = actor_for(s.operator)
    review.decide(db.session, op, c, "approve")
    db.session.commit()
    here = _reader("150200")
    assert (here.headline("claim").count, here.headline("claim").amount) == (1, SUBSIDY_OF_800K)
    assert {r.key: r.amount for r in here.table("claim", "clause").rows} == {"buyer": SUBSIDY_OF_800K}
    assert _reader("150100").headline("claim").count == 0
    review.publish(db.session, op, c, today=TODAY)
    later = c.publicity_until + dt.timedelta(days=1)
    row = review.list_for_disbursement(db.session, op, c, later, today=later)
    db.session.commit()
    assert _reader().headline("claim_paid").count == 0  # listed, not paid yet
    disbursements.mark_paid(db.session, op, row, later, today=later)
    db.session.commit()
    paid = Reader(db.session, Filters(f"{later.year}-01", f"{later.year}-12", "150200"))
    assert (paid.headline("claim_paid").count, paid.headline("claim_paid").amount) == (1, SUBSIDY_OF_800K)
    assert paid.table("claim_paid", "clause").rows[0].label == "买方技术交易后补助"
    incremental = _state("claim", "claim_paid")
    assert tally.rebuild(db.session, ["claim", "claim_paid"]) == {"claim": 1, "claim_paid": 1}
    assert _state("claim", "claim_paid") == incremental

    report = yearly.build(db.session, "150200", TODAY.year)
    assert report["not_recorded"] == []  # auctions are a source too
    figures = {f["source"]: f["this"] for f in report["summary"]}
    assert (figures["claim"]["count"], Decimal(figures["claim"]["amount"])) == (1, SUBSIDY_OF_800K)


def test_calls_published_and_awarded_with_their_bounties(make: Factories, runner) -> None:
    sc = scene(make)
    published = sc.call
    draft = calls.create(db.session, sc.p, call_data(sc.poster_org.id, prefecture_code="150100"))
    db.session.commit()
    reader = _reader()
    assert (reader.headline("call").count, reader.headline("call").amount) == (1, Decimal("3000000"))
    assert {r.key: r.count for r in reader.table("call", "prefecture").rows if r.count} == {"150200": 1}
    assert {r.key for r in reader.table("call", "outcome").rows} == {"open"}
    assert reader.headline("call_awarded").count == 0
    # the award itself is covered by the challenges tests; here its outcome is recounted as its event would
    published.status, published.awarded_at = "awarded", utcnow()
    tally.refresh(db.session, SOURCES["call"], [published.id, draft.id])
    tally.refresh(db.session, SOURCES["call_awarded"], [published.id, draft.id])
    db.session.commit()
    after = _reader("150200")
    assert (after.headline("call_awarded").count, after.headline("call_awarded").amount) == (1, Decimal("3000000"))
    assert {r.key for r in after.table("call", "outcome").rows if r.count} == {"awarded"}
    incremental = _state("call", "call_awarded")
    result = runner.invoke(args=["reporting", "rebuild"])
    assert result.exit_code == 0, result.output
    assert _state("call", "call_awarded") == incremental
    assert db.session.get(Call, draft.id).status == "draft"
    report = yearly.build(db.session, "150200", TODAY.year)
    assert report["not_recorded"] == []  # auctions are a source too
    assert report["groups"]["call-outcome"]["rows"][0]["count"] == 1
