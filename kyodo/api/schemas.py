"""Shared response shapes: pages of items with a cursor, and small reference objects."""

from __future__ import annotations

from typing import Any

from django.db import models
from ninja import Schema
from pydantic import Field, create_model

from kyodo.core.pagination import keyset_paginate

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


class PageQuery(Schema):
    """Keyset pagination: `cursor` from the previous page's `next_cursor`; `limit` 1–100."""

    cursor: str | None = Field(None, description="next_cursor of the previous page")
    limit: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="items per page (1-100)"
    )


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """{"items": [item…], "next_cursor": "…" | null} for `item`."""
    return create_model(  # type: ignore[call-overload,no-any-return]
        name,
        __base__=Schema,
        items=(list[item], ...),  # type: ignore[valid-type]
        next_cursor=(str | None, None),
    )


def paginate(
    queryset: models.QuerySet[Any],
    *,
    ordering: tuple[str, ...],
    cursor: str | None,
    limit: int,
    serialize: Any,
) -> dict[str, Any]:
    """One page of `queryset` in keyset order, each row turned into a dict by `serialize`."""
    page = keyset_paginate(
        queryset, ordering=ordering, cursor=cursor, page_size=max(1, min(limit, MAX_PAGE_SIZE))
    )
    return {"items": [serialize(row) for row in page.items], "next_cursor": page.next_cursor}


class CodeName(Schema):
    """A reference-data item (field, district, type …) as it appears inside other objects."""

    code: str
    name: str
    name_en: str


def code_name(obj: Any) -> dict[str, str]:
    return {"code": obj.code, "name": obj.name, "name_en": obj.name_en or ""}
