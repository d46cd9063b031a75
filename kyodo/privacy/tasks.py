"""Scheduled work of the privacy app (django-tasks; run daily, see docs/security.md)."""

from __future__ import annotations

from django_tasks import task

from kyodo.privacy.services import anonymise_expired


@task()
def anonymise_expired_data() -> dict[str, int]:
    """Anonymise every class of personal data past its retention period."""
    return anonymise_expired()
