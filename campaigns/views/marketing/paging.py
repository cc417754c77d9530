"""Keyset paging: fast on any size of table (no OFFSET, no COUNT(*) over the whole set)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

COUNT_CAP = 10_000


@dataclass
class Page:
    items: list[Any]
    next_query: str = ""
    prev_query: str = ""
    total: int | None = None  # None: not counted
    capped: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def page_info(self) -> str:
        if not self.items:
            return "Nothing here yet."
        if self.total is None:
            return f"Showing {len(self.items)}"
        total = f"{COUNT_CAP:,}+" if self.capped else f"{self.total:,}"
        return f"Showing {len(self.items)} of {total}"

    def context(self) -> dict[str, Any]:
        return {"page": self, "page_info": self.page_info, "next_query": self.next_query, "prev_query": self.prev_query}


def _query(request: HttpRequest, **changes: Any) -> str:
    params = request.GET.copy()
    for key in ("before", "after"):
        params.pop(key, None)
    for key, value in changes.items():
        params[key] = value
    return "?" + params.urlencode()


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) <= 18 else None  # beyond 64-bit ids: ignore


def search_term(request: HttpRequest, name: str = "q") -> str:
    """A search box's text: trimmed, bounded, without NUL (PostgreSQL refuses it in text)."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:100]


def capped_count(qs: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows, counting at most ``cap + 1`` of them."""
    n = qs.order_by()[: cap + 1].count()
    return min(n, cap), n > cap


def keyset_page(request: HttpRequest, qs: QuerySet, size: int = 50, key: str = "id") -> Page:
    """Newest first by ``key``; ``?before=<id>`` pages older, ``?after=<id>`` newer."""
    before, after = _int_param(request, "before"), _int_param(request, "after")
    if after is not None:
        items = list(qs.filter(**{f"{key}__gt": after}).order_by(key)[: size + 1])
        has_newer = len(items) > size
        items = list(reversed(items[:size]))
        has_older = True
    else:
        if before is not None:
            qs = qs.filter(**{f"{key}__lt": before})
        items = list(qs.order_by(f"-{key}")[: size + 1])
        has_older = len(items) > size
        items = items[:size]
        has_newer = before is not None
    page = Page(items=items)
    if items and has_older:
        page.next_query = _query(request, before=getattr(items[-1], key))
    if items and has_newer:
        page.prev_query = _query(request, after=getattr(items[0], key))
    return page


def with_count(page: Page, qs: QuerySet) -> Page:
    page.total, page.capped = capped_count(qs)
    return page
