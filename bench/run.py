"""`make bench`: Kyodo under gunicorn (2 workers, production settings) on scale-10 data, driven
from this separate process over loopback; prints a table and writes bench/results/*.json.

    python bench/run.py [--scale 10] [--seconds 5] [--connections 16] [--rebuild]

SQLite by default (bench/var/scale<N>.sqlite3); PostgreSQL when DATABASE_URL is set. The dataset
is built once with `seed_demo --scale N` and reused. Benchmarks never run in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import loadgen  # noqa: E402

PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_env(scale: float) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KYODO_TEST")}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        KYODO_MANIFEST_STATIC="1",
        SECURE_COOKIES="0",
        STATIC_ROOT=str(ROOT / "bench" / "var" / "static"),
        MEDIA_ROOT=str(ROOT / "bench" / "var" / "media"),
        AXES_ENABLED="0",
        LOG_LEVEL="ERROR",
        KYODO_API_RATE_LIMIT_PER_MINUTE="100000000",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    if not env.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(ROOT / "bench" / "var" / f"scale{scale:g}.sqlite3")
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def build_dataset(env: dict[str, str], scale: float, rebuild: bool) -> float | None:
    db = env.get("SQLITE_PATH")
    if db and rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "translations", "compile")
    started = time.monotonic()
    manage(env, "seed_demo", "--scale", f"{scale:g}")
    return time.monotonic() - started


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    manage(env, "collectstatic", "--no-input", "-v0")
    proc = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "config.wsgi:application",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def worker_rss_mb(master_pid: int) -> list[float]:
    out = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == str(master_pid):
            out.append(int(fields.get("VmRSS", "0 kB").split()[0]) / 1024)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--only", nargs="*", help="target names")
    args = parser.parse_args()

    env = bench_env(args.scale)
    db_label = "postgresql" if env.get("DATABASE_URL") else "sqlite"
    print(
        f"Kyodo bench: scale {args.scale:g} on {db_label}, {args.connections} connections, {args.seconds:g}s per page"
    )
    seed_seconds = build_dataset(env, args.scale, args.rebuild)
    print("Discovering targets…")
    prepared = json.loads(
        subprocess.run(
            [PY, "bench/targets.py"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout
    )
    port = free_port()
    proc = start_gunicorn(env, port)
    results: list[dict] = []
    try:
        targets = [("floor", "/floor")] + [(t["name"], t["path"]) for t in prepared["targets"]]
        for name, path in targets:
            if args.only and name not in args.only and name != "floor":
                continue
            loadgen.run(name, "127.0.0.1", port, path, connections=2, seconds=1)  # warm-up
            r = loadgen.run(
                name, "127.0.0.1", port, path, connections=args.connections, seconds=args.seconds
            )
            results.append(r.as_dict())
            print(
                f"  {name:<28} {r.rps:8.1f} req/s  p50 {r.percentile(50):7.1f}  p95 {r.percentile(95):7.1f}  "
                f"p99 {r.percentile(99):7.1f} ms  errors {r.errors}"
            )
        registration = None
        if prepared.get("registration"):
            from bench.registration import run_registration

            registration = run_registration(port, prepared["registration"], env)
        rss = worker_rss_mb(proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)

    floor_rps = next((r["rps"] for r in results if r["name"] == "floor"), 0) or 1
    print("\n| page | req/s | × floor | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in results:
        print(
            f"| {row['name']} | {row['rps']:.1f} | {row['rps'] / floor_rps:.2f} | {row['p50_ms']:.1f} | "
            f"{row['p95_ms']:.1f} | {row['p99_ms']:.1f} | {row['errors']} |"
        )
    print(f"\nWorker RSS after the run: {', '.join(f'{m:.0f} MB' for m in rss)}")
    for key, value in prepared.get("timings", {}).items():
        print(f"{key}: {value}")
    if registration:
        print(f"Registrations: {registration}")
    if seed_seconds is not None:
        print(
            f"seed_demo --scale {args.scale:g}: {seed_seconds:.1f}s (0 when the data already existed)"
        )
    out = (
        ROOT
        / "bench"
        / "results"
        / f"bench-{db_label}-scale{args.scale:g}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    )
    out.write_text(
        json.dumps(
            {
                "database": db_label,
                "scale": args.scale,
                "connections": args.connections,
                "seconds": args.seconds,
                "pages": results,
                "worker_rss_mb": rss,
                "timings": prepared.get("timings", {}),
                "registration": registration,
                "seed_seconds": seed_seconds,
                "skipped": prepared.get("skipped", []),
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"Results written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
