"""Test helpers that read codes from the loaded guideline file instead of Kawagoe's literals,
so the workflow tests run unchanged against any city's file (issue 25: CI runs them against
the fictional second city, kaku.toml, too).

`kawagoe_only` marks a test whose subject is Kawagoe's own file or figures (its codes, its
subsidy amounts, its seven principles): against another city's file it is skipped, not
weakened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

_KAWAGOE = Path(__file__).resolve().parents[1] / "data" / "kawagoe.toml"


def is_kawagoe() -> bool:
    return Path(settings.KYODO_GUIDELINE_FILE).resolve() == _KAWAGOE


kawagoe_only = pytest.mark.skipif(
    not is_kawagoe(),
    reason="checks Kawagoe's own guideline data (codes or figures of kawagoe.toml), "
    "not behaviour every city's file shares",
)


def nth(model: Any, n: int = 0, *, preferred: str | None = None, **filters: Any) -> Any:
    """The row with code `preferred` when the loaded file has it, else the file's `n`-th row
    (by `order`) of `model` matching `filters`."""
    rows = model.objects.filter(**filters).order_by("order", "pk")
    if preferred is not None:
        row = rows.filter(code=preferred).first()
        if row is not None:
            return row
    row = rows[n] if rows.count() > n else None
    assert row is not None, f"the guideline file has fewer than {n + 1} {model.__name__} rows"
    return row


def district(n: int = 0, preferred: str | None = None) -> Any:
    from kyodo.guideline.models import District

    return nth(District, n, preferred=preferred)


def field(n: int = 0, preferred: str | None = None) -> Any:
    from kyodo.guideline.models import Field

    return nth(Field, n, preferred=preferred)


def tier(code: str) -> Any:
    """The tier `code` when the file has it, else the last tier for `public` (the city's
    share) and the first for any other code."""
    from kyodo.guideline.models import Tier

    rows = Tier.objects.order_by("order", "pk")
    row = rows.filter(code=code).first()
    if row is None:
        row = rows.last() if code == "public" else rows.first()
    return row


def group_type(preferred: str | None = None, n: int = 0) -> Any:
    """A type of civic group (not a city department)."""
    from kyodo.guideline.models import OrganizationType

    return nth(OrganizationType, n, preferred=preferred, actor_type__is_government=False)


def form(preferred: str | None = None, n: int = 0, **filters: Any) -> Any:
    from kyodo.guideline.models import CollaborationForm

    return nth(CollaborationForm, n, preferred=preferred, **filters)
