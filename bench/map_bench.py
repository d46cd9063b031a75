"""The issues map's data endpoint at scale 10 (issue 29): p50/p95 of /issues/map.json.

    .venv/bin/python bench/map_bench.py                 # SQLite, bench/var/map-scale10.sqlite3
    DATABASE_URL=postgres://… .venv/bin/python bench/map_bench.py
    .venv/bin/python bench/map_bench.py --issues 2000   # scale 1

Builds (once; --rebuild starts again) a database with the guideline and N local issues
(50,000 = scale 10, kyodo.challenges.demo.issue_volume(10)) placed like the demo's (around
their district's centre, one in five rounded near a home), then requests the endpoint in
process through the whole middleware stack (Django's test client) and prints the latency of
each view: the city-wide view a resident first sees, a filtered city-wide view, a district,
a street. Three runs:
- "cold": KYODO_PAGE_CACHE_SECONDS=0, so every request runs the GROUP BY (the first request
  after any change to an issue);
- "signed in": caches on (30 s) for a signed-in person: the page cache does not apply, the
  city's cluster grid per zoom and filter is reused (kyodo/challenges/selectors._city_cells);
- "anonymous": caches on, an anonymous visitor: the whole response comes from the page cache.
Target (issue 29): p95 ≤ 50 ms for the city-wide view.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--issues", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("KYODO_FAST_HASHER", "1")
    if not os.environ.get("DATABASE_URL"):
        db = ROOT / "bench" / "var" / f"map-{args.issues}.sqlite3"
        db.parent.mkdir(parents=True, exist_ok=True)
        if args.rebuild and db.exists():
            db.unlink()
        os.environ["SQLITE_PATH"] = str(db)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client, override_settings

    from kyodo.accounts.models import User
    from kyodo.challenges import geo
    from kyodo.challenges.demo import DISTRICT_WEIGHTS, _place_on_map
    from kyodo.challenges.models import Issue
    from kyodo.guideline.loader import load_guideline
    from kyodo.guideline.models import District, Field

    call_command("migrate", verbosity=0)
    if args.rebuild and os.environ.get("DATABASE_URL"):
        Issue.objects.all().delete()
    have = Issue.objects.exclude(public_latitude=None).count()
    author, _ = User.objects.get_or_create(
        email="map-bench@example.jp", defaults={"display_name": "bench"}
    )
    if have < args.issues:
        load_guideline(settings.KYODO_GUIDELINE_FILE)
        districts = list(District.objects.all())
        weights = [DISTRICT_WEIGHTS.get(d.code, 5) for d in districts]
        fields = list(Field.objects.all())
        city = geo.city_map()
        rng = random.Random(29)
        statuses = ["received", "reviewing", "in_progress", "resolved", "declined"]
        started = time.perf_counter()
        batch: list[Issue] = []
        for i in range(args.issues - have):
            district = rng.choices(districts, weights)[0]
            issue = Issue(
                title=f"地域の課題 {i}",
                description="ベンチマーク用",
                district=district,
                field=rng.choice(fields),
                author=author,
                status=rng.choice(statuses),
            )
            _place_on_map(issue, city, district.code, rng)
            batch.append(issue)
            if len(batch) == 5000:
                Issue.objects.bulk_create(batch)
                batch = []
        Issue.objects.bulk_create(batch)
        print(f"built {args.issues - have:,} issues in {time.perf_counter() - started:.1f}s")

    city = geo.city_map()
    south, west, north, east = city.bbox
    lat, lon = city.centre
    views = {
        "city-wide (zoom 12)": f"zoom=12&bbox={west},{south},{east},{north}",
        "city-wide, one field (zoom 12)": f"zoom=12&field=welfare&bbox={west},{south},{east},{north}",
        "district (zoom 14)": f"zoom=14&bbox={lon - 0.03},{lat - 0.02},{lon + 0.03},{lat + 0.02}",
        "street (zoom 17)": f"zoom=17&bbox={lon - 0.004},{lat - 0.003},{lon + 0.004},{lat + 0.003}",
    }
    results: dict[str, dict[str, object]] = {}
    total = Issue.objects.exclude(public_latitude=None).count()
    print(f"{total:,} issues with a point · {settings.DATABASES['default']['ENGINE']}")
    signed_in = Client()
    signed_in.force_login(author)
    for mode, seconds, client in (
        ("cold", 0, Client()),
        ("signed in", 30, signed_in),
        ("anonymous", 30, Client()),
    ):
        with override_settings(KYODO_PAGE_CACHE_SECONDS=seconds):
            for name, query in views.items():
                url = f"/issues/map.json?{query}"
                for _ in range(5):  # warm-up
                    client.get(url)
                times = []
                for _ in range(args.requests):
                    t0 = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - t0) * 1000)
                    assert response.status_code == 200, response.status_code
                data = json.loads(response.content)
                times.sort()
                p50 = statistics.median(times)
                p95 = times[int(len(times) * 0.95) - 1]
                results[f"{mode}: {name}"] = {
                    "p50_ms": round(p50, 1),
                    "p95_ms": round(p95, 1),
                    "features": len(data["features"]),
                    "clustered": data["clustered"],
                    "issues_in_view": data["total"],
                    "bytes": len(response.content),
                }
                print(
                    f"{mode:9} {name:32} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
                    f"{len(data['features']):4} {'clusters' if data['clustered'] else 'issues'}"
                    f" for {data['total']:,}, {len(response.content):,} bytes"
                )
    load = os.getloadavg()[0]
    print(f"load average (1 min): {load:.2f}")
    out = ROOT / "bench" / "results" / "map.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "issues": total,
                "engine": settings.DATABASES["default"]["ENGINE"],
                "load_1min": load,
                "views": results,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
