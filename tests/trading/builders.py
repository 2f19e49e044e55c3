"""Trading scenes built through the real services: a seller with a published achievement and a buyer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from techmarket.accounts.models import User
from techmarket.accounts.services import actor_for
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today
from techmarket.listings.models import Listing
from techmarket.orgs.models import Organisation
from techmarket.trading.terms import OfferData


@dataclass
class Scene:
    seller: User
    seller_org: Organisation
    buyer: User
    buyer_org: Organisation
    listing: Listing

    @property
    def s(self) -> Actor:
        return actor_for(self.seller)

    @property
    def b(self) -> Actor:
        return actor_for(self.buyer)


def scene(make: Any, **listing: Any) -> Scene:
    seller_org = make.org(status="verified")
    buyer_org = make.org(status="verified")
    lst = make.listing(seller_org, **listing)
    return Scene(seller_org.memberships[0].user, seller_org, buyer_org.memberships[0].user, buyer_org, lst)


def offer(price: str | None = "800000", mode: str = "transfer", days: int = 10, **extra: Any) -> OfferData:
    return OfferData(mode=mode, valid_until=local_today() + dt.timedelta(days=days),
                     price=Decimal(price) if price is not None else None, payment_note="签约付30%，验收付70%", **extra)
