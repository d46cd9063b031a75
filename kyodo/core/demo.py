"""The demo-data framework behind `manage.py seed_demo`.

Each app may have a `demo.py` module with `def seed(ctx: DemoContext) -> dict[str, int]`.
seed_demo calls them in INSTALLED_APPS order (the dependency order), once: an app whose
demo data exists is skipped, so a second run changes nothing. Output is deterministic for
a given --seed (dates are relative to ctx.today). `ctx.scale` multiplies the volumes:
scale 1 is Kawagoe today; scale 10 is ten years of Kawagoe (the benchmark dataset).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeVar

from django.db import models

T = TypeVar("T")
DEMO_PASSWORD = "kyodo-demo-2026"  # documented in README; demo accounts only


@dataclass
class DemoContext:
    seed: int
    scale: float
    today: dt.date
    out: TextIO = sys.stdout
    rng: random.Random = field(init=False)
    # Apps leave what later apps need here, e.g. shared["departments"].
    shared: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def count(self, base: int, minimum: int = 1) -> int:
        """A volume scaled by --scale."""
        return max(minimum, round(base * self.scale))

    def rng_for(self, label: str) -> random.Random:
        """A separate deterministic random stream per app/purpose, so adding data in one
        app does not change another app's data."""
        return random.Random(f"{self.seed}:{label}")

    def progress(self, items: Iterable[T], total: int, label: str) -> Iterator[T]:
        """Yield items while drawing a progress bar (one line, updated in place)."""
        start = time.monotonic()
        last = 0.0
        width = 30
        for i, item in enumerate(items, 1):
            yield item
            now = time.monotonic()
            if now - last > 0.2 or i == total:
                last = now
                done = int(width * i / max(total, 1))
                rate = i / max(now - start, 1e-6)
                self.out.write(
                    f"\r  {label:<28} [{'#' * done}{'.' * (width - done)}] {i:>9,}/{total:,} {rate:,.0f}/s"
                )
                self.out.flush()
        self.out.write("\n")

    def bulk_create(
        self,
        model: type[models.Model],
        objs: list[Any],
        *,
        batch_size: int = 2000,
        label: str | None = None,
    ) -> list[Any]:
        created: list[Any] = []
        batches = [objs[i : i + batch_size] for i in range(0, len(objs), batch_size)]
        for batch in self.progress(
            batches, len(batches), str(label or model._meta.verbose_name_plural)
        ):
            created.extend(model._default_manager.bulk_create(batch, batch_size=batch_size))
        return created

    def days_ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def aware(self, day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
        from django.utils import timezone

        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
