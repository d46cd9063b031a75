"""Shared request and response shapes: pages of items with a cursor, small reference
objects, and the limits every value sent to the API must respect (`unstorable_values`)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any

from django.db import models
from ninja import Schema
from pydantic import BaseModel, BeforeValidator, Field, create_model

from kyodo.core.pagination import keyset_paginate
from kyodo.core.text import find_control_character

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

# Every integer the API accepts fits a PostgreSQL BIGINT (ids are BIGINT): larger numbers are
# refused with 422 before they reach the database. Documented in the OpenAPI document as the
# `minimum`/`maximum` of every integer parameter and body field without tighter bounds.
BIGINT_MIN = -(2**63)
BIGINT_MAX = 2**63 - 1

# `next_cursor` is a signed token (kyodo.core.pagination: base64url, base62 and ":" / "."), so
# anything with other characters cannot be one: 422. A well-formed cursor whose signature does
# not verify (tampered, or signed with another SECRET_KEY) restarts at page 1 (docs/api.md).
CURSOR_PATTERN = r"^[A-Za-z0-9_.:\-]*$"
MAX_CURSOR_LENGTH = 512


class PageQuery(Schema):
    """Keyset pagination: `cursor` from the previous page's `next_cursor`; `limit` 1–100."""

    cursor: str | None = Field(
        None,
        max_length=MAX_CURSOR_LENGTH,
        pattern=CURSOR_PATTERN,
        description="next_cursor of the previous page (a damaged cursor restarts at page 1)",
    )
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


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    # pydantic would otherwise read numbers ("0") as Unix timestamps: not what `format: date`
    # promises in the OpenAPI document.
    raise ValueError("Enter a date as YYYY-MM-DD.")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A date parameter or field that accepts only `YYYY-MM-DD` (what `format: date` says)."""


def unstorable_values(
    values: dict[str, Any], *, path_names: frozenset[str] = frozenset(), query_names: Any = ()
) -> list[dict[str, Any]]:
    """Problems with already-validated operation arguments that no database can store:
    integers outside BIGINT, NUL characters and lone surrogates in text (PostgreSQL refuses
    both), infinite or NaN numbers. Returned as pydantic-style errors (`loc`, `msg`, `type`);
    empty when everything is storable. Used by the API for every operation
    (kyodo.api.v1.reject_unstorable_values), so an endpoint needs no checks of its own."""
    problems: list[dict[str, Any]] = []
    stack: list[tuple[list[str], Any]] = []
    for name, value in values.items():
        if name in path_names:
            stack.append((["path", name], value))
        elif isinstance(value, BaseModel) and any(
            field in query_names for field in type(value).model_fields
        ):
            # Query[Schema]: ninja flattens the schema's fields into the query string.
            stack.extend(
                (["query", field], getattr(value, field, None))
                for field in type(value).model_fields
            )
        elif name in query_names:
            stack.append((["query", name], value))
        else:
            stack.append((["body", name], value))
    # Free-form dict keys (e.g. rubric item codes) get the storage checks only.
    key_locs: set[int] = set()  # ids of the `loc` lists pushed for keys (alive until popped)
    while stack:
        loc, value = stack.pop()
        is_key = id(loc) in key_locs
        key_locs.discard(id(loc))
        problem = _problem(value, is_key=is_key)
        if problem is not None:
            problems.append({"loc": loc, "type": problem[0], "msg": problem[1]})
        elif isinstance(value, BaseModel):
            stack.extend(
                ([*loc, field], getattr(value, field, None)) for field in type(value).model_fields
            )
        elif isinstance(value, dict):
            for key, item in value.items():
                key_loc = [*loc, str(key)]
                key_locs.add(id(key_loc))
                stack.append((key_loc, key))
                stack.append(([*loc, str(key)], item))
        elif isinstance(value, list | tuple | set | frozenset):
            stack.extend(([*loc, str(i)], item) for i, item in enumerate(value))
    return sorted(problems, key=lambda p: p["loc"])


def _problem(value: Any, *, is_key: bool = False) -> tuple[str, str] | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        if not BIGINT_MIN <= value <= BIGINT_MAX:
            return "int_out_of_range", f"Input should be between {BIGINT_MIN} and {BIGINT_MAX}"
    elif isinstance(value, float):
        if not math.isfinite(value):
            return "finite_number", "Input should be a finite number"
    elif isinstance(value, Decimal):
        if not value.is_finite():
            return "finite_number", "Input should be a finite number"
    elif isinstance(value, str):
        if "\x00" in value:
            return "string_nul", "Text should not contain NUL characters"
        if not is_key and find_control_character(value) is not None:
            # The site's rule for every form (kyodo.core.text), multi-line variant.
            return (
                "string_control_characters",
                "Text should not contain control characters (other than tab and line breaks)",
            )
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "string_unicode", "Text should be valid Unicode (no lone surrogates)"
    return None


def iter_integer_schemas(schema: Any) -> Iterator[dict[str, Any]]:
    """Every JSON-schema node of `schema` (nested dicts/lists) whose type is integer."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "integer" or (
                isinstance(node.get("type"), list) and "integer" in node["type"]
            ):
                yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
