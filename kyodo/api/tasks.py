"""Background tasks (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from kyodo.api.opendata import build_package


@task()
def build_open_data_package() -> dict[str, int]:
    """Rebuild the open-data package. Run daily (see docs/open-data.md): the worker's
    scheduler or cron enqueues it with `manage.py build_open_data --enqueue`."""
    return build_package().rows
