from __future__ import annotations

import importlib
import time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from kyodo.core.demo import DEMO_PASSWORD, DemoContext
from kyodo.core.models import DemoDataset
from kyodo.guideline.loader import load_guideline


class Command(BaseCommand):
    help = (
        "Build a believable city, in Japanese, from the guideline file (KYODO_GUIDELINE_FILE). "
        "Idempotent; deterministic for a seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2018)
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1 = a city of Kawagoe's size today; 10 = ten years of it (benchmarks)",
        )
        parser.add_argument("--only", nargs="*", help="only these app labels")

    def handle(self, *args: Any, **options: Any) -> None:
        load_guideline(settings.KYODO_GUIDELINE_FILE)
        ctx = DemoContext(
            seed=options["seed"],
            scale=options["scale"],
            today=timezone.localdate(),
            out=self.stdout,  # type: ignore[arg-type]
        )
        started = time.monotonic()
        sqlite = connection.vendor == "sqlite"
        if sqlite:
            # Bulk loading: foreign keys are checked once at the end (PRAGMA foreign_key_check)
            # instead of on each of the million rows; the pragma only works outside a
            # transaction.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA foreign_keys=OFF")
        seeded = 0
        try:
            seeded = self._seed_apps(ctx, options)
        finally:
            if sqlite:
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA foreign_keys=ON")
        if sqlite and seeded:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA foreign_key_check")
                broken = cursor.fetchmany(5)
            if broken:
                raise CommandError(f"demo data breaks foreign keys: {broken}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready in {time.monotonic() - started:.1f}s. Demo accounts use the password {DEMO_PASSWORD!r}."
            )
        )

    def _seed_apps(self, ctx: DemoContext, options: dict[str, Any]) -> int:
        """Seed each app that has no demo data yet; returns how many were seeded."""
        seeded = 0
        for app in apps.get_app_configs():
            if not app.name.startswith("kyodo."):
                continue
            if options["only"] and app.label not in options["only"]:
                continue
            try:
                module = importlib.import_module(f"{app.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name == f"{app.name}.demo":
                    continue
                raise
            if not hasattr(module, "seed"):
                continue
            if (
                hasattr(module, "load_shared")
                and DemoDataset.objects.filter(app_label=app.label).exists()
            ):
                module.load_shared(ctx)  # later apps may need what this one made
            if DemoDataset.objects.filter(app_label=app.label).exists():
                self.stdout.write(f"{app.label}: demo data already present, skipped")
                continue
            self.stdout.write(f"{app.label}: generating…")
            t0 = time.monotonic()
            with transaction.atomic():
                rows = module.seed(ctx) or {}
                DemoDataset.objects.create(
                    app_label=app.label, seed=ctx.seed, scale=ctx.scale, rows=rows
                )
            summary = ", ".join(f"{k} {v:,}" for k, v in rows.items())
            self.stdout.write(
                self.style.SUCCESS(f"{app.label}: {summary} ({time.monotonic() - t0:.1f}s)")
            )
            seeded += 1
        return seeded
