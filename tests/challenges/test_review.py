"""Formal check, panel with detected conflicts of interest, scoring within the scale, hidden scores."""

from __future__ import annotations

import datetime as dt

import pytest

from techmarket.accounts import services as accounts
from techmarket.accounts.services import actor_for
from techmarket.challenges import review
from techmarket.challenges.constants import ReviewStatus
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.extensions import db
from tests.challenges.builders import OPERATOR, reviewing
from tests.contracts.builders import Deal, contract_data, draft


def test_panel_recusal_scoring_and_calibration(make) -> None:
    s, a, b, other_org = reviewing(make)
    with pytest.raises(ValidationFailed):  # failing needs reasons
        review.formal_check(db.session, OPERATOR, b, False, " ")
    db.session.rollback()
    review.formal_check(db.session, OPERATOR, a, True)
    review.formal_check(db.session, OPERATOR, b, True)
    db.session.commit()

    neutral = make.user(Role.EXPERT)
    second = make.user(Role.EXPERT)
    # an expert of the consortium's lead organisation: recused from that application only
    insider = s.applicant  # a member of the lead organisation, given the expert role
    accounts.set_roles(db.session, Actor.system("test"), insider, [Role.EXPERT, Role.ENTERPRISE])
    # an expert whose organisation signed a contract with the other applicant last year: recused too
    partner_org = make.org(status="verified", name="包头合作伙伴有限公司")
    partner_expert = partner_org.memberships[0].user
    accounts.set_roles(db.session, Actor.system("test"), partner_expert, [Role.EXPERT])
    together = Deal(partner_expert, partner_org, other_org.memberships[0].user, other_org)
    contract = draft(together, contract_data(together, signed_on=local_today() - dt.timedelta(days=300)),
                     signed_doc=False)
    contract.status = "registered"
    db.session.commit()

    with pytest.raises(ValidationFailed):  # only experts
        review.assign(db.session, OPERATOR, s.call, [s.poster.id])
    db.session.rollback()
    made = review.assign(db.session, OPERATOR, s.call, [neutral.id, second.id, insider.id, partner_expert.id])
    db.session.commit()
    by = {(r.expert_id, r.application_id): r for r in made}
    assert by[(insider.id, a.id)].status == ReviewStatus.RECUSED
    assert "member of this application" in by[(insider.id, a.id)].recusal_reason
    assert by[(insider.id, b.id)].status == ReviewStatus.ASSIGNED
    assert by[(partner_expert.id, b.id)].status == ReviewStatus.RECUSED
    assert "recorded contract" in by[(partner_expert.id, b.id)].recusal_reason
    assert by[(neutral.id, a.id)].status == ReviewStatus.ASSIGNED

    # scores out of the scale, or missing comments: a clear message and nothing recorded
    r = by[(neutral.id, a.id)]
    with pytest.raises(ValidationFailed) as err:
        review.score(db.session, actor_for(neutral), r, {"c1": ("11", "好"), "c2": ("8", "好")})
    assert "0 to 10" in str(err.value.message)
    db.session.rollback()
    assert r.status == ReviewStatus.ASSIGNED and r.total is None
    with pytest.raises(PermissionDenied):  # only the assigned expert
        review.score(db.session, actor_for(second), r, {"c1": ("9", "好"), "c2": ("8", "好")})
    with pytest.raises(Conflict):  # a recused review cannot be scored
        review.score(db.session, actor_for(insider), by[(insider.id, a.id)], {"c1": ("9", "x"), "c2": ("9", "x")})
    db.session.rollback()

    review.score(db.session, actor_for(neutral), r, {"c1": ("9", "路线清晰"), "c2": ("8", "团队强")})
    review.score(db.session, actor_for(neutral), by[(neutral.id, b.id)], {"c1": ("6", "一般"), "c2": ("6", "一般")})
    db.session.commit()
    assert r.total == 86  # 60 * 9/10 + 40 * 8/10
    assert not review.others_visible(by[(second.id, a.id)])  # not before the second expert scores
    review.score(db.session, actor_for(second), by[(second.id, a.id)], {"c1": ("3", "差"), "c2": ("4", "差")})
    review.score(db.session, actor_for(second), by[(second.id, b.id)], {"c1": ("2", "差"), "c2": ("2", "差")})
    db.session.commit()
    assert review.others_visible(by[(second.id, a.id)])

    ranking = review.ranking(db.session, s.call)
    assert [x.id for x, _o in ranking] == [a.id, b.id]
    outcome = ranking[0][1]
    assert outcome is not None and outcome.count == 2 and outcome.spread == 52 and outcome.disagreement
