"""enqueue_with_transaction: the task exists if, and only if, the change commits."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from kyodo.accounts.tests.factories import UserFactory
from kyodo.notifications.services import notify

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Boom(Exception):
    pass


@override_settings(TASKS=DATABASE_QUEUE)
def test_database_queue_writes_the_task_in_the_same_transaction(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        notify(recipients=[user], kind="core.test", subject="確認", always_email=True)
        # Already written, inside the transaction: nothing is left for after the commit.
        assert DBTaskResult.objects.count() == 1
    assert not [c for c in callbacks if "enqueue" in repr(c)]
    assert DBTaskResult.objects.count() == 1


@override_settings(TASKS=DATABASE_QUEUE)
def test_database_queue_task_is_rolled_back_with_the_change():
    user = UserFactory()
    with pytest.raises(Boom), transaction.atomic():
        notify(recipients=[user], kind="core.test", subject="確認", always_email=True)
        raise Boom
    assert DBTaskResult.objects.count() == 0


def test_other_queues_get_the_task_after_the_commit(django_capture_on_commit_callbacks, mailoutbox):
    user = UserFactory(email="hanako@example.jp")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[user], kind="core.test", subject="確認", always_email=True)
    assert len(mailoutbox) == 0  # nothing sent before the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mailoutbox] == [["hanako@example.jp"]]
