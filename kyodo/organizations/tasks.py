"""Scheduled work: registrations expire at the end of the fiscal year (run daily)."""

from __future__ import annotations

from django_tasks import task

from kyodo.organizations import services


@task()
def expire_registrations() -> int:
    return services.expire_registrations()
