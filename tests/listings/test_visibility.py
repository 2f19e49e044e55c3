"""The listings' one visibility policy: every (viewer, listing) pair, and the places that ask it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from techmarket.listings import exporting, search_index, visibility
from techmarket.listings.visibility import PUBLIC, Viewer


@dataclass
class L:
    kind: str = "demand"
    confidentiality: str = "verified_only"
    status: str = "published"
    organisation_id: int = 7


STRANGER = Viewer(1, frozenset({99}), False, False)
VERIFIED = Viewer(2, frozenset({98}), False, True)
OWNER = Viewer(3, frozenset({7}), False, False)
OPERATOR = Viewer(4, frozenset(), True, False)


@pytest.mark.parametrize(("viewer", "details", "contact"), [
    (PUBLIC, False, False), (STRANGER, False, False), (VERIFIED, True, True), (OWNER, True, True),
    (OPERATOR, True, True),
])
def test_a_confidential_demand(viewer: Viewer, details: bool, contact: bool) -> None:
    listing = L()
    assert viewer.may_open(listing)
    assert viewer.sees_details(listing) is details
    assert viewer.sees_contact(listing) is contact


def test_public_listings_and_unpublished_ones() -> None:
    assert PUBLIC.sees_details(L(confidentiality="public")) and PUBLIC.sees_details(L(kind="achievement"))
    draft = L(status="draft")
    assert not PUBLIC.may_open(draft) and not VERIFIED.may_open(draft)
    assert OWNER.may_open(draft) and OPERATOR.may_open(draft)


def test_export_and_index_ask_the_same_rule(make, app) -> None:
    listing = make.listing(kind="demand", title="保密需求：稀土废料回收", confidentiality="verified_only",
                           description="不公开的工艺细节")
    assert visibility.is_confidential(listing)
    cells = exporting.cells_of(listing, zh=True, contact=False, details=PUBLIC.sees_details(listing))
    assert cells["description"] == ""
    doc = search_index.to_document(listing)
    assert "不公开的工艺细节" not in " ".join(str(v) for v in vars(doc).values())
