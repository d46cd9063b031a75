from __future__ import annotations

import pytest
from django.db import connection

from kyodo.search.indexing import FTS_TABLE, TITLE_FTS_TABLE


def fts_integrity_check() -> None:
    """SQLite: FTS5 verifies its index against itself (a wrong 'delete' corrupts it)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('integrity-check')")
        cursor.execute(
            f"INSERT INTO {TITLE_FTS_TABLE}({TITLE_FTS_TABLE}) VALUES ('integrity-check')"
        )


@pytest.fixture
def anon():  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
