from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyodo.guideline.loader import GuidelineDataError, load_guideline


class Command(BaseCommand):
    help = "Load (or reload) the municipality's guideline file. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=settings.KYODO_GUIDELINE_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = load_guideline(options["path"], progress=lambda m: self.stdout.write(f"  {m}"))
        except GuidelineDataError as exc:
            raise CommandError(
                "The guideline file is invalid:\n" + "\n".join(f"- {e}" for e in exc.errors)
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {options['path']} ({sum(counts.values())} rows)")
        )
