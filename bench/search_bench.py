"""Search at a million documents: index build rate and ranked first-page latency.

    nice -n 10 python bench/search_bench.py [--docs 1000000] [--repeat 30]

SQLite by default (a fresh file, SEARCH_BENCH_SQLITE or /tmp/kyodo-search-bench.sqlite3);
PostgreSQL when DATABASE_URL is set — the database name must contain "bench", because the
search tables in it are emptied. Only the search app's tables are created (migrate search).
Writes bench/results/search-<vendor>-<time>.json. Never part of the test suite.

Targets (issue 9): build ≥ 5,000 documents/s; p95 ≤ 50 ms for the ranked first page at
1,000,000 documents, including the worst common two-character queries. Issue 27 adds the
morphological analyser to the build (word keys) and queries that only other spellings
or synonyms answer (VARIANT_QUERIES: tier -1 runs for them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DISTRICTS = [
    ("honcho", "本庁"),
    ("yoshino", "芳野"),
    ("furuya", "古谷"),
    ("minamifuruya", "南古谷"),
    ("takashina", "高階"),
    ("fukuhara", "福原"),
    ("daito", "大東"),
    ("kasumigaseki", "霞ケ関"),
    ("kasumigaseki-kita", "霞ケ関北"),
    ("nagusa", "名細"),
    ("yamada", "山田"),
]
FIELDS = ["bousai", "fukushi", "kankyo", "kyoiku", "kosodate", "machizukuri", "bunka", "kokusai"]
TOPICS = [
    "防災訓練",
    "防犯パトロール",
    "子ども食堂",
    "高齢者の見守り",
    "ごみゼロ運動",
    "清掃活動",
    "夏祭り",
    "運動会",
    "環境学習",
    "子育て支援",
    "地域福祉",
    "多文化共生",
    "川越まつり",
    "蔵造りの町並み",
    "新河岸川の清掃",
    "小江戸散策",
    "図書館ボランティア",
    "国際交流",
    "障害者スポーツ",
    "読み聞かせ",
    "農業体験",
    "空き家の活用",
    "地域猫",
    "防災マップづくり",
    "フードバンク",
    "認知症カフェ",
    "学習支援",
    "外国人相談",
    "ひとり親家庭の支援",
    "街路樹の手入れ",
    "交通安全教室",
    "健康体操",
    "プログラミング教室",
    "ワークショップ",
    "まちあるきイベント",
    "サロン活動",
    "居場所づくり",
]
ORG_KINDS = [
    "NPO法人",
    "自治会",
    "町内会",
    "ボランティアグループ",
    "市民活動団体",
    "株式会社",
    "一般社団法人",
]
ORG_SUFFIX = [
    "の会",
    "ネットワーク",
    "サポートセンター",
    "クラブ",
    "協議会",
    "プロジェクト",
    "実行委員会",
]
DOC_SUFFIX = {
    "event": ["のお知らせ", "を開催します", "参加者募集", "（第{n}回）", "説明会"],
    "project": ["事業", "推進事業", "モデル事業", "協働事業"],
    "issue": ["が足りない", "について困っています", "をどうにかしたい", "の担い手不足"],
    "news": ["の報告", "を行いました", "のお礼", "の結果について"],
    "offer_need": [
        "を手伝えます",
        "の会場を探しています",
        "のボランティア募集",
        "の道具を貸せます",
    ],
    "call": ["の提案募集", "補助金の募集"],
    "organization": [""],
}
SENTENCES = [
    "{d}地区で{t}を行います。",
    "参加費は無料です。",
    "どなたでもご参加ください。",
    "{o}が主催し、市の地域づくり推進課と協働で実施します。",
    "地域の課題である{t}について話し合います。",
    "昨年度は{n}人が参加しました。",
    "持ち物は飲み物とタオルです。",
    "雨天の場合は公民館で開催します。",
    "子どもから高齢者まで、地域のみなさんが楽しめる内容です。",
    "申し込みは{m}月{n}日までにお願いします。",
    "活動の様子は川越市のホームページでも紹介しています。",
    "ボランティアとして手伝ってくださる方を募集しています。",
    "{d}地域会議と連携して、防犯・防災・福祉の取り組みを進めています。",
    "詳しくは事務局までお問い合わせください。",
    "新型コロナウイルス感染症の対策を行ったうえで実施します。",
    "会場はウェスタ川越の多目的ホールです。",
    "自治会やPTA、老人クラブの方にもご協力いただいています。",
    "センターの駐車場には限りがあります。",
    # Other spellings (issue 27): these give documents word keys.
    "申込みは{m}月{n}日まで受け付けます。",
    "こども食堂の運営を手伝ってくださる方を募集しています。",
    "打合せは{d}公民館で行います。",
    "町内会の皆さんと取組を進めています。",
]
TYPES = [
    "organization",
    "event",
    "event",
    "event",
    "project",
    "issue",
    "issue",
    "news",
    "news",
    "offer_need",
    "call",
]

WORST_2CHAR = ["地域", "活動", "防災", "子ど", "川越"]
MIX = [
    "防災訓練",
    "子ども食堂",
    "ボランティア",
    "ぼらんてぃあ",
    "ｾﾝﾀｰ",
    "ごみゼロ",
    "蔵造り",
    "南古谷 清掃",
    "高齢者 見守り",
    "認知症カフェ",
    "夏祭り 本庁",
    "フードバンク",
    "まちあるき",
    "国際交流センター",
    "地域福祉",
    "交通安全",
    "読み聞かせ",
    "空き家",
    "川越まつり",
    "防犯パトロール 霞ケ関",
    "市",
    "祭",
    "NPO法人",
    "プログラミング",
    "ひとり親",
    "健康体操 高階",
    "外国人相談",
    "協議会",
    "第3回",
    "ワークショップ",
]
# Queries whose spelling differs from the documents' (issue 27): few or no exact matches,
# so the variant tier (-1) runs: 子供 / こども (documents write 子ども), 申込 (申し込み,
# 申込み), お年寄り (a synonym of 高齢者), 自治会 防災 (町内会 is a synonym), シュミレーション
# (nothing at all: every tier runs and finds nothing).
VARIANT_QUERIES = [
    "子供",
    "こども",
    "子供食堂",
    "申込",
    "打ち合わせ",
    "取り組み",
    "お年寄り",
    "自治会 防災",
    "ボラ",
    "シュミレーション",
]


def generate(n: int, seed: int = 2018) -> Iterator[object]:
    from kyodo.search.indexing import DocumentData

    rng = random.Random(seed)
    start = dt.datetime(2016, 4, 1, tzinfo=dt.UTC)
    span = 10 * 365 * 24 * 3600
    for i in range(1, n + 1):
        doc_type = TYPES[i % len(TYPES)]
        dcode, dname = DISTRICTS[rng.randrange(len(DISTRICTS))]
        topic = TOPICS[rng.randrange(len(TOPICS))]
        org = f"{ORG_KINDS[rng.randrange(len(ORG_KINDS))]}{dname}{TOPICS[rng.randrange(len(TOPICS))]}{ORG_SUFFIX[rng.randrange(len(ORG_SUFFIX))]}"
        if doc_type == "organization":
            title = f"{org}{i}"
        else:
            suffix = DOC_SUFFIX[doc_type][rng.randrange(len(DOC_SUFFIX[doc_type]))].format(
                n=rng.randint(1, 30)
            )
            title = f"{dname}{topic}{suffix}"
        sentences = [
            SENTENCES[rng.randrange(len(SENTENCES))].format(
                d=dname,
                t=TOPICS[rng.randrange(len(TOPICS))],
                o=org,
                n=rng.randint(2, 300),
                m=rng.randint(1, 12),
            )
            for _ in range(rng.randint(3, 7))
        ]
        date = start + dt.timedelta(seconds=rng.randrange(span))
        yield DocumentData(
            doc_type=doc_type,
            object_id=i,
            title=title,
            body="".join(sentences),
            url=f"/x/{i}/",
            date=date,
            district_codes=(dcode,),
            field_codes=(FIELDS[rng.randrange(len(FIELDS))],),
            fiscal_year=date.year if date.month >= 4 else date.year - 1,
            status="published",
            visibility=("public",) if i % 50 else (f"org:{i % 997}",),
        )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50), 2),
        "p95_ms": round(percentile(values, 95), 2),
        "p99_ms": round(percentile(values, 99), 2),
        "mean_ms": round(statistics.fmean(values), 2),
        "max_ms": round(max(values), 2),
    }


def backend_cpu_seconds() -> float:
    """CPU time used so far by this connection's PostgreSQL backend (same machine: read
    from /proc), 0.0 on SQLite, where everything runs in this process."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30, help="runs of each query")
    parser.add_argument("--skip-build", action="store_true", help="reuse the index already built")
    parser.add_argument(
        "--no-words",
        action="store_true",
        help="build without the analyser's word keys (what the analyser costs, by difference)",
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LOG_LEVEL"] = "ERROR"
    if os.environ.get("DATABASE_URL"):
        if "bench" not in os.environ["DATABASE_URL"].rsplit("/", 1)[-1]:
            sys.exit(
                "DATABASE_URL must name a database containing 'bench' (its search tables are emptied)"
            )
    else:
        path = Path(os.environ.get("SEARCH_BENCH_SQLITE", "/tmp/kyodo-search-bench.sqlite3"))
        if not args.skip_build:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["SQLITE_PATH"] = str(path)

    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection, transaction

    from kyodo.search import indexing, selectors

    call_command("migrate", "search", verbosity=0)
    if args.no_words:
        # Before the worker processes are forked: they inherit it.
        indexing.padded_keys = lambda *_texts: ""  # type: ignore[attr-defined]
    vendor = connection.vendor
    result: dict[str, object] = {
        "vendor": vendor,
        "docs": args.docs,
        "word_keys": not args.no_words,
        "when": dt.datetime.now(dt.UTC).isoformat(),
    }

    result["cpus"] = os.cpu_count()
    result["load_average_before"] = os.getloadavg()
    if not args.skip_build:
        started = time.monotonic()
        cpu_started = time.process_time()
        children_started = os.times()
        server_cpu_started = backend_cpu_seconds()
        last = [0.0]
        done = [0]

        def progress(n: int) -> None:
            done[0] += n
            now = time.monotonic()
            if now - last[0] > 1 or done[0] == args.docs:
                last[0] = now
                rate = done[0] / max(now - started, 1e-6)
                print(
                    f"\r  building {done[0]:>9,}/{args.docs:,} {rate:,.0f} docs/s",
                    end="",
                    flush=True,
                )

        with transaction.atomic():
            indexing.delete_all()
            # The same path as `manage.py reindex`: rows, then the indexes built once
            # (SQLite: FTS5 optimize; PostgreSQL: GIN and title indexes, ANALYZE).
            documents = generate(args.docs)
            indexing.bulk_index(documents, batch_size=5000, progress=progress, rebuild=True)  # type: ignore[arg-type]
            load_seconds = time.monotonic() - started
        with connection.cursor() as cursor:
            if vendor == "sqlite":
                # The whole build sits in the WAL: reading through a 2 GB WAL made every
                # query several times slower. Copy it into the database file.
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elapsed = time.monotonic() - started
        cpu = time.process_time() - cpu_started
        children = os.times()
        # The worker processes that prepared the documents (reaped when the pool closed).
        worker_cpu = (children.children_user - children_started.children_user) + (
            children.children_system - children_started.children_system
        )
        cpu += worker_cpu
        server_cpu = backend_cpu_seconds() - server_cpu_started
        print(
            f"\n  built in {elapsed:.1f}s: {args.docs / elapsed:,.0f} docs/s wall, "
            f"{args.docs / cpu:,.0f} docs/s of this process's and its workers' CPU time "
            f"({cpu:.1f}s, of which workers {worker_cpu:.1f}s), "
            f"{args.docs / (cpu + server_cpu):,.0f} docs/s of all CPU time "
            f"(bulk_index {load_seconds:.1f}s; load average {os.getloadavg()})"
        )
        result["build"] = {
            "seconds": round(elapsed, 1),
            "docs_per_second": round(args.docs / elapsed),
            # CPU time of this process and its worker processes: on SQLite all of the
            # work; on PostgreSQL the client side, and server_cpu_seconds the backend's
            # (COPY, index builds, ANALYZE; not its parallel index-build workers).
            "cpu_seconds": round(cpu, 1),
            "worker_cpu_seconds": round(worker_cpu, 1),
            "server_cpu_seconds": round(server_cpu, 1),
            "docs_per_cpu_second": round(args.docs / (cpu + server_cpu)),
            "load_seconds": round(load_seconds, 1),
            "load_average_after": os.getloadavg(),
        }

    anon = AnonymousUser()

    def timed(fn) -> float:  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        fn()
        return (time.perf_counter() - t0) * 1000

    # Warm the caches once (a server's steady state).
    for query in WORST_2CHAR + MIX + VARIANT_QUERIES:
        selectors.search(query, user=anon)

    result["load_average_before_queries"] = os.getloadavg()
    query_cpu = 0.0
    queries: dict[str, dict[str, float]] = {}
    first_page: list[float] = []
    worst: list[float] = []
    variant: list[float] = []
    with_counts: list[float] = []
    for query in WORST_2CHAR + MIX + VARIANT_QUERIES:
        cpu0 = time.process_time() + backend_cpu_seconds()
        times = [timed(lambda q=query: selectors.search(q, user=anon)) for _ in range(args.repeat)]
        spent = time.process_time() + backend_cpu_seconds() - cpu0
        query_cpu += spent
        queries[query] = summary(times)
        # CPU time (client + server) per search of this query: what it costs without the
        # wait for a core on a loaded machine.
        queries[query]["cpu_ms"] = round(spent * 1000 / args.repeat, 2)
        first_page += times
        if query in WORST_2CHAR:
            worst += times
        if query in VARIANT_QUERIES:
            variant += times
        counts = [
            timed(
                lambda q=query: (
                    selectors.search(q, user=anon),
                    selectors.count_by_type(q, user=anon),
                )
            )
            for _ in range(max(3, args.repeat // 5))
        ]
        with_counts += counts
        print(
            f"  {query:<24} p50 {queries[query]['p50_ms']:7.2f} ms  p95 {queries[query]['p95_ms']:7.2f} ms"
            f"  cpu {queries[query]['cpu_ms']:6.2f} ms"
            f"  (+counts p50 {percentile(counts, 50):7.2f} ms)"
        )
    # CPU time (client + server) per first-page search: the latency figures on a loaded
    # machine include waiting for a core; this does not.
    result["cpu_ms_per_search"] = round(query_cpu * 1000 / len(first_page), 2)
    result["first_page_all"] = summary(first_page)
    result["first_page_worst_2char"] = summary(worst)
    result["first_page_variant_queries"] = summary(variant)
    result["page_with_type_counts"] = summary(with_counts)
    result["per_query"] = queries
    result["load_average_after_queries"] = os.getloadavg()
    page10 = [
        timed(lambda q=q: selectors.search(q, user=anon, offset=180))
        for q in WORST_2CHAR
        for _ in range(5)
    ]
    result["page_10_worst_2char"] = summary(page10)

    print(f"\nfirst page, all queries:        {result['first_page_all']}")
    print(f"first page, worst 2-char:       {result['first_page_worst_2char']}")
    print(f"first page, variant queries:    {result['first_page_variant_queries']}")
    print(f"first page + per-type counts:   {result['page_with_type_counts']}")
    print(f"page 10, worst 2-char:          {result['page_10_worst_2char']}")
    print(f"CPU ms per first page:            {result['cpu_ms_per_search']}")
    print(
        f"load average before/after:      {result['load_average_before_queries']} / {result['load_average_after_queries']}"
    )
    out = ROOT / "bench" / "results" / f"search-{vendor}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
