"""Reads of the guideline data. Cached per process: the data changes only on reload."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from kyodo.guideline import models as m

_MISSING = object()


def municipality() -> m.Municipality | None:
    return m.Municipality.objects.order_by("id").first()


def site_municipality() -> m.Municipality | None:
    """The municipality for the page header and footer, cached for five minutes."""
    value = cache.get("guideline:municipality", _MISSING)
    if value is _MISSING:
        value = municipality()
        cache.set("guideline:municipality", value, 300)
    return value


def setting(key: str, default: Any = None) -> Any:
    """A configured value from the guideline file's [settings] table, e.g.
    setting("rubric.adoption_threshold", 60)."""
    cache_key = f"guideline:setting:{key}"
    value = cache.get(cache_key, _MISSING)
    if value is _MISSING:
        row = m.Setting.objects.filter(key=key).first()
        value = row.value if row is not None else None
        cache.set(cache_key, value, 300)
    return default if value is None else value


def guideline_overview() -> dict[str, Any]:
    """Everything the home and about pages show, in 8 queries regardless of size."""
    return {
        "municipality": municipality(),
        "principles": list(m.Principle.objects.all()),
        "steps": list(m.Step.objects.all()),
        "actor_types": list(m.ActorType.objects.prefetch_related("organization_types")),
        "tiers": list(m.Tier.objects.all()),
        "forms": list(m.CollaborationForm.objects.all()),
        "measures": list(m.Measure.objects.all()),
        "fields": list(m.Field.objects.all()),
    }


def district_list() -> list[m.District]:
    return list(m.District.objects.all())


def field_list() -> list[m.Field]:
    return list(m.Field.objects.all())
