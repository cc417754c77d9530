"""Keyset paging ("older" links by id) so long tables never count or offset millions of rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest


@dataclass
class KeysetPage:
    rows: list[Any]
    next_before: int | None  # pass as ?before= for the next (older) page
    is_first: bool


def before_param(request: HttpRequest) -> int:
    try:
        return max(int(request.GET.get("before") or 0), 0)
    except ValueError:
        return 0


def keyset_page(request: HttpRequest, queryset: QuerySet, size: int = 50) -> KeysetPage:
    before = before_param(request)
    if before > 0:
        queryset = queryset.filter(pk__lt=before)
    rows = list(queryset.order_by("-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(rows=rows, next_before=rows[-1].pk if more and rows else None, is_first=before <= 0)
