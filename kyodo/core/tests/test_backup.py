"""`manage.py backup` / `restore`: a round trip gives back every row of every table."""

from __future__ import annotations

import io
import shutil
import sqlite3
import uuid
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from kyodo.accounts.tests.factories import PrivateProfileFactory, UserFactory
from kyodo.core.audit import record_event
from kyodo.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def _tables() -> list[tuple[str, str]]:
    """(table, primary key column) of every concrete model, auto-created M2M tables too
    (those whose migration exists: a model still being written has no table yet)."""
    existing = set(connection.introspection.table_names())
    seen = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table not in existing:
            continue
        seen[meta.db_table] = meta.pk.column
    return sorted(seen.items())


def snapshot(cursor: Any, quote: Any) -> dict[str, list[tuple]]:
    rows = {}
    for table, pk in _tables():
        cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {quote(pk)}")
        rows[table] = [tuple(r) for r in cursor.fetchall()]
    return rows


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pg_params(dbname: str | None = None) -> dict[str, Any]:
    params = connection.get_connection_params()
    for key in ("cursor_factory", "context", "prepare_threshold", "server_side_binding"):
        params.pop(key, None)
    if dbname:
        params["dbname"] = dbname
    return params


def django_snapshot() -> dict[str, list[tuple]]:
    """Every row of the live database, read with plain DB-API cursors (the same kind used to
    read the backup copy, so values compare exactly)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return snapshot(connection.connection.cursor(), _quote)
    import psycopg

    with psycopg.connect(**_pg_params()) as raw:
        return snapshot(raw.cursor(), _quote)


def make_data() -> None:
    for i in range(5):
        user = UserFactory(display_name=f"バックアップ{i} 👨‍👩‍👧")
        PrivateProfileFactory(user=user)
        record_event(
            actor=user, verb="core.test.backup", target=user, data={"i": i, "text": "'\"\x01"}
        )


def test_backup_refuses_restore_without_confirmation(tmp_path, guideline):
    out = tmp_path / "b.bin"
    out.write_bytes(b"x")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(out))
    with pytest.raises(CommandError, match="No backup"):
        call_command("restore", str(tmp_path / "missing"), "--yes")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite round trip")
def test_sqlite_round_trip_restores_every_table(tmp_path, guideline):
    make_data()
    before = django_snapshot()
    assert sum(len(v) for v in before.values()) > 100  # the guideline and the users are there
    path = tmp_path / "kyodo.sqlite3"
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    assert "backup  [" in out.getvalue() and "Backup written to" in out.getvalue()
    # The copy is a standalone, valid SQLite file with the same rows.
    copy = sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert snapshot(copy.cursor(), _quote) == before
    copy.close()

    # Change things, then restore: every table is back as it was.
    AuditEvent.objects.all().delete()
    UserFactory(display_name="後から来た人")
    assert django_snapshot() != before
    call_command("restore", str(path), "--yes", stdout=io.StringIO())
    assert django_snapshot() == before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite")
def test_sqlite_restore_refuses_a_file_that_is_not_a_backup(tmp_path, guideline):
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"not a database" * 100)
    with pytest.raises(CommandError, match="not an SQLite database"):
        call_command("restore", str(bogus), "--yes")
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(CommandError, match="not a Kyodo database"):
        call_command("restore", str(other), "--yes")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL round trip")
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_postgres_round_trip_into_a_scratch_database(tmp_path, guideline):
    import psycopg

    make_data()
    before = django_snapshot()
    path = tmp_path / "kyodo.dump"
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    assert "Backup written to" in out.getvalue()
    assert path.read_bytes()[:5] == b"PGDMP"

    params = _pg_params()
    scratch = f"kyodo_restore_{uuid.uuid4().hex[:12]}"
    admin_params = {**params, "dbname": "postgres"}
    with psycopg.connect(**admin_params, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        call_command("restore", str(path), "--yes", "--into", scratch, stdout=io.StringIO())
        with psycopg.connect(**{**params, "dbname": scratch}) as restored:
            after = snapshot(restored.cursor(), _quote)
        assert after == before
        # The live database was not touched by a restore --into.
        assert django_snapshot() == before
    finally:
        with psycopg.connect(**admin_params, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL round trip")
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_postgres_restore_in_place(tmp_path, guideline):
    make_data()
    before = django_snapshot()
    path = tmp_path / "kyodo.dump"
    call_command("backup", str(path), stdout=io.StringIO())
    AuditEvent.objects.all().delete()
    UserFactory(display_name="後から来た人")
    call_command("restore", str(path), "--yes", stdout=io.StringIO())
    assert django_snapshot() == before
