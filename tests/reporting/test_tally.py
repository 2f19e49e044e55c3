"""The statistics tally follows the workflow's events, and a rebuild from the domain tables agrees with it."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import delete, select

from techmarket.accounts.models import User
from techmarket.accounts.services import actor_for
from techmarket.contracts import registration
from techmarket.core.clock import local_today
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings import services as listing_services
from techmarket.reporting import tally
from techmarket.reporting.models import TallyCell
from techmarket.reporting.queries import Filters, Reader
from tests.factories import Factories


def _state() -> set[tuple]:
    return {(c.source, c.month, c.prefecture_code, c.dimension, c.value, c.count, c.amount_fen)
            for c in db.session.scalars(select(TallyCell)) if c.count}


def _this_year() -> Filters:
    today = local_today()
    return Filters(f"{today.year}-01", f"{today.year}-{today.month:02d}")


def test_events_keep_the_tally_and_the_rebuild_agrees(make: Factories, runner) -> None:
    listing = make.listing()
    reader = Reader(db.session, _this_year())
    assert reader.headline("listing").count == 1
    fields = {r.key: r.count for r in reader.table("listing", "field").rows if r.count}
    assert fields and set(fields) == set(listing.fields)
    assert {r.key: r.count for r in reader.table("listing", "prefecture").rows if r.count} == {
        listing.prefecture_code: 1}

    contract = make.contract("registered")
    registrar = make.user(Role.REGISTRAR)
    contracts = Reader(db.session, _this_year())
    assert (contracts.headline("contract").count, contracts.headline("contract").amount) == (
        1, contract.technical_amount)
    by_type = {r.key: r.count for r in contracts.table("contract", "type").rows}
    assert by_type == {contract.type_code: 1}

    registration.amend(db.session, actor_for(registrar), contract, reason="补充协议调整金额",
                       total_amount=Decimal("900000.00"), technical_amount=Decimal("700000.00"))
    db.session.commit()
    assert Reader(db.session, _this_year()).headline("contract").amount == Decimal("700000.00")

    incremental = _state()
    tally.rebuild(db.session)
    db.session.commit()
    assert _state() == incremental

    registration.rescind(db.session, actor_for(registrar), contract, reason="双方协商解除")
    owner = db.session.get(User, listing.created_by_id)
    listing_services.transition(db.session, actor_for(owner), listing, "withdraw", reason="不再转让")
    db.session.commit()
    after = Reader(db.session, _this_year())
    assert (after.headline("contract").count, after.headline("contract").amount) == (0, Decimal(0))
    assert after.headline("listing").count == 0
    assert not _state()  # every cell went back to zero

    # A change rolled back leaves the tally as it was.
    submitted = make.contract("submitted")
    registration.approve(db.session, actor_for(registrar), submitted, expert_opinion="同意")
    assert Reader(db.session, _this_year()).headline("contract").count == 1  # inside the unit of work
    db.session.rollback()
    assert Reader(db.session, _this_year()).headline("contract").count == 0

    # The rebuild command counts afresh and says how far it is.
    make.listing()
    db.session.execute(delete(TallyCell))
    db.session.commit()
    result = runner.invoke(args=["reporting", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "listing: 2 object(s)" in result.output and "2/2" in result.output
    assert Reader(db.session, _this_year()).headline("listing").count == 1  # the withdrawn one does not count
