"""Helpers for マイページ sections that other apps register (kyodo.accounts.hooks): one generic
fragment, accounts/me_list_section.html, so each app only supplies its rows."""

from __future__ import annotations

from typing import Any

ME_LIST_TEMPLATE = "accounts/me_list_section.html"

Item = tuple[str, str, str]  # (label, url, meta)


def group(title: Any, items: list[Item], empty: Any = "") -> dict[str, Any]:
    return {"title": title, "items": items, "empty": empty}


def section(
    key: str, title: Any, groups: list[dict[str, Any]], links: list[tuple[Any, str]] | None = None
) -> dict[str, Any]:
    return {"key": key, "title": title, "groups": groups, "links": links or []}
