"""Hundreds of simultaneous registrations, each on its own database connection: the
number confirmed is exactly the capacity (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections, connection, connections

from kyodo.accounts.tests.factories import UserFactory
from kyodo.events.models import Event, Registration
from kyodo.events.services import register_for_event
from kyodo.events.tests.factories import EventFactory
from kyodo.events.workflow import RegistrationStatus

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 120
CAPACITY = 25
# PostgreSQL's max_connections (100 by default) is shared with the other test runs, so on
# PostgreSQL at most this many of the 120 requests hold a connection at the same time,
# as behind a web server's connection pool; the others wait for a free one.
PG_POOL = 30


@pytest.fixture
def concurrent_db(transactional_db: None, tmp_path: Path) -> Iterator[None]:
    """PostgreSQL: the test database as it is. SQLite: the test database is a shared-cache
    in-memory one, whose table locks fail at once instead of waiting; production runs on a
    file in WAL mode with a busy timeout, so this test does too (a migrated temporary file)."""
    if connection.vendor != "sqlite":
        from kyodo.guideline.loader import load_guideline

        load_guideline(settings.KYODO_GUIDELINE_FILE)
        yield
        return
    saved_name = connection.settings_dict["NAME"]
    saved_raw = connection.connection
    connection.connection = None
    file_name = str(tmp_path / "concurrency.sqlite3")
    for settings_dict in {
        id(d): d for d in (connection.settings_dict, connections.settings["default"])
    }.values():
        settings_dict["NAME"] = file_name
    try:
        call_command("migrate", verbosity=0, run_syncdb=True)
        from kyodo.guideline.loader import load_guideline

        load_guideline(settings.KYODO_GUIDELINE_FILE)
        yield
    finally:
        connection.close()
        for settings_dict in {
            id(d): d for d in (connection.settings_dict, connections.settings["default"])
        }.values():
            settings_dict["NAME"] = saved_name
        connection.connection = saved_raw


def test_simultaneous_registrations_never_overbook(concurrent_db: None) -> None:
    event = EventFactory(capacity=CAPACITY)
    users = [UserFactory() for _ in range(PEOPLE)]
    barrier = threading.Barrier(PEOPLE)
    pool = threading.Semaphore(PG_POOL if connection.vendor == "postgresql" else PEOPLE)
    errors: list[BaseException] = []

    def attempt(user) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            with pool:
                try:
                    register_for_event(actor=user, event=Event.objects.get(pk=event.pk))
                    # A double submit from the same person at the same time changes nothing.
                    register_for_event(actor=user, event=Event.objects.get(pk=event.pk))
                finally:
                    connection.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    close_old_connections()
    assert errors == []
    assert (
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).count()
        == CAPACITY
    )
    assert (
        Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED).count()
        == PEOPLE - CAPACITY
    )
    assert Registration.objects.filter(event=event).count() == PEOPLE
    event.refresh_from_db()
    assert event.confirmed_count == CAPACITY
    assert event.waitlist_count == PEOPLE - CAPACITY
