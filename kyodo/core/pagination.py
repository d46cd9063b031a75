"""Keyset ("cursor") pagination: a page costs the same at row 10 and at row 1,000,000.

The cursor is an opaque, signed token holding the sort key of the last row shown.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

T = TypeVar("T", bound=models.Model)
_SALT = "kyodo.core.pagination"


@dataclass
class KeysetPage(Generic[T]):
    items: list[T]
    next_cursor: str | None
    page_size: int

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return dt.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
    return value


def _field_value(obj: models.Model, field: str) -> Any:
    value: Any = obj
    for part in field.split("__"):
        value = getattr(value, part)
    return value


def keyset_paginate(
    queryset: models.QuerySet[T],
    *,
    ordering: tuple[str, ...],
    cursor: str | None,
    page_size: int = 20,
) -> KeysetPage[T]:
    """Order by `ordering` (each "field" or "-field"; the last must be unique, e.g. "id")
    and return the page after `cursor`. An invalid or tampered cursor restarts at page 1.
    """
    queryset = queryset.order_by(*ordering)
    if cursor:
        try:
            values = [_decode_value(v) for v in signing.loads(cursor, salt=_salt(ordering))]
        except (signing.BadSignature, ValueError, TypeError):
            values = []
        if len(values) == len(ordering):
            # Values that do not fit these fields restart at page 1.
            with contextlib.suppress(ValueError, TypeError, ValidationError):
                queryset = queryset.filter(_after(ordering, values))
    rows = list(queryset[: page_size + 1])
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        last = rows[-1]
        next_cursor = signing.dumps(
            [_encode_value(_field_value(last, f.lstrip("-"))) for f in ordering],
            salt=_salt(ordering),
        )
    return KeysetPage(items=rows, next_cursor=next_cursor, page_size=page_size)


def _salt(ordering: tuple[str, ...]) -> str:
    # A cursor is valid only for the sort it was made for: one from another list (other
    # fields, other types) fails its signature and restarts at page 1, instead of reaching
    # the database as e.g. a name compared with a number.
    return f"{_SALT}:{','.join(ordering)}"


def _after(ordering: tuple[str, ...], values: list[Any]) -> Q:
    """(a, b, c) > (x, y, z) expanded as a OR of ANDs, honouring each field's direction."""
    condition = Q()
    for i, field in enumerate(ordering):
        name = field.lstrip("-")
        op = "lt" if field.startswith("-") else "gt"
        clause = Q(**{f"{name}__{op}": values[i]})
        for j in range(i):
            clause &= Q(**{ordering[j].lstrip("-"): values[j]})
        condition |= clause
    return condition
