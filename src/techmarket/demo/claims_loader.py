"""Demo subsidy claims and brokers, made through the claim and broker services (so each is audited and obeys the
rules): the science-bureau users of 包头 (九原区, 青山区 and the 盟市) and of 土默特左旗, a claim in every state of
the open claim year from the demo contracts registered in its window, an objection in publicity, and three brokers
with contracts attributed to them. Idempotent: nothing is added when a claim exists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts import services as accounts
from techmarket.accounts.models import User
from techmarket.contracts.models import Contract, ContractParty
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today, utcnow
from techmarket.core.errors import DomainError
from techmarket.core.roles import Role
from techmarket.demo.data import DEMO_PASSWORD
from techmarket.incentives.brokers import services as brokers
from techmarket.incentives.brokers.models import Broker
from techmarket.incentives.claims import access, claiming, review
from techmarket.incentives.claims.models import SubsidyClaim
from techmarket.orgs.models import Membership, Organisation
from techmarket.rulesets.services import rulebook

BUREAUS = (  # email, name, role, area
    ("county@demo.techmarket.cn", "九原区科技局 高科长", Role.COUNTY_BUREAU, "150207"),
    ("county-qingshan@demo.techmarket.cn", "青山区科技局 马科长", Role.COUNTY_BUREAU, "150204"),
    ("county-tumd@demo.techmarket.cn", "土默特左旗科技局 云科长", Role.COUNTY_BUREAU, "150121"),
    ("city@demo.techmarket.cn", "包头市科技局 韩处长", Role.CITY_BUREAU, "150200"),
)
BAOTOU_RARE_EARTH = "包头稀土永磁科技有限公司"
USTB = "内蒙古科技大学"


def _user(session: Session, email: str, name: str, role: Role) -> User:
    user = accounts.find_by_email(session, email)
    if user is None:
        user = accounts.register(session, email=email, password=DEMO_PASSWORD, name=name, language="zh_Hans_CN",
                                 role=Role.RESEARCHER)
        user.email_confirmed_at = utcnow()
        accounts.set_roles(session, Actor.system("demo"), user, [role])
        session.flush()
    return user


def _org(session: Session, name: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.name == name))


def _member(session: Session, org: Organisation) -> Actor | None:
    user = session.scalar(select(User).join(Membership, Membership.user_id == User.id)
                          .where(Membership.organisation_id == org.id).order_by(Membership.id).limit(1))
    return accounts.actor_for(user) if user is not None else None


def _contract(session: Session, role: str, org: Organisation, window: tuple[dt.date, dt.date],
              other: str | None = None) -> Contract | None:
    """A contract of ``org`` in ``role`` registered in the claim window (with ``other`` as a party when given)."""
    query = (select(Contract).join(ContractParty, ContractParty.contract_id == Contract.id)
             .where(ContractParty.organisation_id == org.id, ContractParty.role == role,
                    Contract.status == "registered", Contract.registered_on.between(*window))
             .order_by(Contract.registered_on))
    if other is not None:
        query = query.where(Contract.id.in_(select(ContractParty.contract_id).where(ContractParty.name == other)))
    return session.scalars(query).first()


def load_claims(session: Session, today: dt.date | None = None) -> int:
    if session.scalar(select(SubsidyClaim.id).limit(1)) is not None:
        return 0
    today = today or local_today()
    operator_user = accounts.find_by_email(session, "operator@demo.techmarket.cn")
    op = accounts.actor_for(operator_user) if operator_user else Actor.system("demo operator")
    staff = {}
    for email, name, role, area in BUREAUS:
        user = _user(session, email, name, role)
        access.assign_area(session, Actor(user_id=None, label="demo", roles=frozenset({Role.OPERATOR})), user, area)
        staff[area] = accounts.actor_for(user)
    county, qingshan, tumd, city = staff["150207"], staff["150204"], staff["150121"], staff["150200"]
    made = 0
    book = rulebook(session)
    window = claiming.claim_window(book, claiming.open_claim_year(book, today))

    def apply_for(org_name: str, role: str, other: str | None = None) -> SubsidyClaim | None:
        nonlocal made
        org = _org(session, org_name)
        member = _member(session, org) if org is not None else None
        contract = _contract(session, role, org, window, other) if org is not None else None
        if org is None or member is None or contract is None:
            return None
        vouchers = [p.id for p in contract.payments if p.status == "confirmed"]
        try:
            with session.begin_nested():
                claim = claiming.create(session, member, org, role, [contract.id], vouchers,
                                        statement="申请技术交易后补助，合同及付款凭证见附件。", today=today)
        except DomainError:  # a contract outside the window (the demo dates move with today): skip it
            return None
        made += 1
        return claim

    def through(claim: SubsidyClaim | None, *steps: tuple[Actor, str, str]) -> None:
        if claim is None:
            return
        claiming.submit(session, _member(session, claim.organisation) or op, claim)
        for who, action, reason in steps:
            review.decide(session, who, claim, action, reason)

    # ended claims first: their contracts count again for the live ones below
    refused = apply_for(BAOTOU_RARE_EARTH, "buyer", "内蒙古技术转移中心")
    through(refused, (county, "pre_refuse", "技术中介服务合同的付款凭证与合同金额不符，且无发票。"))
    withdrawn = apply_for(BAOTOU_RARE_EARTH, "buyer", "乌海石墨烯材料有限公司")
    if withdrawn is not None:
        claiming.withdraw(session, _member(session, withdrawn.organisation) or op, withdrawn,
                          "申请年度选错，撤回后重新申请。")
    listed = apply_for(BAOTOU_RARE_EARTH, "buyer", "乌海石墨烯材料有限公司")
    through(listed, (county, "pre_pass", ""), (city, "city_pass", ""), (op, "approve", "材料齐全，同意补助。"))
    if listed is not None:
        review.publish(session, op, listed, today=today - dt.timedelta(days=21))
        review.list_for_disbursement(session, op, listed, today - dt.timedelta(days=3), today=today)
    publicity = apply_for(BAOTOU_RARE_EARTH, "seller")
    through(publicity, (county, "pre_pass", ""), (city, "city_pass", ""), (op, "approve", ""))
    if publicity is not None:
        review.publish(session, op, publicity, today=today)
        review.object_to(session, publicity, "某稀土贸易公司", "0472-5123456",
                         "据了解该许可合同的受让方尚未实际使用该专利，请核实后再拨付。", today=today)
    approved = apply_for(USTB, "seller")
    through(approved, (qingshan, "pre_pass", ""), (city, "city_pass", ""), (op, "approve", ""))
    operator_review = apply_for(BAOTOU_RARE_EARTH, "buyer", USTB)
    through(operator_review, (county, "pre_pass", ""), (city, "city_pass", "同意上报。"))
    city_review = apply_for(BAOTOU_RARE_EARTH, "buyer", "内蒙古技术转移中心")
    through(city_review, (county, "pre_pass", "初审通过。"))
    returned = apply_for("呼和浩特乳业生物技术有限公司", "buyer")
    through(returned, (tumd, "pre_return", "请补充第二期付款的银行回单。"))
    through(apply_for("兴安盟绿色农畜产品有限公司", "buyer", "通辽玉米生物科技有限公司"))  # county pre-review
    apply_for("兴安盟绿色农畜产品有限公司", "buyer", "呼和浩特乳业生物技术有限公司")  # a draft
    session.flush()
    return made + _brokers(session, op)


BROKERS = (  # name, credential, level, 盟市, agency, fields, email, [(other party of the contract, share)]
    ("周经纪人", "NMJJR-2024-0018", "senior", "150100", "内蒙古技术转移中心", ("hydrogen", "rare_earth"),
     "broker@demo.techmarket.cn", [("鄂尔多斯煤制烯烃化工有限公司", "0.5"), (BAOTOU_RARE_EARTH, "1")]),
    ("包头 白经纪人", "NMJJR-2025-0102", "intermediate", "150200", None, ("rare_earth",), None,
     [("乌海石墨烯材料有限公司", "1"), (USTB, "0.5")]),
    ("鄂尔多斯 乔经纪人", "NMJJR-2025-0131", "junior", "150600", None, ("hydrogen", "ccus"), None,
     [("鄂尔多斯煤制烯烃化工有限公司", "0.5")]),
)


def _brokers(session: Session, op: Actor) -> int:
    if session.scalar(select(Broker.id).limit(1)) is not None:
        return 0
    added = 0
    for name, number, level, prefecture, agency, fields, email, deals in BROKERS:
        org = _org(session, agency) if agency else None
        user = accounts.find_by_email(session, email) if email else None
        broker = brokers.register(session, op, brokers.BrokerData(
            name=name, credential_no=number, credential_level=level, prefecture_code=prefecture, fields=fields,
            organisation_id=org.id if org else None, user_id=user.id if user else None,
            bio="在科技主管部门备案的技术经纪人。"))
        added += 1
        for other, share in deals:
            contract = session.scalar(select(Contract).join(ContractParty, ContractParty.contract_id == Contract.id)
                                      .where(ContractParty.name == other, Contract.status == "registered")
                                      .order_by(Contract.registered_on.desc()).limit(1))
            if contract is not None and contract.registration_number:
                try:
                    with session.begin_nested():
                        brokers.attribute(session, op, broker, contract.registration_number, Decimal(share))
                except DomainError:  # that contract's shares are already full: the demo moves on
                    continue
    return added
