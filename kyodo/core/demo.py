"""The demo-data framework behind `manage.py seed_demo`.

Each app may have a `demo.py` module with `def seed(ctx: DemoContext) -> dict[str, int]`.
seed_demo calls them in INSTALLED_APPS order (the dependency order), once: an app whose
demo data exists is skipped, so a second run changes nothing. Output is deterministic for
a given --seed (dates are relative to ctx.today).

`ctx.scale` sets the volumes through one table, VOLUMES: scale 1 is Kawagoe today (what a
fresh clone's `make run` seeds, in well under a minute); scale 10 is ten years of Kawagoe,
the benchmark dataset of issue 12 (350,000 people, 3,000 organizations, 5,000 projects,
50,000 events, 1,000,000 registrations, 50,000 local issues). Between two anchors a volume
is interpolated linearly; below scale 1 it shrinks proportionally (tests use small scales);
above scale 10 it grows by the scale-10 figure per unit.

Large tables go in through `ctx.insert` (tuples, executemany on SQLite, COPY on PostgreSQL),
which is ten times faster than Model.objects.bulk_create; smaller ones through
`ctx.bulk_create`. Both draw a progress bar.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeVar

from django.db import connection, models

T = TypeVar("T")
DEMO_PASSWORD = "kyodo-demo-2026"  # documented in README; demo accounts only

# Volumes per entity: (scale 1 = Kawagoe today, scale 10 = ten years of Kawagoe).
# People are those registered on the platform: a small share of the city's 350,000
# residents at first, everyone (as accounts accumulate over ten years) at scale 10.
VOLUMES: dict[str, tuple[int, int]] = {
    "people": (2_000, 350_000),
    "organizations": (300, 3_000),
    "offers": (160, 1_600),
    "contact requests": (40, 400),
    "projects": (160, 5_000),
    "themes": (8, 80),
    "events": (5_000, 50_000),
    "local issues": (2_000, 50_000),
    "news": (150, 1_500),
}


def volume_at(anchors: tuple[int, int], scale: float) -> int:
    """The volume for `scale` from the (scale 1, scale 10) anchors."""
    one, ten = anchors
    if scale <= 1:
        return round(one * scale)
    if scale <= 10:
        return round(one + (scale - 1) * (ten - one) / 9)
    return round(ten * scale / 10)


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

    @property
    def city(self) -> DemoCity:
        """The municipality of the loaded guideline file (read once)."""
        if "city" not in self.shared:
            self.shared["city"] = demo_city()
        return self.shared["city"]  # type: ignore[no-any-return]

    def count(self, base: int, minimum: int = 1) -> int:
        """A volume scaled by --scale (proportionally)."""
        return max(minimum, round(base * self.scale))

    def volume(self, entity: str, minimum: int = 1) -> int:
        """The number of `entity` rows at this scale (see VOLUMES)."""
        return max(minimum, volume_at(VOLUMES[entity], self.scale))

    @property
    def years(self) -> float:
        """How many years of history the dataset covers: 2.5 at scale 1, 10 at scale 10."""
        return max(2.5, min(self.scale, 10.0)) if self.scale >= 1 else 2.5

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
            total = max(total, i)  # an estimated total that turns out low grows, never overflows
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

    def insert(
        self,
        model: type[models.Model],
        fields: list[str],
        rows: Iterable[tuple[Any, ...]],
        *,
        total: int,
        label: str | None = None,
        batch_size: int = 5000,
    ) -> int:
        """Insert plain tuples (values in the order of `fields`, attribute names such as
        "user_id") without building model instances: executemany on SQLite, COPY on
        PostgreSQL. Fields left out get their default (evaluated once). No signals, no
        returned ids (use `last_ids`). Returns the number of rows written."""
        meta = model._meta
        by_name = {f.attname: f for f in meta.concrete_fields}
        given = [by_name[name] for name in fields]
        rest = [
            f
            for f in meta.concrete_fields
            if f.attname not in fields
            and not (f.primary_key and f.auto_created)
            and not (f.primary_key and isinstance(f, models.AutoField))
        ]
        constants = tuple(f.get_db_prep_save(_default_of(f), connection) for f in rest)
        converters = [_converter(f) for f in given]
        columns = [f.column for f in (*given, *rest)]
        qn = connection.ops.quote_name
        table = qn(meta.db_table)
        column_sql = ", ".join(qn(c) for c in columns)
        postgres = connection.vendor == "postgresql"
        sql = f"INSERT INTO {table} ({column_sql}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 (quoted names)
        convert = [(i, c) for i, c in enumerate(converters) if c is not None]

        def prepared(batch: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
            if not convert:
                return [row + constants for row in batch]
            out = []
            for row in batch:
                values = list(row)
                for i, conv in convert:
                    if values[i] is not None:
                        values[i] = conv(values[i])
                out.append((*values, *constants))
            return out

        def batches() -> Iterator[list[tuple[Any, ...]]]:
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= batch_size:
                    yield batch
                    batch = []
            if batch:
                yield batch

        written = 0
        n_batches = max(1, -(-total // batch_size))
        name = str(label or meta.verbose_name_plural)
        with connection.cursor() as cursor:
            for batch in self.progress(batches(), n_batches, name):
                values = prepared(batch)
                if postgres:
                    raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                    with raw.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:
                        for row in values:
                            copy.write_row(row)
                else:
                    cursor.executemany(sql, values)
                written += len(values)
        return written

    def insert_objects(
        self, model: type[models.Model], objs: list[Any], *, label: str | None = None
    ) -> list[Any]:
        """`insert` for unsaved model instances (their field values, defaults included, as
        __init__ set them); sets each instance's pk. For tens of thousands of rows."""
        concrete = [
            f
            for f in model._meta.concrete_fields
            if not (f.primary_key and isinstance(f, models.AutoField))
        ]
        fields = [f.attname for f in concrete]
        for f in concrete:  # what pre_save would do for auto_now / auto_now_add
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                now = _default_of(f)
                for o in objs:
                    if getattr(o, f.attname) is None:
                        setattr(o, f.attname, now)
        self.insert(
            model,
            fields,
            (tuple(getattr(o, name) for name in fields) for o in objs),
            total=len(objs),
            label=label,
        )
        for obj, pk in zip(objs, self.last_ids(model, len(objs)), strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = "default"
        return objs

    @staticmethod
    def last_ids(model: type[models.Model], n: int) -> list[int]:
        """The primary keys of the last `n` rows (in insertion order): after `insert`, inside
        the seeding transaction, these are the rows just written."""
        if n <= 0:
            return []
        ids = list(model._default_manager.order_by("-pk").values_list("pk", flat=True)[:n])
        ids.reverse()
        return ids

    def days_ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def now(self) -> dt.datetime:
        """The demo's present: noon of ctx.today, but never later than the real clock, so no
        "created" or "published" time lies in the future when the demo is built in the morning."""
        from django.utils import timezone

        return min(self.aware(self.today, 12), timezone.now())

    def aware(self, day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
        from django.utils import timezone

        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _default_of(field: models.Field[Any, Any]) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        from django.utils import timezone

        now = timezone.now()
        return (
            now.date()
            if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
            else now
        )
    return field.get_default()


_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.FloatField,
)


def _converter(field: models.Field[Any, Any]) -> Any:
    """How one value of `field` becomes a database parameter in `DemoContext.insert`; None
    when the driver takes the Python value as it is (most fields)."""
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite":
            from django.conf import settings

            if settings.USE_TZ:
                # Django stores naive UTC text on SQLite: 'YYYY-MM-DD HH:MM:SS[.ffffff]'.
                return lambda v: (v.replace(tzinfo=None) - v.utcoffset()).isoformat(" ")
            return lambda v: v.isoformat(" ")
        return None
    if isinstance(field, models.DateField):
        return (lambda v: v.isoformat()) if connection.vendor == "sqlite" else None
    if isinstance(field, _PLAIN) and type(field).__module__.startswith("django."):
        return None
    return lambda v: field.get_db_prep_save(v, connection)


@dataclass(frozen=True)
class DemoCity:
    """The municipality the demo data is about, from its guideline file: demo text names the
    city through this (never a fixed city), so `seed_demo` makes a believable site of any
    city that has a valid file."""

    name: str  # 架空市
    short: str  # 架空 (the name without 市/町/村/区)
    kana: str  # かくうし ("" when the file gives no reading)
    short_kana: str  # かくう
    prefecture: str
    address: str
    phone: str
    website: str
    area_code: str  # the phone area code of the city's contact number ("049"), or "0000"
    postal_prefix: str  # the first three digits of its postal code ("350"), or "000"

    def phone_number(self, rng: random.Random) -> str:
        return f"{self.area_code}-{rng.randint(200, 299)}-{rng.randint(0, 9999):04d}"

    def hall(self) -> str:
        """The city hall, e.g. 架空市役所."""
        return f"{self.name}役所" if self.name.endswith("市") else f"{self.name}役場"


def demo_city() -> DemoCity:
    from kyodo.guideline.models import Municipality

    muni = Municipality.objects.order_by("id").first()
    name = muni.name if muni else "市"
    kana = (muni.name_kana if muni else "") or ""
    short = name[:-1] if len(name) > 1 and name[-1] in "市町村区" else name
    short_kana = kana
    for suffix in ("し", "ちょう", "まち", "そん", "むら", "く"):
        if kana.endswith(suffix) and len(kana) > len(suffix):
            short_kana = kana[: -len(suffix)]
            break
    return DemoCity(
        name=name,
        short=short,
        kana=kana,
        short_kana=short_kana,
        prefecture=muni.prefecture if muni else "",
        address=(muni.contact_address if muni else "") or f"{name}内",
        phone=(muni.contact_phone if muni else "") or "",
        website=f"https://www.city.{muni.code}.example.jp/" if muni else "",
        area_code=_leading_digits(muni.contact_phone if muni else "", "0000"),
        postal_prefix=_leading_digits(muni.contact_postal_code if muni else "", "000"),
    )


def _leading_digits(text: str, default: str) -> str:
    head = (text or "").split("-")[0].strip()
    return head if head.isdigit() else default
