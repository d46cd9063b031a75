"""Scheduled work for projects (django-tasks; run daily by the db_worker or cron)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_evaluation_reminders() -> int:
    """E-mail partners whose final evaluation is overdue (at most weekly per partner)."""
    from kyodo.projects.services import send_evaluation_reminders as send

    return send()
