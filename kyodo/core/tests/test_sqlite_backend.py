"""The SQLite backend's write turns (kyodo/core/db/sqlite3/base.py), on a database file (the
suite's in-memory databases do not use them)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from kyodo.core.db.sqlite3.base import DatabaseWrapper


def _wrapper(path, timeout: float = 5) -> DatabaseWrapper:
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "kyodo.core.db.sqlite3",
                "NAME": str(path),
                "OPTIONS": {
                    "init_command": "PRAGMA journal_mode=WAL;",
                    "transaction_mode": "IMMEDIATE",
                    "timeout": timeout,
                },
            }
        }
    )
    return DatabaseWrapper(handler.settings["default"], alias="default")


@pytest.fixture(autouse=True)
def own_connections(django_db_blocker):
    # These tests open their own connections to a file, not the test database.
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "turns.sqlite3"
    setup = _wrapper(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n INTEGER NOT NULL)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    setup.close()
    return path


def _increment(path, times: int, errors: list[BaseException]) -> None:
    conn = _wrapper(path)
    try:
        for _ in range(times):
            conn._start_transaction_under_autocommit()
            with conn.cursor() as cursor:
                cursor.execute("SELECT n FROM counter")
                (n,) = cursor.fetchone()
                time.sleep(0.0005)  # hold the turn a little, as a real request does
                cursor.execute("UPDATE counter SET n = %s", [n + 1])
            conn.commit()
            # A write outside a transaction (busy handler only) is not starved by the turns.
            with conn.cursor() as cursor:
                cursor.execute("UPDATE counter SET n = n")
    except BaseException as error:  # reported to the test
        errors.append(error)
    finally:
        conn.close()


def test_concurrent_read_modify_write_loses_nothing(db_file):
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_increment, args=(db_file, 40, errors)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    check = _wrapper(db_file)
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        assert cursor.fetchone() == (320,)
    check.close()


def test_a_waiting_writer_gets_in_after_the_commit(db_file):
    holder = _wrapper(db_file)
    holder._start_transaction_under_autocommit()
    got_in = threading.Event()
    waited: list[float] = []

    def wait_for_turn() -> None:
        waiter = _wrapper(db_file, timeout=5)
        waiter._start_transaction_under_autocommit()
        waited.append(time.monotonic())
        got_in.set()
        waiter.commit()
        waiter.close()

    thread = threading.Thread(target=wait_for_turn)
    thread.start()
    assert not got_in.wait(0.2)  # the turn is held
    committed = time.monotonic()
    holder.commit()
    assert got_in.wait(2)
    thread.join()
    assert waited[0] >= committed  # not before the commit (how soon is for bench/, not tests)
    holder.close()


def test_the_wait_is_bounded_by_the_timeout(db_file):
    holder, waiter = _wrapper(db_file), _wrapper(db_file, timeout=0.3)
    holder._start_transaction_under_autocommit()
    started = time.monotonic()
    with pytest.raises(OperationalError, match="locked"):
        waiter._start_transaction_under_autocommit()
    assert 0.3 <= time.monotonic() - started < 3
    holder.commit()
    # The turn is free again: the waiter gets in at once.
    waiter._start_transaction_under_autocommit()
    waiter.commit()
    holder.close()
    waiter.close()


def test_a_rolled_back_transaction_gives_the_turn_back(db_file):
    first, second = _wrapper(db_file), _wrapper(db_file, timeout=0.3)
    first._start_transaction_under_autocommit()
    first.rollback()
    second._start_transaction_under_autocommit()  # would time out if the turn were kept
    second.commit()
    first.close()
    second.close()
