"""The scheduler beside the task worker: enqueues the periodic tasks apps registered with
`kyodo.core.hooks.register_periodic_task` when they are due.

A task with `at` runs once a day at that Japan time (or as soon after as the scheduler is up);
one without runs every `every`. The time each was last enqueued is stored in ScheduledTaskRun,
read and written under a row lock in the same transaction as the enqueue (the task row itself,
with the database queue), so a restart or a second scheduler never enqueues a run twice."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from kyodo.core.hooks import PeriodicTask, periodic_tasks
from kyodo.core.models import ScheduledTaskRun
from kyodo.core.tasks import enqueue_with_transaction

logger = logging.getLogger(__name__)


def is_due(periodic: PeriodicTask, *, last: dt.datetime | None, now: dt.datetime) -> bool:
    if periodic.at is not None:
        local_now = timezone.localtime(now)
        today_at = timezone.make_aware(
            dt.datetime.combine(local_now.date(), periodic.at), timezone.get_current_timezone()
        )
        return now >= today_at and (last is None or last < today_at)
    return last is None or now - last >= periodic.every


def next_due(periodic: PeriodicTask, *, last: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """When `periodic` is next due (now if it is due already); for the console and tests."""
    if is_due(periodic, last=last, now=now):
        return now
    if periodic.at is not None:
        local_now = timezone.localtime(now)
        day = local_now.date()
        today_at = timezone.make_aware(
            dt.datetime.combine(day, periodic.at), timezone.get_current_timezone()
        )
        if now < today_at:
            return today_at
        return timezone.make_aware(
            dt.datetime.combine(day + dt.timedelta(days=1), periodic.at),
            timezone.get_current_timezone(),
        )
    assert last is not None
    return last + periodic.every


def enqueue_due(*, now: dt.datetime | None = None) -> list[str]:
    """Enqueue every registered periodic task that is due; returns their keys."""
    now = now or timezone.now()
    enqueued: list[str] = []
    for periodic in periodic_tasks():
        with transaction.atomic():
            run, _created = ScheduledTaskRun.objects.select_for_update().get_or_create(
                key=periodic.key
            )
            if not is_due(periodic, last=run.last_enqueued_at, now=now):
                continue
            enqueue_with_transaction(periodic.task)
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
        logger.info("scheduler: enqueued %s", periodic.key)
        enqueued.append(periodic.key)
    return enqueued
