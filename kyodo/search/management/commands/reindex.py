from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyodo.search import services
from kyodo.search.models import DocType


class Command(BaseCommand):
    help = "Rebuild the search index from the content (all types, or --type T)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--type",
            action="append",
            dest="types",
            choices=DocType.values,
            help="only this document type (repeatable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        types = options["types"] or None
        total = services.count_sources(types)
        if total < 0:
            raise CommandError("nothing to index")
        started = time.monotonic()
        state = {"done": 0, "last": 0.0}
        width = 30

        def progress(n: int) -> None:
            state["done"] += n
            now = time.monotonic()
            if now - state["last"] < 0.2 and state["done"] < total:
                return
            state["last"] = now
            done = int(state["done"])
            filled = int(width * min(done, total) / max(total, 1))
            rate = done / max(now - started, 1e-6)
            self.stdout.write(
                f"\r  search index [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,} {rate:,.0f}/s",
                ending="",
            )
            self.stdout.flush()

        written = services.reindex(types, progress=progress)
        elapsed = time.monotonic() - started
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {written:,} documents in {elapsed:.1f}s ({written / max(elapsed, 1e-6):,.0f}/s)."
            )
        )
