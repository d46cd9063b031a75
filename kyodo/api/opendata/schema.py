"""The shape of an open-data dataset: its columns (a Frictionless table schema with Japanese and
English titles), the column that identifies a row, and the function that yields its rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

LIST_DELIMITER = ";"


@dataclass(frozen=True)
class Column:
    name: str
    # Frictionless Table Schema: string, integer, number, boolean, date, time, datetime, list
    type: str
    title_ja: str
    title_en: str
    description_ja: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class Dataset:
    name: str
    title_ja: str
    title_en: str
    description_ja: str
    description_en: str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[dict[str, Any]]]
    # The column whose value identifies a row across builds (the API's id, or a stable code);
    # the change list between two builds compares rows by it.
    key: tuple[str, ...] = ("id",)
    # "reference" (the guideline's lists), "record" (the record of collaboration) or "standard"
    # (a national standard dataset, whose column names are the standard's own).
    group: str = "record"
    # For a standard dataset: the standard it follows (shown in the catalogue).
    conforms_to: str = ""


def C(name: str, type_: str, ja: str, en: str, desc_ja: str = "", desc_en: str = "") -> Column:
    return Column(name, type_, ja, en, desc_ja, desc_en)


CODE = C(
    "code",
    "string",
    "コード",
    "Code",
    "他のデータから参照する固定の識別子",
    "Stable identifier used by other datasets",
)
ORDER = C("order", "integer", "表示順", "Display order")
NAME = C("name", "string", "名称", "Name")
NAME_EN = C("name_en", "string", "名称（英語）", "Name (English)")


def _values(queryset: Any, names: Iterable[str]) -> Iterator[dict[str, Any]]:
    yield from queryset.values(*names).iterator(chunk_size=2000)


def _plain(
    model: Any, columns: tuple[Column, ...], ordering: tuple[str, ...]
) -> Callable[[], Iterable[dict[str, Any]]]:
    return lambda: _values(model.objects.order_by(*ordering), [c.name for c in columns])


def ID(api_path: str) -> Column:
    """The row's id: the same number as in the API (`api_path`, e.g. /projects/{id})."""
    return C(
        "id", "integer", "ID", "ID", f"API の {api_path} と同じ", f"Same as {api_path} in the API"
    )


def ref(name: str, type_: str, ja: str, en: str, target: str) -> Column:
    """A column that refers to another dataset's key."""
    return C(name, type_, ja, en, f"{target} を参照", f"Refers to {target}")
