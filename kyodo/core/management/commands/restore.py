"""`manage.py restore PATH --yes`: put a backup made by `manage.py backup` back.

SQLite: the file is checked (`PRAGMA integrity_check`, it must be a Kyodo database), then
copied into the live database with the online backup API, in one step, so running
processes see either the old or the restored database, never a mix.
PostgreSQL: `pg_restore --clean --if-exists --single-transaction`, so a failed restore
leaves the database as it was.
`--into` restores somewhere else instead (a scratch SQLite file, or another PostgreSQL
database on the same server) to inspect a backup or rehearse a restore.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from kyodo.core.management.commands.backup import Progress, is_sqlite, pg_environment, run_pg_tool


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` (replaces the current data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the backup file")
        parser.add_argument(
            "--yes", action="store_true", help="confirm: the current data is replaced"
        )
        parser.add_argument(
            "--into", help="restore into this SQLite file / PostgreSQL database instead"
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"]).resolve()
        if not path.is_file():
            raise CommandError(f"No backup file at {path}")
        if not options["yes"]:
            raise CommandError(
                "This replaces the data in the database with the backup. Run again with --yes to confirm."
            )
        alias = options["database"]
        progress = Progress(self.stdout, "restore", enabled=options["verbosity"] > 0)
        started = time.monotonic()
        if is_sqlite(alias):
            self.restore_sqlite(alias, path, options["into"], progress)
        else:
            self.restore_postgres(alias, path, options["into"], progress)
        if options["verbosity"] > 0:
            self.stdout.write(f"Restored {path} in {time.monotonic() - started:.1f} s")

    def restore_sqlite(self, alias: str, path: Path, into: str | None, progress: Progress) -> None:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            try:
                check = source.execute("PRAGMA integrity_check").fetchone()[0]
                tables = {
                    r[0]
                    for r in source.execute("SELECT name FROM sqlite_master WHERE type='table'")
                }
            except sqlite3.DatabaseError as exc:
                raise CommandError(f"{path} is not an SQLite database: {exc}") from exc
            if check != "ok":
                raise CommandError(f"The backup failed its integrity check: {check}")
            if "django_migrations" not in tables:
                raise CommandError(f"{path} is not a Kyodo database (no django_migrations table).")
            if into:
                target = sqlite3.connect(into)
                try:
                    source.backup(target, progress=lambda s, r, t: progress.update(t - r, t))
                finally:
                    target.close()
            else:
                connection = connections[alias]
                connection.close()
                connection.ensure_connection()
                if connection.in_atomic_block:
                    raise CommandError("Cannot restore inside a transaction.")
                # pages=-1: one step, under one lock; other processes wait (busy timeout).
                source.backup(connection.connection, pages=-1)
                connection.close()
        finally:
            source.close()
        progress.update(1, 1, force=True)
        progress.finish()

    def restore_postgres(
        self, alias: str, path: Path, into: str | None, progress: Progress
    ) -> None:
        settings_dict = connections[alias].settings_dict
        target = into or settings_dict["NAME"]
        if not into:
            # Our own idle connection must not hold locks the DROP statements wait for.
            connections[alias].close()
        listing = run_list(path, pg_environment(settings_dict))
        argv = [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--verbose",
            "-d",
            target,
            str(path),
        ]
        run_pg_tool(
            argv,
            pg_environment(settings_dict),
            progress,
            max(listing, 1),
            r'processing data for table "?([^"\s]+(?:"\."[^"\s]+)?)"?',
        )


def run_list(path: Path, env: dict[str, str]) -> int:
    """How many tables have data in the archive (for the progress line)."""
    import shutil
    import subprocess

    executable = shutil.which("pg_restore")
    if executable is None:
        raise CommandError("pg_restore is not installed (apt-get install postgresql-client).")
    # A fixed program and the operator's own file path.
    result = subprocess.run(  # noqa: S603
        [executable, "-l", str(path)], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise CommandError(f"{path} is not a pg_dump archive: {result.stderr.strip()}")
    return sum(1 for line in result.stdout.splitlines() if " TABLE DATA " in line)
