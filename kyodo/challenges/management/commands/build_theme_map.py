from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kyodo.challenges.services import build_theme_maps
from kyodo.challenges.tasks import build_theme_map_task


class Command(BaseCommand):
    help = "Group local issues into themes (city-wide and per district) and store the maps."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--district", action="append", dest="districts", help="district code (repeatable)"
        )
        parser.add_argument(
            "--months", type=int, default=24, help="use issues from the last N months"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="queue a task for the db_worker instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = build_theme_map_task.enqueue(options["districts"])
            self.stdout.write(f"queued task {result.id}")
            return
        started = time.monotonic()
        maps = build_theme_maps(district_codes=options["districts"], months=options["months"])
        for m in maps:
            self.stdout.write(
                f"{m.district.name if m.district else '市全体'}: {m.issue_count} issues, {m.themes.count()} themes"
            )
        self.stdout.write(
            self.style.SUCCESS(f"{len(maps)} theme maps built in {time.monotonic() - started:.1f}s")
        )
