"""Demo inquiries (咨询) through the listing services: enterprises ask about published achievements and the owners
answer, spread over the months after each listing was published, so the listing pages, the owners' inboxes and
the statistics' inquiry counts have something to show. Idempotent: nothing is added when the demo already holds
an inquiry."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts import services as accounts
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.demo.trading_loader import _buyers, _member
from techmarket.listings import engagement
from techmarket.listings.constants import Kind, Status
from techmarket.listings.models import InquiryThread, Listing
from techmarket.orgs.constants import OrgType
from techmarket.orgs.models import Organisation

# (question, answer): what an enterprise asks about an achievement, and how its owner answers
EXCHANGES: tuple[tuple[str, str], ...] = (
    ("我公司希望了解这项成果目前的成熟度：是否已完成中试？转让或许可的报价区间大致是多少？",
     "感谢关注。该成果已完成中试，可以转让，也可以普通许可；价格可在挂牌价基础上结合付款方式协商，欢迎来实地考察。"),
    ("这项技术能否在我们现有的生产线上改造使用？需要增加哪些主要设备，投资规模大约多少？",
     "可以在现有产线上改造，主要增加两台关键设备，投资约三百万元；我们可以派技术团队到现场做改造方案。"),
    ("请问是否有相关专利？专利权人和有效期是什么情况，能否提供检测报告？",
     "已获授权发明专利两项，专利权人为本单位，均在有效期内；检测报告可在签署保密协议后提供。"),
    ("我们关注技术的后续服务：转让后是否提供培训和一年的技术支持？",
     "转让后提供不少于三次现场培训和一年技术支持，具体内容可以写入技术合同的附件。"),
)
ASKED = 10  # listings asked about


def load_inquiries(session: Session) -> int:
    """Add the demo inquiries when the demo holds none; returns how many threads were added."""
    if session.scalar(select(InquiryThread.id).limit(1)) is not None:
        return 0
    now = utcnow()
    listings = session.scalars(select(Listing).join(Organisation).where(
        Listing.kind == Kind.ACHIEVEMENT, Listing.status == Status.PUBLISHED, Organisation.status == "verified",
        Listing.published_at < now - dt.timedelta(days=7)).order_by(Listing.published_at, Listing.id)).all()
    step = max(1, len(listings) // ASKED)
    added = 0
    for n, listing in enumerate(listings[::step][:ASKED]):
        owner = _member(session, listing.organisation_id)
        buyers = [(o, u) for o, u in (_buyers(session, listing.organisation_id, owner) if owner is not None else [])
                  if o.org_type == OrgType.ENTERPRISE]
        if owner is None or not buyers:
            continue
        org, asker = buyers[n % len(buyers)]
        question, answer = EXCHANGES[n % len(EXCHANGES)]
        thread = engagement.ask(session, accounts.actor_for(asker), listing, org, question)
        engagement.reply(session, accounts.actor_for(owner), thread, answer)
        assert listing.published_at is not None
        _backdate(session, thread, min(listing.published_at + dt.timedelta(days=5 + n % 20),
                                       now - dt.timedelta(days=2)))
        added += 1
    session.flush()
    return added


def _backdate(session: Session, thread: InquiryThread, asked_at: dt.datetime) -> None:
    """Date the thread and its messages to when a visitor would have asked (a demo-only shortcut, audited like
    the other loaders' backdating): the answer comes a day later."""
    before = {"created_at": thread.created_at}
    thread.created_at = asked_at
    for k, message in enumerate(thread.messages):
        message.created_at = asked_at + dt.timedelta(days=k, hours=2 * k)
    thread.last_message_at = thread.messages[-1].created_at
    session.flush()
    audit.record(session, Actor.system("demo"), "inquiry", thread.id, "demo_backdate", before,
                 {"created_at": thread.created_at})
