"""Per-page cost on the benchmark database, in process (no HTTP, no concurrency): CPU time,
wall time, number of SQL queries and the slowest queries of each key page. It finds the
cause when `make bench` shows a page missing its target, and it is far less sensitive to the
load of a shared machine than latency under load is (CPU time is per process).

    SQLITE_PATH=bench/var/scale10.sqlite3 python bench/profile_pages.py [--repeat 5] [--only NAME…]
    … --pyinstrument NAME      # a pyinstrument profile of one page (pip install pyinstrument)

    … --as coordinator@example.jp          # signed in (force_login): that person's key pages
    … --as rep@example.jp --repeats        # and the statements each page runs more than once

Reads the key pages from bench/targets.py's discovery (same URLs as `make bench`; signed in,
the pages of bench/targets.py's SIGNED_IN_TARGETS that answer that person 200). The anonymous
page cache is off unless `--page-cache on` (a cached page costs what the floor costs).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--pyinstrument", metavar="NAME")
    parser.add_argument("--slowest", type=int, default=3)
    parser.add_argument("--as", dest="email", metavar="EMAIL", help="signed in as this person")
    parser.add_argument("--page-cache", choices=("on", "off"), default="off")
    parser.add_argument(
        "--repeats", action="store_true", help="list the statements a page runs more than once"
    )
    parser.add_argument(
        "--statements", action="store_true", help="list every statement of a page, shortened"
    )
    parser.add_argument("--json", metavar="PATH", help="write the figures to this file")
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    env.setdefault("KYODO_BENCH_SKIP_REGISTRATION", "1")
    if args.page_cache == "off":
        env["KYODO_PAGE_CACHE_SECONDS"] = "0"
    env["KYODO_BENCH_ROLES"] = args.email or ""
    env["KYODO_BENCH_SESSIONS"] = "0"
    prepared = json.loads(
        subprocess.run(
            [sys.executable, "bench/targets.py"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    os.environ.update(
        {k: v for k, v in env.items() if k in ("ALLOWED_HOSTS", "KYODO_PAGE_CACHE_SECONDS")}
    )
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="ja")
    found = prepared["targets"]
    if args.email:
        from django.contrib.auth import get_user_model

        role = prepared["roles"][0]
        for line in role["skipped"]:
            print(f"skipped: {line}")
        found = role["targets"]
        client.force_login(get_user_model().objects.get(email=args.email))
    targets = [("floor", "/floor")] + [(t["name"], t["path"]) for t in found]
    rows: list[dict[str, object]] = []
    print(f"{'page':<34} {'status':>6} {'cpu ms':>8} {'wall ms':>8} {'queries':>8}")
    for name, target in targets:
        if args.only and name not in args.only:
            continue
        # A list of URLs (e.g. 500 organizations' pages): each repetition takes another one.
        paths = target if isinstance(target, list) else [target]
        path = paths[0]
        if args.pyinstrument == name:
            from pyinstrument import Profiler

            client.get(path)
            profiler = Profiler()
            profiler.start()
            for _ in range(args.repeat):
                client.get(path)
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False))
            continue
        client.get(path)  # warm caches of code, not of data
        cpu = wall = 0.0
        with CaptureQueriesContext(connection) as ctx:
            for turn in range(args.repeat):
                start = len(ctx.captured_queries)
                path = paths[(1 + len(paths) * turn // max(1, args.repeat)) % len(paths)]
                c0, w0 = time.process_time(), time.perf_counter()
                response = client.get(path)
                cpu += time.process_time() - c0
                wall += time.perf_counter() - w0
                queries = ctx.captured_queries[start:]
        repeated = repeated_statements(queries)
        rows.append(
            {
                "page": name,
                "path": path,
                "status": response.status_code,
                "cpu_ms": round(cpu / args.repeat * 1000, 2),
                "wall_ms": round(wall / args.repeat * 1000, 2),
                "queries": len(queries),
                "repeated": repeated,
            }
        )
        print(
            f"{name:<34} {response.status_code:>6} {cpu / args.repeat * 1000:>8.1f} "
            f"{wall / args.repeat * 1000:>8.1f} {len(queries):>8}"
        )
        for q in sorted(queries, key=lambda q: -float(q["time"]))[: args.slowest]:
            if float(q["time"]) >= 0.005:
                print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:300]}")
        if args.statements:
            for q in queries:
                print(f"    {short(q['sql'])}")
        if args.repeats:
            for shape, count in repeated.items():
                print(f"    ×{count}  {shape[:200]}")
    for key, value in prepared.get("timings", {}).items():
        print(f"{key}: {value}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "as": args.email or "anonymous",
                    "database": connection.vendor,
                    "repeat": args.repeat,
                    "page_cache": args.page_cache,
                    "load_average": os.getloadavg(),
                    "pages": rows,
                },
                ensure_ascii=False,
                indent=2,
            )
        )


def short(sql: str) -> str:
    """A statement in one line: its verb, its first table and its WHERE clause, shortened."""
    table = re.search(r'FROM "?(\w+)"?', sql)
    where = sql.find(" WHERE ")
    head = sql.split(" ", 1)[0]
    return (
        f"{head} {table.group(1) if table else ''}{sql[where : where + 110] if where > 0 else ''}"
    )


def repeated_statements(queries: list[dict[str, str]]) -> dict[str, int]:
    """The statement shapes (literals and parameter lists replaced by ?) a page runs more than
    once: the N+1 loops and the reads several rules or template regions make again."""
    counts: dict[str, int] = {}
    for q in queries:
        shape = re.sub(r"'(?:[^']|'')*'", "?", q["sql"])
        shape = re.sub(r"\b\d+(\.\d+)?\b", "?", shape)
        shape = re.sub(r"\((\?(, )?)+\)", "(?…)", shape)
        counts[shape] = counts.get(shape, 0) + 1
    return {k: v for k, v in sorted(counts.items(), key=lambda kv: -kv[1]) if v > 1}


if __name__ == "__main__":
    main()
