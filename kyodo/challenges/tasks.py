"""Background work for local issues (django-tasks; the db_worker runs them)."""

from __future__ import annotations

from django_tasks import task

from kyodo.challenges.services import build_theme_maps


@task()
def build_theme_map_task(district_codes: list[str] | None = None) -> int:
    """Rebuild the stored theme maps; returns how many maps were written."""
    return len(build_theme_maps(district_codes=district_codes or None))
