"""Event registration under contention (issue 12): ≥ 200 registrations/s with zero
overbooking, 64 concurrent clients, through the real HTTP stack (gunicorn → Django → the
API's token auth → kyodo.events.services.register_for_event).

- `prepare_registration()` (run by bench/targets.py, inside Django, on the benchmark
  database): creates `events` fresh events open for registration, each with `capacity`
  seats (fewer than the clients, so every event fills up and has a waiting list), and one API
  token for each of `clients` demo residents. Returns a JSON-able plan.
- `run_registration(port, plan, env)` (run by bench/run.py, outside Django): 64 keep-alive
  clients, one per person, each POSTs /api/v1/events/{id}/registration for every benchmark
  event in its own shuffled order; bounded in time. Then runs `python bench/registration.py
  verify` in the benchmark environment, which counts, in the database, the confirmed
  registrations of each event against its capacity and its counter, and removes the
  benchmark events and tokens.

Standalone: `python bench/registration.py verify '<plan json>'`.

In process, one at a time (no HTTP, no concurrency), to find where a registration's time goes:
`SQLITE_PATH=bench/var/scale10.sqlite3 python bench/registration.py profile [--pyinstrument]`
prints CPU ms, wall ms and SQL statements per registration (the same API request through the
same middleware, Django's test client instead of gunicorn), then removes what it created.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_TITLE = "【ベンチマーク】申込み集中テスト"
# What every benchmark registration posts (the HTTP clients and the in-process profile).
REQUEST_BODY = b'{"answers": {}, "share_real_name": false, "share_phone": false}'
TOKEN_NAME = "bench-registration"


def prepare_registration(clients: int = 64, events: int = 40, capacity: int = 20) -> dict[str, Any]:
    """Inside Django: benchmark events and tokens. Idempotent (old ones are removed)."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from kyodo.accounts.models import User
    from kyodo.api.models import PersonalAccessToken
    from kyodo.api.services import create_token
    from kyodo.events.models import Event
    from kyodo.events.workflow import EventStatus

    _cleanup()
    template = (
        Event.objects.filter(status=EventStatus.PUBLISHED, room__isnull=True)
        .select_related("organization")
        .order_by("id")
        .first()
    )
    if template is None:
        raise LookupError("no published event to copy")
    people = list(
        User.objects.filter(
            is_active=True,
            deleted_at__isnull=True,
            is_superuser=False,
            email__startswith="resident0",
        ).order_by("id")[:clients]
    )
    if len(people) < clients:
        raise LookupError(f"only {len(people)} demo residents")
    now = timezone.now()
    created: list[int] = []
    with transaction.atomic():
        for i in range(events):
            starts = now + dt.timedelta(days=40, hours=i)
            event = Event.objects.create(
                title=f"{BENCH_TITLE} {i + 1}",
                kind=template.kind,
                status=EventStatus.PUBLISHED,
                summary="申込み処理の性能を測るための一時的なイベントです。",
                description="ベンチマークの終了時に削除されます。",
                organization=template.organization,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                place_name="川越市民会館",
                address="川越市内",
                district=template.district,
                capacity=capacity,
                opens_at=now - dt.timedelta(days=1),
                closes_at=starts - dt.timedelta(days=1),
                published_at=now - dt.timedelta(days=1),
            )
            created.append(event.pk)
    tokens = [create_token(actor=person, name=TOKEN_NAME).raw for person in people]
    assert PersonalAccessToken.objects.filter(name=TOKEN_NAME).count() == len(tokens)
    return {"events": created, "capacity": capacity, "tokens": tokens}


def _cleanup() -> None:
    from kyodo.api.models import PersonalAccessToken
    from kyodo.events.models import Event

    Event.objects.filter(title__startswith=BENCH_TITLE).delete()
    PersonalAccessToken.objects.filter(name=TOKEN_NAME).delete()


def verify(plan: dict[str, Any]) -> dict[str, Any]:
    """Inside Django: confirmed ≤ capacity and counters true, for every benchmark event."""
    from django.db.models import Count, Q

    from kyodo.events.models import Event
    from kyodo.events.workflow import RegistrationStatus

    rows = list(
        Event.objects.filter(pk__in=plan["events"])
        .annotate(
            confirmed=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
            ),
            waiting=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
            ),
            total=Count("registrations"),
        )
        .values(
            "pk", "capacity", "confirmed_count", "waitlist_count", "confirmed", "waiting", "total"
        )
    )
    overbooked = [e["pk"] for e in rows if e["confirmed"] > e["capacity"]]
    counter_mismatch = [
        e["pk"]
        for e in rows
        if e["confirmed"] != e["confirmed_count"] or e["waiting"] != e["waitlist_count"]
    ]
    result = {
        "events": len(plan["events"]),
        "registrations_in_db": sum(e["total"] for e in rows),
        "confirmed_in_db": sum(e["confirmed"] for e in rows),
        "waitlisted_in_db": sum(e["waiting"] for e in rows),
        "overbooked_events": overbooked,
        "counter_mismatches": counter_mismatch,
    }
    _cleanup()
    return result


async def _client(
    host: str, port: int, token: str, event_ids: list[int], deadline: float, out: dict[str, Any]
) -> None:
    from bench.loadgen import _read_response

    reader, writer = await asyncio.open_connection(host, port)
    try:
        for event_id in event_ids:
            if time.monotonic() > deadline:
                break
            request = (
                f"POST /api/v1/events/{event_id}/registration HTTP/1.1\r\n"
                f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(REQUEST_BODY)}\r\n"
                f"Connection: keep-alive\r\n\r\n"
            ).encode() + REQUEST_BODY
            t0 = time.perf_counter()
            try:
                writer.write(request)
                await writer.drain()
                status, close = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                out["errors"] += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            out["latencies_ms"].append((time.perf_counter() - t0) * 1000)
            out["statuses"][status] = out["statuses"].get(status, 0) + 1
            if status == 200:
                out["ok"] += 1
            else:
                out["errors"] += 1
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


def _cpu_by_group(master_pid: int | None) -> dict[str, float]:
    """CPU seconds used so far by each gunicorn worker (children of `master_pid`: "worker
    <pid>") and by the PostgreSQL server processes (all of them: the machine's server is
    shared)."""
    ticks = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {"postgresql": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        used = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
        if master_pid is not None and fields[1] == str(master_pid):  # the parent pid
            out[f"worker {stat.parent.name}"] = used
        elif name.startswith("postgres"):
            out["postgresql"] += used
    return out


def run_registration(
    port: int,
    plan: dict[str, Any],
    env: dict[str, str],
    seconds: float = 60.0,
    master_pid: int | None = None,
) -> dict[str, Any]:
    """Outside Django: the concurrent POSTs, then the database check (a subprocess). With the
    gunicorn master's pid, also the CPU time each registration cost, by process group: on a
    2-core machine this tells whether the run was bound by CPU or by waiting."""
    rng = random.Random(12)
    out: dict[str, Any] = {"ok": 0, "errors": 0, "statuses": {}, "latencies_ms": []}

    async def main() -> float:
        deadline = time.monotonic() + seconds
        start = time.monotonic()
        orders = []
        for _token in plan["tokens"]:
            ids = list(plan["events"])
            rng.shuffle(ids)
            orders.append(ids)
        await asyncio.gather(
            *(
                _client("127.0.0.1", port, token, ids, deadline, out)
                for token, ids in zip(plan["tokens"], orders, strict=True)
            )
        )
        return time.monotonic() - start

    cpu_before, own_before = _cpu_by_group(master_pid), time.process_time()
    elapsed = asyncio.run(main())
    cpu_after, own = _cpu_by_group(master_pid), time.process_time() - own_before
    cpu = {key: cpu_after[key] - cpu_before[key] for key in cpu_after}
    machine = {
        "server": sum(v for k, v in cpu.items() if k.startswith("worker ")),
        "postgresql": cpu.pop("postgresql"),
        "load generator": own,
    }
    cpu = machine | cpu  # the three groups, then each worker
    checked = subprocess.run(
        [sys.executable, "bench/registration.py", "verify", json.dumps(plan)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    db = json.loads(checked.stdout.strip().splitlines()[-1])
    lat = sorted(out["latencies_ms"])

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, round(p / 100 * (len(lat) - 1)))], 1) if lat else 0.0

    return {
        "clients": len(plan["tokens"]),
        "events": len(plan["events"]),
        "capacity_per_event": plan["capacity"],
        "attempted": out["ok"] + out["errors"],
        "succeeded": out["ok"],
        "errors": out["errors"],
        "statuses": out["statuses"],
        "seconds": round(elapsed, 2),
        "registrations_per_second": round(out["ok"] / elapsed, 1) if elapsed else 0.0,
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "database": db,
        "overbooking": len(db["overbooked_events"]),
        # CPU ms per successful registration, and the share of the machine's cores used.
        "cpu_ms_per_registration": {
            key: round(value / max(1, out["ok"]) * 1000, 2) for key, value in cpu.items()
        },
        "cpu_busy_share": round(sum(machine.values()) / (elapsed * (os.cpu_count() or 1)), 2)
        if elapsed
        else 0.0,
    }


def profile(
    pyinstrument: bool = False, show_all: bool = False, clients: int = 64, events: int = 10
) -> None:
    """Inside Django: registrations through the API in process, one at a time."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    plan = prepare_registration(clients=clients, events=events, capacity=20)
    client = Client(HTTP_HOST="127.0.0.1")
    calls = [(token, event) for event in plan["events"] for token in plan["tokens"]]

    def post(token: str, event: int) -> None:
        response = client.post(
            f"/api/v1/events/{event}/registration",
            REQUEST_BODY,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code}: {response.content[:300]!r}")

    try:
        post(*calls[0])  # warm the code paths, not the data
        measured = calls[1:-1]
        profiler = None
        if pyinstrument:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002)
            profiler.start()
        c0, w0 = time.process_time(), time.perf_counter()
        for token, event in measured:
            post(token, event)
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        if profiler is not None:
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=show_all))
        with CaptureQueriesContext(connection) as ctx:
            post(*calls[-1])
        print(
            f"{len(measured)} registrations: {cpu / len(measured) * 1000:.2f} ms CPU, "
            f"{wall / len(measured) * 1000:.2f} ms wall, {len(ctx.captured_queries)} SQL statements each"
        )
        for q in ctx.captured_queries:
            print(f"    {q['sql'][:160]}")
    finally:
        result = verify(plan)
        if result["overbooked_events"] or result["counter_mismatches"]:
            raise SystemExit(f"inconsistent: {result}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if len(sys.argv) >= 3 and sys.argv[1] == "verify":
        print(json.dumps(verify(json.loads(sys.argv[2]))))
    elif len(sys.argv) >= 2 and sys.argv[1] == "profile":
        profile(pyinstrument="--pyinstrument" in sys.argv, show_all="--all" in sys.argv)
    elif len(sys.argv) >= 2 and sys.argv[1] == "prepare":
        print(json.dumps(prepare_registration()))
    else:
        raise SystemExit(__doc__)
