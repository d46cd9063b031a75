"""Enqueueing a background task as part of the change that causes it."""

from __future__ import annotations

from typing import Any

from django.db import router, transaction


def enqueue_with_transaction(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue `task` so that it exists if, and only if, the current transaction commits.

    With the database queue (django_tasks_db) in the same database as the data, the task's row
    is written in the transaction itself (a transactional outbox: a worker cannot see it before
    the commit, and a rollback removes it). That saves a second write transaction per change,
    which on SQLite means a second turn at the one write lock and a second fsync. Any other
    queue (the immediate backend of the test suite, a broker) is given the task after the
    commit."""
    backend = task.get_backend()
    same_database = type(backend).__module__.startswith("django_tasks_db") and (
        router.db_for_write(_task_model()) == "default"
    )
    if same_database and transaction.get_connection().in_atomic_block:
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def _task_model() -> Any:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult
