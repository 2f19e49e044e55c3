"""Who may see what of a listing: the one policy that the listing pages, search results, exports, the search
index and the API ask (POLICY: contact details and confidential demands).

- A listing that is not published opens only for members of its organisation and the operator.
- A confidential demand (``verified_only``) shows its issuer and details to members of verified organisations,
  the operator and its own organisation; everyone else sees an anonymous issuer, and the public search index
  never holds those details.
- Contact details go to members of verified organisations, the operator and the owners.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.core.actor import Actor
from techmarket.core.roles import Role
from techmarket.listings.constants import Kind, Status
from techmarket.orgs.models import Membership, Organisation


class ListingFacts(Protocol):
    kind: Any
    confidentiality: Any
    status: Any
    organisation_id: Any


def is_confidential(listing: Any) -> bool:
    """A demand whose issuer and details only verified organisations see."""
    return str(listing.kind) == Kind.DEMAND.value and listing.confidentiality == "verified_only"


@dataclass(frozen=True)
class Viewer:
    """The person looking, reduced to what the policy asks."""

    user_id: int | None
    member_of: frozenset[int]
    operator: bool
    verified: bool  # belongs to some verified organisation

    def is_member(self, listing: ListingFacts) -> bool:
        return listing.organisation_id in self.member_of

    def may_open(self, listing: ListingFacts) -> bool:
        return str(listing.status) == Status.PUBLISHED.value or self.is_member(listing) or self.operator

    def sees_details(self, listing: ListingFacts) -> bool:
        return not is_confidential(listing) or self.operator or self.verified or self.is_member(listing)

    def sees_contact(self, listing: ListingFacts | None = None) -> bool:
        return self.operator or self.verified or (listing is not None and self.is_member(listing))


PUBLIC = Viewer(None, frozenset(), False, False)


def viewer_for(session: Session, actor: Actor) -> Viewer:
    """The viewer an actor is (two small queries; anonymous visitors need none)."""
    if actor.user_id is None:
        return Viewer(None, frozenset(), actor.has(Role.OPERATOR) and not actor.is_anonymous, False)
    rows = session.execute(select(Membership.organisation_id, Organisation.status).join(Organisation)
                           .where(Membership.user_id == actor.user_id)).all()
    return Viewer(actor.user_id, frozenset(org_id for org_id, _s in rows), actor.has(Role.OPERATOR),
                  any(status == "verified" for _o, status in rows))
