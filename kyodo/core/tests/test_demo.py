"""The demo-data framework: the volume table and the fast row writer behind seed_demo."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from kyodo.core.demo import VOLUMES, DemoContext, volume_at
from kyodo.core.models import DemoDataset


def make_ctx(scale: float = 1.0) -> DemoContext:
    return DemoContext(seed=1, scale=scale, today=dt.date(2026, 11, 25), out=io.StringIO())


def test_scale_one_is_kawagoe_today_and_scale_ten_the_benchmark_figures():
    assert volume_at(VOLUMES["people"], 1) == 2_000
    assert volume_at(VOLUMES["people"], 10) == 350_000
    assert volume_at(VOLUMES["projects"], 10) == 5_000
    assert volume_at(VOLUMES["events"], 10) == 50_000
    assert volume_at(VOLUMES["organizations"], 10) == 3_000
    assert volume_at(VOLUMES["local issues"], 10) == 50_000
    # between the anchors: linear; below 1: proportional; above 10: per unit of scale 10
    assert volume_at((100, 1000), 5.5) == 550
    assert volume_at((100, 1000), 0.5) == 50
    assert volume_at((100, 1000), 20) == 2000
    assert make_ctx(0.001).volume("events", minimum=20) == 20


@pytest.mark.django_db
def test_insert_writes_rows_the_orm_reads_back_identically():
    ctx = make_ctx()
    when = timezone.make_aware(dt.datetime(2026, 4, 1, 9, 30, 15, 250))  # local time (JST)
    written = ctx.insert(
        DemoDataset,
        ["app_label", "seed", "scale", "rows"],
        [(f"demo-{i}", i, 1.5, {"n": i}) for i in range(7)],
        total=7,
        batch_size=3,
    )
    assert written == 7
    ids = ctx.last_ids(DemoDataset, 7)
    rows = list(DemoDataset.objects.filter(pk__in=ids).order_by("pk"))
    assert [r.app_label for r in rows] == [f"demo-{i}" for i in range(7)]
    assert [r.rows for r in rows] == [{"n": i} for i in range(7)]  # JSON converted
    assert all(r.created_at is not None for r in rows)  # auto_now_add filled in

    # insert_objects: defaults from __init__, aware datetimes round-trip, pks set
    objs = [DemoDataset(app_label=f"obj-{i}", seed=i, scale=10) for i in range(3)]
    for o in objs:
        o.created_at = when
    ctx.insert_objects(DemoDataset, objs)
    assert all(o.pk for o in objs)
    again = DemoDataset.objects.get(pk=objs[1].pk)
    assert again.app_label == "obj-1"
    assert again.rows == {}
    assert again.created_at == when
    assert DemoDataset.objects.filter(created_at=when).count() == 3
    assert "[" in ctx.out.getvalue()  # a progress bar was drawn
