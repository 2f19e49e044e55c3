"""Posting a call: the checks, the operator's review with reasons, the public list, search, NDA and Q&A."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from techmarket.accounts.notifications import Notification
from techmarket.accounts.services import actor_for
from techmarket.challenges import calls, queries, reminders
from techmarket.challenges.models import Call, NdaAcceptance
from techmarket.core.clock import local_today
from techmarket.core.components import component
from techmarket.core.errors import PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.search.service import SearchService
from tests.challenges.builders import OPERATOR, call_data, pass_deadline, scene


def _calls() -> int:
    return db.session.scalar(select(func.count()).select_from(Call)) or 0


BAD_CALLS = [
    ({"rubric": [{"key": "c1", "name": "技术", "weight": 60, "scale": 10},
                 {"key": "c2", "name": "团队", "weight": 30, "scale": 10}]}, "rubric", "add up to 90"),
    ({"deadline_on": local_today() - dt.timedelta(days=1)}, "deadline_on", "future"),
    ({"fund_source": "both", "enterprise_funds": Decimal(1000000), "fiscal_funds": Decimal(1000000)},
     "enterprise_funds", "add up"),
    ({"targets": []}, "targets", "targets"),
    ({"confidential_details": "数据", "nda_text": ""}, "nda_text", "non-disclosure"),
]


def test_bad_calls_are_refused_and_nothing_is_saved(make) -> None:
    org = make.org(status="verified")
    owner = actor_for(org.memberships[0].user)
    for over, field, words in BAD_CALLS:
        with pytest.raises(ValidationFailed) as err:
            calls.create(db.session, owner, call_data(org.id, **over))
        assert field in err.value.field_errors and words in str(err.value.field_errors[field]), over
        db.session.rollback()
    assert _calls() == 0
    pending = make.org(status="pending")
    with pytest.raises(ValidationFailed) as err:  # only verified organisations post
        calls.create(db.session, actor_for(pending.memberships[0].user), call_data(pending.id))
    assert "verified" in str(err.value.field_errors["poster_org_id"])


def test_review_return_publish_list_search_nda_and_qa(app, make) -> None:
    s = scene(make, publish=False)
    call = s.call
    calls.act(db.session, s.p, call, "submit")
    with pytest.raises(ValidationFailed):  # returning needs reasons
        calls.act(db.session, OPERATOR, call, "return", reason=" ")
    calls.act(db.session, OPERATOR, call, "return", reason="技术指标不够具体")
    db.session.commit()
    assert call.status == "returned" and call.return_reason == "技术指标不够具体"
    calls.act(db.session, s.p, call, "submit")
    with pytest.raises(PermissionDenied):
        calls.act(db.session, s.a, call, "approve")
    calls.act(db.session, OPERATOR, call, "approve")
    db.session.commit()
    assert call.status == "open" and call.published_at is not None

    service = component(SearchService)
    found = db.session.scalars(queries.public_calls(db.session, service, queries.Filters(q="稀土永磁"))).all()
    assert [c.id for c in found] == [call.id]
    assert not db.session.scalars(queries.public_calls(db.session, service, queries.Filters(q="光伏组件"))).all()
    assert db.session.scalars(queries.public_calls(db.session, None, queries.Filters(
        field="rare_earth", region="150200", bounty_min=Decimal(1000000), bounty_max=Decimal(5000000),
        status="open"))).all() == [call]
    assert not db.session.scalars(queries.public_calls(db.session, None, queries.Filters(
        bounty_min=Decimal(5000000)))).all()

    # the confidential details: only after accepting this version of the NDA
    assert not calls.may_see_confidential(db.session, s.a, call)
    row = calls.accept_nda(db.session, s.a, call)
    db.session.commit()
    assert row.nda_version == 1 and row.accepted_at is not None
    assert calls.may_see_confidential(db.session, s.a, call)
    assert db.session.scalar(select(func.count()).select_from(NdaAcceptance)) == 1

    # Q&A: the poster hears of a question; the answer and a clarification form the dated log
    q = calls.ask(db.session, s.a, call, "是否接受联合体？")
    db.session.commit()
    told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "question_asked")).all()
    assert told == [s.poster.id]
    with pytest.raises(PermissionDenied):
        calls.answer(db.session, s.a, q, "自问自答")
    db.session.rollback()
    calls.answer(db.session, s.p, q, "接受，牵头单位须为高校或院所。")
    calls.clarify(db.session, s.p, call, "补遗：截止时间不变。")
    db.session.commit()
    log = queries.clarifications(db.session, call)
    assert [x.answer[:2] for x in log] == ["接受", "补遗"] and all(x.answered_at for x in log)

    # three days before the deadline, those who accepted the NDA are reminded (once: the day it falls due)
    call.deadline = calls.end_of_day(local_today() + dt.timedelta(days=3))
    assert reminders.remind(db.session) == 1 and reminders.remind(db.session, local_today() - dt.timedelta(1)) == 0
    db.session.commit()
    told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "call_deadline_soon")).all()
    assert told == [s.applicant.id]

    # the deadline passes (server time): the daily job closes the call for review
    pass_deadline(call)
    assert reminders.close_due(db.session) == 1 and call.status == "reviewing"
    with pytest.raises(ValidationFailed):
        calls.ask(db.session, s.a, call, "还能问吗？")


def test_operator_posts_for_a_programme(make) -> None:
    gov = make.org(status="verified", name="内蒙古自治区科技厅")
    op = make.user(Role.OPERATOR)
    call = calls.create(db.session, actor_for(op), call_data(gov.id, fund_source="fiscal", programme="重大专项"))
    db.session.commit()
    assert call.fiscal and call.fiscal_funds == call.bounty and call.enterprise_funds == 0
