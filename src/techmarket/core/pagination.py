"""Paging for every list: a page of rows plus the numbers the pager needs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    page: int
    per_page: int
    total: int
    more: bool = False  # the count stopped at ``total``: there are more

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def window(self, size: int = 2) -> list[int | None]:
        """Page numbers to show, with ``None`` for a gap."""
        shown: list[int | None] = []
        for n in range(1, self.pages + 1):
            if n in (1, self.pages) or abs(n - self.page) <= size:
                shown.append(n)
            elif shown and shown[-1] is not None:
                shown.append(None)
        return shown


def clamp(page: Any, per_page: Any, default_per_page: int = 20) -> tuple[int, int]:
    """Parse untrusted paging parameters into sane numbers."""
    try:
        p = int(page)
    except (TypeError, ValueError):
        p = 1
    try:
        pp = int(per_page)
    except (TypeError, ValueError):
        pp = default_per_page
    return max(1, min(p, 1_000_000)), max(1, min(pp, MAX_PER_PAGE))


def paginate(session: Session, stmt: Select[Any], page: int, per_page: int) -> Page[Any]:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=items, page=page, per_page=per_page, total=total)
