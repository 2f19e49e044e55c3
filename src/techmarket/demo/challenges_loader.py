"""Demo calls (揭榜挂帅) through the challenge services, one in each stage: awaiting the operator, open with
public Q&A, under review with a consortium that has a foreign member and a panel with a recused expert, in
publicity, and awarded (with its draft development contract and a project whose first milestone is accepted and
paid out). Idempotent: nothing is added when a call exists.

Time is moved on by setting a call's deadline (and a publicity's end) into the past, as the clock would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts import services as accounts
from techmarket.accounts.models import User
from techmarket.challenges import applications, calls, decision, project, review
from techmarket.challenges.data import CallData
from techmarket.challenges.models import Application, Call, ExpertProfile, Review
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today, utcnow
from techmarket.core.roles import Role
from techmarket.orgs.models import Organisation

RUBRIC = [{"key": "c1", "name": "技术路线", "weight": 30, "scale": 10},
          {"key": "c2", "name": "团队与业绩", "weight": 20, "scale": 10},
          {"key": "c3", "name": "实施计划与里程碑", "weight": 20, "scale": 10},
          {"key": "c4", "name": "经费预算", "weight": 15, "scale": 10},
          {"key": "c5", "name": "预期成果与知识产权", "weight": 15, "scale": 10}]
SECTIONS = {"c1": "晶界扩散重稀土减量技术路线，已完成实验室验证。", "c2": "团队12人，承担国家重点研发计划2项。",
            "c3": "第一年完成小试，第二年完成中试。", "c4": "设备40%，材料30%，人员30%。",
            "c5": "申请发明专利3项，成果归属按榜单约定。"}
MILESTONES = [{"deliverable": "小试样品及检测报告", "due_on": "2027-09-30", "criteria": "矫顽力≥18kOe", "share": "40"},
              {"deliverable": "中试线验收", "due_on": "2028-06-30", "criteria": "矫顽力≥20kOe，一致性≥95%",
               "share": "60"}]


def _user(session: Session, email: str) -> User:
    user = accounts.find_by_email(session, email)
    assert user is not None, email
    return user


def _org(session: Session, name: str) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.name == name))
    assert org is not None, name
    return org


def _call(session: Session, poster: User, org: Organisation, title: str, **over: Any) -> Call:
    values: dict[str, Any] = {
        "poster_org_id": org.id, "title": title,
        "problem": f"{title}：现有工艺无法满足下游客户的指标要求，需要外部团队攻关。",
        "public_summary": f"征集{title}的解决方案，欢迎高校、院所和企业揭榜，可联合揭榜。", "field": "rare_earth",
        "bounty": Decimal("3000000"), "deadline_on": local_today() + dt.timedelta(days=30),
        "prefecture_code": "150200",
        "targets": [{"indicator": "矫顽力", "value": "≥20", "unit": "kOe", "method": "第三方检测机构按GB/T 3217测定"},
                    {"indicator": "重稀土用量", "value": "≤1.5", "unit": "wt%", "method": "ICP成分分析"}],
        "rubric": [dict(c) for c in RUBRIC], "region_scope": "world", "credentials": "具有相关领域研发基础",
        "ip_licence_back": "发榜方享有免费、非独占的使用许可", "ip_revenue_sharing": "对外许可收益按合同约定分配",
        "confidential_details": "现有产线工艺参数与失效样品检测数据（附件另附）。",
        "nda_text": "接受本协议者对保密内容承担保密义务，不得用于本榜单以外的用途。", "duration_months": 24}
    values.update(over)
    return calls.create(session, accounts.actor_for(poster), CallData(**values))


def _publish(session: Session, call: Call, poster: User, operator: Actor) -> None:
    calls.act(session, accounts.actor_for(poster), call, "submit")
    calls.act(session, operator, call, "approve")


def _apply(session: Session, user: User, org: Organisation, call: Call) -> Application:
    who = accounts.actor_for(user)
    app = applications.start(session, who, call, org.id)
    applications.save(session, who, app, title=f"{org.name}关于“{call.title}”的揭榜方案", sections=dict(SECTIONS),
                      milestones=[dict(m) for m in MILESTONES], budget=call.bounty)
    return app


def _close(session: Session, call: Call) -> None:
    call.deadline = utcnow() - dt.timedelta(hours=1)
    session.flush()
    calls.settle(session, call)


def _score(session: Session, expert: User, app: Application, marks: list[int]) -> None:
    r = session.scalar(select(Review).where(Review.application_id == app.id, Review.expert_id == expert.id))
    if r is not None and r.status == "assigned":
        marks_of = {f"c{i}": (str(v), "论证较充分。" if v >= 7 else "需进一步论证。") for i, v in enumerate(marks, 1)}
        review.score(session, accounts.actor_for(expert), r, marks_of)


def load_challenges(session: Session) -> int:
    if session.scalar(select(Call.id).limit(1)) is not None:
        return 0
    operator = accounts.actor_for(_user(session, "operator@demo.techmarket.cn"))
    poster = _user(session, "enterprise@demo.techmarket.cn")
    poster_org = _org(session, "包头稀土永磁科技有限公司")
    dairy = _user(session, "dairy@demo.techmarket.cn")
    dairy_org = _org(session, "呼和浩特乳业生物技术有限公司")
    uni, uni_org = _user(session, "researcher@demo.techmarket.cn"), _org(session, "内蒙古大学")
    inst, inst_org = _user(session, "rare-earth@demo.techmarket.cn"), _org(session, "包头稀土新材料研究所")
    nordic, nordic_org = _user(session, "partner@demo.techmarket.cn"), _org(session, "Nordic Hydrogen Technology AB")
    expert = _user(session, "expert@demo.techmarket.cn")
    # 赵研究员 of the institute is also in the expert pool: recused from the institute's own application
    accounts.set_roles(session, Actor.system("demo"), inst, [Role.RESEARCHER, Role.EXPERT])
    for user, fields in ((expert, ["rare_earth", "energy_storage"]), (inst, ["rare_earth"])):
        session.add(ExpertProfile(user_id=user.id, fields=fields, title="研究员"))

    # 1. awaiting the operator's review
    pending = _call(session, dairy, dairy_org, "乳清蛋白高值化利用技术", field="agriculture",
                    bounty=Decimal("800000"), prefecture_code="150100")
    calls.act(session, accounts.actor_for(dairy), pending, "submit")

    # 2. open, with a question answered and a clarification
    open_call = _call(session, poster, poster_org, "烧结钕铁硼晶界扩散重稀土减量技术", fund_source="both",
                      bounty=Decimal("5000000"), enterprise_funds=Decimal("3000000"), fiscal_funds=Decimal("2000000"),
                      programme="自治区“揭榜挂帅”科技重大专项")
    _publish(session, open_call, poster, operator)
    q = calls.ask(session, accounts.actor_for(uni), open_call, "境外机构能否作为联合体成员参与？")
    calls.answer(session, accounts.actor_for(poster), q, "可以，境外成员须提供所在国家和注册号，财政资金可按规定拨付。")
    calls.clarify(session, accounts.actor_for(poster), open_call, "补遗：中试验收地点为包头市稀土高新区。")

    # 3. under review: a consortium with a foreign member, a single applicant, a panel with a recused expert
    reviewing = _call(session, poster, poster_org, "高矫顽力稀土永磁材料制备技术攻关")
    _publish(session, reviewing, poster, operator)
    consortium = _apply(session, inst, inst_org, reviewing)
    member = applications.invite(session, accounts.actor_for(inst), consortium,
                                 nordic_org.foreign_registration or "", "磁体表征与国际检测")
    lead = next(m for m in consortium.members if m.is_lead)
    applications.set_shares(session, accounts.actor_for(inst), consortium, {
        lead.id: ("牵头：工艺研发与中试", Decimal(70), Decimal(75)), member.id: ("磁体表征", Decimal(30), Decimal(25))})
    applications.answer_invitation(session, accounts.actor_for(nordic), member, True)
    applications.submit(session, accounts.actor_for(inst), consortium)
    single = _apply(session, uni, uni_org, reviewing)
    applications.submit(session, accounts.actor_for(uni), single)
    _close(session, reviewing)
    review.formal_check(session, operator, consortium, True)
    review.formal_check(session, operator, single, True)
    review.assign(session, operator, reviewing, [expert.id, inst.id])
    _score(session, expert, consortium, [9, 8, 8, 7, 8])
    _score(session, expert, single, [7, 8, 6, 7, 6])

    # 4. in publicity
    publicity = _call(session, poster, poster_org, "稀土抛光粉废料回收再利用技术", bounty=Decimal("1200000"))
    _publish(session, publicity, poster, operator)
    app = _apply(session, uni, uni_org, publicity)
    applications.submit(session, accounts.actor_for(uni), app)
    _close(session, publicity)
    review.formal_check(session, operator, app, True)
    review.assign(session, operator, publicity, [expert.id])
    _score(session, expert, app, [8, 8, 7, 8, 7])
    decision.propose(session, accounts.actor_for(poster), publicity, [app.id], "综合评分第一，技术路线可行。")

    # 5. awarded: the award drafts a development contract between the poster and the winner
    awarded = _call(session, dairy, dairy_org, "稀土发光材料在乳品检测中的应用", bounty=Decimal("600000"),
                    prefecture_code="150100")
    _publish(session, awarded, dairy, operator)
    won = _apply(session, inst, inst_org, awarded)
    applications.submit(session, accounts.actor_for(inst), won)
    _close(session, awarded)
    review.formal_check(session, operator, won, True)
    review.assign(session, operator, awarded, [expert.id])
    _score(session, expert, won, [8, 7, 8, 8, 8])
    decision.propose(session, accounts.actor_for(dairy), awarded, [won.id], "唯一合格申报，评分良好。")
    awarded.publicity_until = local_today() - dt.timedelta(days=1)
    session.flush()
    decision.finalise(session, operator, awarded)
    # the project: funded up front, the first milestone delivered, accepted and its part released
    fund = project.record_funding(session, accounts.actor_for(dairy), won, "60万", "ICBC-20261120-0087")
    project.decide_transfer(session, operator, fund, True)
    first = project.milestones_of(session, won)[0]
    project.deliver(session, accounts.actor_for(inst), first, "小试样品10批及第三方检测报告（矫顽力18.6kOe）", [],
                    instance_path="", max_bytes=0)
    project.decide(session, accounts.actor_for(dairy), first, "accept")
    release = next(t for t in project.transfers_of(session, won) if t.kind == "release")
    project.decide_transfer(session, operator, release, True)
    session.flush()
    _spread(session, ((pending, 4), (open_call, 12), (reviewing, 70), (publicity, 130), (awarded, 240)))
    return 5


def _spread(session: Session, plan: tuple[tuple[Call, int], ...]) -> None:
    """Each call was drafted and published that many days ago, not all today (the statistics count calls in the
    month they were published); the later steps keep their dates. A demo-only shortcut, like the deadlines above,
    recorded in the audit log as ``demo_backdate``."""
    now = utcnow()
    for call, days in plan:
        before = {"created_at": call.created_at, "published_at": call.published_at}
        call.created_at = now - dt.timedelta(days=days + 5)
        if call.published_at is not None:
            call.published_at = now - dt.timedelta(days=days)
        session.flush()
        audit.record(session, Actor.system("demo"), "call", call.id, "demo_backdate", before,
                     {"created_at": call.created_at, "published_at": call.published_at})
