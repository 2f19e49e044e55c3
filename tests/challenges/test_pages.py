"""The pages over HTTP: posting through the form, the public list and tabs, applying, the panel, scoring,
the decision and the award."""

from __future__ import annotations

import datetime as dt
import re

from techmarket.accounts.services import actor_for
from techmarket.challenges import calls, decision, review
from techmarket.challenges.models import Application, Call, Review
from techmarket.core.clock import local_today
from techmarket.core.roles import Role
from techmarket.extensions import db
from tests.challenges.builders import OPERATOR, awarded, call_data, reviewing, scene


def _csrf(html: str) -> str:
    """The form's token (the tests run without CSRF checks; the pages still carry one when they are on)."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    return found.group(1) if found else ""


def test_post_a_call_through_the_form(make, login) -> None:
    org = make.org(status="verified")
    client = login(org.memberships[0].user)
    page = client.get("/challenges/new")
    assert page.status_code == 200 and "技术路线 | 30 | 10" in page.get_data(as_text=True)  # the default rubric
    form = {"csrf_token": _csrf(page.get_data(as_text=True)), "poster_org_id": str(org.id),
            "title": "大规模储能电池热管理",
            "public_summary": "征集储能热管理方案", "problem": "温差大", "targets": "温差 | ≤3 | ℃ | 实测",
            "field": "energy_storage", "prefecture_code": "", "bounty": "200万", "fund_source": "enterprise",
            "duration_months": "12", "deadline_on": (local_today() + dt.timedelta(days=20)).isoformat(),
            "selection_mode": "jiebang", "max_winners": "1", "region_scope": "china", "consortium_allowed": "y",
            "rubric": "技术方案 | 60 | 10\n团队 | 30 | 10", "ip_owner": "joint"}
    bad = client.post("/challenges/new", data=form)
    assert bad.status_code == 400 and "权重合计为 90" in bad.get_data(as_text=True)
    assert db.session.query(Call).count() == 0
    form["rubric"] = "技术方案 | 60 | 10\n团队 | 40 | 10"
    ok = client.post("/challenges/new", data=form)
    assert ok.status_code == 302
    call = db.session.query(Call).one()
    assert call.bounty == 2000000 and call.rubric[1]["weight"] == 40 and call.targets[0]["unit"] == "℃"


def test_pages_from_the_list_to_the_award(make, login, signin) -> None:
    s, a, b, _other = reviewing(make)
    anonymous = make.app.test_client()
    listed = anonymous.get("/challenges/?q=稀土&field=rare_earth&bounty_min=100万")
    assert s.call.title in listed.get_data(as_text=True)
    for tab in ("overview", "targets", "timeline", "qa", "results"):
        page = anonymous.get(f"/challenges/{s.call.id}?tab={tab}")
        assert page.status_code == 200, tab
    assert "配方数据" not in anonymous.get(f"/challenges/{s.call.id}").get_data(as_text=True)
    assert "矫顽力" in anonymous.get(f"/challenges/{s.call.id}?tab=targets").get_data(as_text=True)

    applicant = signin(s.applicant)
    assert applicant.get(f"/challenges/applications/{a.id}").status_code == 200
    stranger = signin(make.user(Role.ENTERPRISE))
    assert stranger.get(f"/challenges/applications/{a.id}").status_code == 404

    operator = signin(make.operator())
    review.formal_check(db.session, OPERATOR, a, True)
    review.formal_check(db.session, OPERATOR, b, True)
    expert = make.user(Role.EXPERT)
    db.session.commit()
    panel = operator.get(f"/challenges/{s.call.id}/panel")
    assert panel.status_code == 200 and expert.email in panel.get_data(as_text=True)
    done = operator.post(f"/challenges/{s.call.id}/panel", data={"csrf_token": _csrf(panel.get_data(as_text=True)),
                                                                 "experts": [str(expert.id)]})
    assert done.status_code == 302
    r = db.session.query(Review).filter_by(application_id=a.id, expert_id=expert.id).one()
    assert signin(s.applicant).get(f"/challenges/reviews/{r.id}").status_code == 404  # not theirs
    ex = signin(expert)
    page = ex.get(f"/challenges/reviews/{r.id}")
    assert page.status_code == 200
    token = _csrf(page.get_data(as_text=True))
    bad = ex.post(f"/challenges/reviews/{r.id}", data={"csrf_token": token, "version": r.version, "score_c1": "12",
                                                       "comment_c1": "好", "score_c2": "8", "comment_c2": "好"})
    assert bad.status_code == 400 and "0 到 10" in bad.get_data(as_text=True)
    ok = ex.post(f"/challenges/reviews/{r.id}", data={"csrf_token": token, "version": r.version, "score_c1": "9",
                                                      "comment_c1": "好", "score_c2": "8", "comment_c2": "好"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(Review, r.id).total == 86
    results = operator.get(f"/challenges/{s.call.id}?tab=results")
    assert "86.00" in results.get_data(as_text=True)
    decided = operator.post(f"/challenges/{s.call.id}/decide", data={
        "csrf_token": _csrf(results.get_data(as_text=True)), "version": s.call.version, "winners": [str(a.id)],
        "reason": "综合最优"})
    assert decided.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, a.id).status == "proposed"
    page = anonymous.get(f"/challenges/{s.call.id}?tab=results")
    assert "综合最优" in page.get_data(as_text=True)
    assert operator.get("/admin/challenges/").status_code == 200
    assert signin(s.poster).get("/challenges/mine").status_code == 200
    assert actor_for(s.poster)


def test_project_page(make, signin) -> None:
    s, a = awarded(make)
    poster = signin(s.poster)
    page = poster.get(f"/challenges/projects/{a.id}")
    assert page.status_code == 200 and "小试样品" in page.get_data(as_text=True)
    done = poster.post(f"/challenges/projects/{a.id}/funding", data={"amount": "300万", "reference": "BANK-7"})
    assert done.status_code == 302
    assert signin(s.applicant).get(f"/challenges/projects/{a.id}").status_code == 200
    assert signin(make.user(Role.ENTERPRISE)).get(f"/challenges/projects/{a.id}").status_code == 404
    operator = signin(make.operator())
    assert "BANK-7" in operator.get(f"/challenges/projects/{a.id}").get_data(as_text=True)


def test_consortium_member_sees_the_award_contract_as_a_party(make, login) -> None:
    s, a, _b, _other = reviewing(make)
    review.formal_check(db.session, OPERATOR, a, True)
    decision.propose(db.session, s.p, s.call, [a.id], "技术路线最优")
    s.call.publicity_until = local_today() - dt.timedelta(days=1)
    decision.finalise(db.session, OPERATOR, s.call)
    db.session.commit()
    page = login(s.partner).get(f"/contracts/{a.contract_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "合作方" in html and s.partner_org.name in html
    assert re.findall(r'data-testid="budget-share">([^<]+)<', html) == ["60.00%", "40.00%"]


def test_english_call_page_uses_english_punctuation(make) -> None:
    """The English page listed the applicants and the rubric with Chinese marks (；、（）) between English words."""
    s = reviewing(make)[0]
    anonymous = make.app.test_client()
    english = anonymous.get(f"/challenges/{s.call.id}?lang=en").get_data(as_text=True)
    assert "; consortia accepted" in english and "；" not in english
    assert re.search(r"\d+%; ", english)  # between the rubric's criteria
    assert "（" not in english.split('<main', 1)[-1]
    chinese = anonymous.get(f"/challenges/{s.call.id}?lang=zh_Hans_CN").get_data(as_text=True)
    assert "；接受联合体" in chinese


def test_my_calls_and_applications_page_through_each_list(make, signin) -> None:
    """The applications and reviews stopped at fifty without a pager, and the posted calls had no pager at all."""
    s = scene(make)
    calls.create(db.session, actor_for(s.poster), call_data(s.poster_org.id, title="第二个榜单"))
    db.session.commit()
    poster = signin(s.poster)
    first = poster.get("/challenges/mine?per_page=1&lang=zh_Hans_CN").get_data(as_text=True)
    assert 'data-pager="page"' in first and "page=2" in first
    second = poster.get("/challenges/mine?per_page=1&page=2&lang=zh_Hans_CN").get_data(as_text=True)
    titles = {s.call.title, "第二个榜单"}
    assert sum(t in first for t in titles) == 1 and sum(t in second for t in titles) == 1
    applicant = signin(s.applicant).get("/challenges/mine").get_data(as_text=True)
    assert "/challenges/?status=open" in applicant  # nothing applied for yet: where to look


def test_a_fully_funded_project_offers_no_further_funding_transfer(make, signin) -> None:
    """The poster was still offered "Record the funding transfer" with the whole bounty funded."""
    s, a = awarded(make)
    poster = signin(s.poster)
    before = poster.get(f"/challenges/projects/{a.id}?lang=zh_Hans_CN").get_data(as_text=True)
    assert 'name="amount"' in before and 'data-testid="fully-funded"' not in before
    poster.post(f"/challenges/projects/{a.id}/funding", data={"amount": str(s.call.bounty), "reference": "BANK-9"})
    after = poster.get(f"/challenges/projects/{a.id}?lang=zh_Hans_CN").get_data(as_text=True)
    assert 'data-testid="fully-funded"' in after and 'name="amount"' not in after
