"""Scheduled work (django-tasks): reminders the day before, and the booking lotteries."""

from __future__ import annotations

from django_tasks import task

from kyodo.events import services


@task()
def send_event_reminders() -> int:
    return services.send_event_reminders()


@task()
def run_due_booking_lotteries() -> int:
    return len(services.run_due_booking_lotteries())
