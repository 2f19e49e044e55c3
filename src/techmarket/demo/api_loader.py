"""Demo API token: the enterprise owner's organisation token with a published secret (README), so the API
can be tried at once: ``curl -H "Authorization: Bearer tm_demo-enterprise-2026-nmg" …/api/v1/listings?mine=true``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts import services as accounts
from techmarket.accounts.api_tokens import SCOPES, ApiToken, digest
from techmarket.orgs.models import Membership

DEMO_TOKEN = "tm_demo-enterprise-2026-nmg"
OWNER = "enterprise@demo.techmarket.cn"


def load_api(session: Session) -> int:
    if session.scalar(select(ApiToken.id).where(ApiToken.token_hash == digest(DEMO_TOKEN))) is not None:
        return 0
    user = accounts.find_by_email(session, OWNER)
    org_id = session.scalar(select(Membership.organisation_id).where(Membership.user_id == user.id)) \
        if user is not None else None
    if user is None or org_id is None:
        return 0
    session.add(ApiToken(user_id=user.id, organisation_id=org_id, name="演示 ERP", prefix=DEMO_TOKEN[:10],
                         token_hash=digest(DEMO_TOKEN), scopes=" ".join(SCOPES)))
    session.flush()
    return 1
