from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyodo.guideline.loader import GuidelineDataError, check_guideline_file, load_guideline


class Command(BaseCommand):
    help = "Load (or reload) the municipality's guideline file. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=settings.KYODO_GUIDELINE_FILE)
        parser.add_argument(
            "--check",
            action="store_true",
            help="only validate the file (every error names its field); write nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            try:
                clean = check_guideline_file(options["path"])
            except GuidelineDataError as exc:
                raise CommandError(
                    f"{options['path']} is invalid:\n" + "\n".join(f"- {e}" for e in exc.errors)
                ) from exc
            sizes = ", ".join(
                f"{k} {len(v)}" for k, v in clean.items() if isinstance(v, list) and v
            )
            self.stdout.write(self.style.SUCCESS(f"{options['path']} is valid: {sizes}"))
            return
        try:
            counts = load_guideline(options["path"], progress=lambda m: self.stdout.write(f"  {m}"))
        except GuidelineDataError as exc:
            raise CommandError(
                "The guideline file is invalid:\n" + "\n".join(f"- {e}" for e in exc.errors)
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {options['path']} ({sum(counts.values())} rows)")
        )
