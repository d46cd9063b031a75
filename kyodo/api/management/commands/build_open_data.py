"""manage.py build_open_data [--enqueue]: write today's open-data package."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Build the open-data package (CSV + JSON + data dictionary, CC BY 4.0) under MEDIA_ROOT/open-data/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Enqueue the build_open_data_package task for the worker instead of building now.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from kyodo.api.tasks import build_open_data_package

            result = build_open_data_package.enqueue()
            self.stdout.write(f"Enqueued build_open_data_package ({result.id}).")
            return
        from kyodo.api.opendata import build_package, datasets

        total = len(datasets())
        done = 0
        start = time.monotonic()

        def progress(name: str, rows: int) -> None:
            nonlocal done
            done += 1
            self.stdout.write(
                f"  [{done:>2}/{total}] {name:<24} {rows:>10,} rows  ({time.monotonic() - start:.1f}s)"
            )

        self.stdout.write("Building the open-data package…")
        info = build_package(progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {info.path} ({info.size:,} bytes, {sum(info.rows.values()):,} rows, sha256 {info.sha256[:12]}…) "
                f"in {time.monotonic() - start:.1f}s."
            )
        )
