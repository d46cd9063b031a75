"""`manage.py backup [PATH]`: a consistent copy of the database while the site runs.

SQLite: the online backup API (`sqlite3.Connection.backup`), page by page; SQLite restarts
the copy by itself if another connection writes meanwhile, so the result is one consistent
snapshot, then checked with `PRAGMA integrity_check` and moved into place atomically.
PostgreSQL: `pg_dump -Fc` (one consistent snapshot, custom format for pg_restore).
Without PATH the file goes to var/backups/kyodo-<engine>-<timestamp>.<ext>.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils import timezone

PAGES_PER_STEP = 256


def is_sqlite(alias: str = "default") -> bool:
    return connections[alias].vendor == "sqlite"


def pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore from the Django connection settings (the
    password never appears on a command line)."""
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        value = settings_dict.get(key)
        if value:
            env[var] = str(value)
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


class Progress:
    """One line, rewritten in place: `label [#####.....] 42% detail`."""

    def __init__(self, out: Any, label: str, enabled: bool = True) -> None:
        self.out, self.label, self.enabled = out, label, enabled
        self.last = 0.0

    def update(self, done: int, total: int, detail: str = "", force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self.last < 0.2):
            return
        self.last = now
        width = 30
        share = done / total if total else 1.0
        bar = "#" * int(width * share) + "." * (width - int(width * share))
        self.out.write(f"\r{self.label} [{bar}] {share:>4.0%} {detail}")
        self.out.flush()

    def finish(self) -> None:
        if self.enabled:
            self.out.write("\n")
            self.out.flush()


def run_pg_tool(
    argv: list[str], env: dict[str, str], progress: Progress, total: int, pattern: str
) -> None:
    """Run pg_dump/pg_restore --verbose, advancing the progress line on each table."""
    executable = shutil.which(argv[0])
    if executable is None:
        raise CommandError(f"{argv[0]} is not installed (apt-get install postgresql-client).")
    # A fixed program; the database name and file path come from settings and the
    # operator's command line, never from a web request.
    proc = subprocess.Popen(  # noqa: S603
        [executable, *argv[1:]],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stderr is not None
    done = 0
    errors: list[str] = []
    matcher = re.compile(pattern)
    for line in proc.stderr:
        match = matcher.search(line)
        if match:
            done += 1
            progress.update(min(done, total), total, f"{match.group(1)[:40]:<40}")
        elif "error" in line.lower():
            errors.append(line.strip())
    code = proc.wait()
    progress.update(total, total, " " * 40, force=True)
    progress.finish()
    if code != 0:
        raise CommandError(f"{argv[0]} failed ({code}): " + " | ".join(errors[-5:]))


def table_count(alias: str = "default") -> int:
    with connections[alias].cursor() as cursor:
        return len(connections[alias].introspection.table_names(cursor))


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup API, or pg_dump -Fc) while the site runs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="where to write the backup")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        alias = options["database"]
        sqlite = is_sqlite(alias)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        default = (
            Path(settings.BASE_DIR)
            / "var"
            / "backups"
            / (f"kyodo-sqlite-{stamp}.sqlite3" if sqlite else f"kyodo-postgres-{stamp}.dump")
        )
        path = Path(options["path"] or default).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        progress = Progress(self.stdout, "backup ", enabled=options["verbosity"] > 0)
        started = time.monotonic()
        if sqlite:
            self.backup_sqlite(alias, path, progress)
        else:
            self.backup_postgres(alias, path, progress)
        size = path.stat().st_size
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Backup written to {path} ({size / 1024 / 1024:.1f} MB in {time.monotonic() - started:.1f} s)"
            )

    def backup_sqlite(self, alias: str, path: Path, progress: Progress) -> None:
        connection = connections[alias]
        connection.ensure_connection()
        source = connection.connection
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        target = sqlite3.connect(partial)
        try:

            def report(status: int, remaining: int, total: int) -> None:
                progress.update(total - remaining, total, f"{total - remaining:,}/{total:,} pages")

            source.backup(target, pages=PAGES_PER_STEP, progress=report)
            # A backup of a WAL database is itself a plain rollback-journal file.
            target.execute("PRAGMA journal_mode=DELETE")
            result = target.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise CommandError(f"The copy failed its integrity check: {result}")
        finally:
            target.close()
        progress.update(1, 1, "", force=True)
        progress.finish()
        os.replace(partial, path)

    def backup_postgres(self, alias: str, path: Path, progress: Progress) -> None:
        settings_dict = connections[alias].settings_dict
        partial = path.with_name(path.name + ".partial")
        argv = [
            "pg_dump",
            "-Fc",
            "--verbose",
            "--no-owner",
            "-f",
            str(partial),
            "-d",
            settings_dict["NAME"],
        ]
        run_pg_tool(
            argv,
            pg_environment(settings_dict),
            progress,
            table_count(alias),
            r'dumping contents of table "?([^"\s]+(?:"\."[^"\s]+)?)"?',
        )
        os.replace(partial, path)
