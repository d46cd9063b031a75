# ruff: noqa: S608  (SQL is built from module constants only; every value is a parameter)
"""Writing the search index: one document at a time (in the content's transaction) and in
bulk (the `reindex` command). The only module that writes SearchDocument and the FTS
tables / tsvector columns.
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import multiprocessing.pool
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

from django.db import connection, transaction
from django.utils import timezone

from kyodo.search.models import SearchDocument
from kyodo.search.normalize import fts_tokens, normalize, runs
from kyodo.search.words import key_token, padded_keys

TITLE_MAX = 300
# Only the first BODY_MAX characters of a body are indexed (and kept as the snippet
# source).
BODY_MAX = 7_500
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
FTS_TABLE = "search_fts"
TITLE_FTS_TABLE = "search_title_fts"
DOC_TABLE = SearchDocument._meta.db_table
_T = TypeVar("_T")


@dataclass
class DocumentData:
    """What a provider says about one object."""

    doc_type: str
    object_id: int
    title: str
    body: str
    url: str
    date: dt.datetime | dt.date
    district_codes: Sequence[str] = ()
    field_codes: Sequence[str] = ()
    fiscal_year: int | None = None
    status: str = ""
    visibility: Sequence[str] = field(default_factory=lambda: ("public",))


def facet_token(kind: str, value: object) -> str:
    """An ASCII token for a filter value ('x' + kind + hex): at least four characters, so
    it can never equal a query bigram."""
    return f"x{kind}{str(value).encode().hex()}"


def padded(values: Iterable[str]) -> str:
    """ " a b " : lets `contains=" a "` match one value exactly."""
    items = [v for v in values if v]
    return f" {' '.join(items)} " if items else ""


def _as_datetime(value: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(dt.datetime.combine(value, dt.time(12, 0)))


def make_sort_key(date: dt.datetime, pk: int) -> int:
    """Minutes since 2000 in the high bits, the row id in the low 32: newer is larger."""
    minutes = max(0, int((date - EPOCH).total_seconds() // 60))
    return (minutes << 32) | (pk & 0xFFFFFFFF)


def facets_of(doc: SearchDocument) -> list[str]:
    return _facets(
        doc.doc_type,
        doc.district_codes,
        doc.field_codes,
        doc.fiscal_year,
        doc.status,
        doc.visibility,
    )


def _facets(
    doc_type: str,
    district_codes: str,
    field_codes: str,
    fiscal_year: int | None,
    status: str,
    visibility: str,
) -> list[str]:
    tokens = [facet_token("ty", doc_type)]
    tokens += [facet_token("di", c) for c in district_codes.split()]
    tokens += [facet_token("fi", c) for c in field_codes.split()]
    if fiscal_year is not None:
        tokens.append(facet_token("fy", fiscal_year))
    if status:
        tokens.append(facet_token("st", status))
    tokens += [facet_token("vi", k) for k in visibility.split()]
    return tokens


class Row(NamedTuple):
    """A document's column values (the bulk path skips model instances: 3x faster)."""

    doc_type: str
    object_id: int
    title: str
    body: str
    url: str
    district_codes: str
    field_codes: str
    fiscal_year: int | None
    status: str
    visibility: str
    date: dt.datetime
    title_norm: str
    body_norm: str
    word_keys: str


def prepare(data: DocumentData) -> Row:
    title = (data.title or "").strip()[:TITLE_MAX]
    body = (data.body or "").strip()[:BODY_MAX]
    return Row(
        data.doc_type,
        data.object_id,
        title,
        body,
        data.url[:300],
        padded(data.district_codes),
        padded(data.field_codes),
        data.fiscal_year,
        data.status or "",
        padded(data.visibility) or " public ",
        _as_datetime(data.date),
        normalize(title)[:TITLE_MAX],
        normalize(body)[:BODY_MAX],
        padded_keys(title, body),
    )


def build_document(data: DocumentData) -> SearchDocument:
    """An unsaved SearchDocument (no pk, no sort_key) for the data."""
    return SearchDocument(**prepare(data)._asdict())


# --- SQLite FTS5 -----------------------------------------------------------------------


def key_tokens(word_keys: str) -> list[str]:
    """The index tokens of a document's word keys (main index only, not the title's)."""
    return [key_token(k) for k in word_keys.split()]


def _fts_rows(doc: SearchDocument) -> tuple[tuple[int, str, str, str], tuple[int, str, str]]:
    title = fts_tokens(doc.title_norm)
    facets = facets_of(doc)
    main_facets = " ".join(facets + key_tokens(doc.word_keys))
    assert doc.sort_key is not None
    return (doc.sort_key, title, fts_tokens(doc.body_norm), main_facets), (
        doc.sort_key,
        title,
        " ".join(facets),
    )


def _sqlite_insert(cursor, docs: Sequence[SearchDocument]) -> None:  # type: ignore[no-untyped-def]
    main, titles = [], []
    for doc in docs:
        m, t = _fts_rows(doc)
        main.append(m)
        titles.append(t)
    cursor.executemany(
        f"INSERT INTO {FTS_TABLE}(rowid, title, body, facets) VALUES (%s, %s, %s, %s)",
        main,
    )
    cursor.executemany(
        f"INSERT INTO {TITLE_FTS_TABLE}(rowid, title, facets) VALUES (%s, %s, %s)",
        titles,
    )


def _sqlite_delete(cursor, docs: Sequence[SearchDocument]) -> None:  # type: ignore[no-untyped-def]
    # Contentless FTS5 tables forget a row when given exactly the values it was indexed
    # with; they are recomputed from the stored normalised copies.
    main, titles = [], []
    for doc in docs:
        if doc.sort_key is None:
            continue
        m, t = _fts_rows(doc)
        main.append(m)
        titles.append(t)
    cursor.executemany(
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body, facets) VALUES ('delete', %s, %s, %s, %s)",
        main,
    )
    cursor.executemany(
        f"INSERT INTO {TITLE_FTS_TABLE}({TITLE_FTS_TABLE}, rowid, title, facets) VALUES ('delete', %s, %s, %s)",
        titles,
    )


# --- PostgreSQL tsvector ------------------------------------------------------------------


def tsvector_literals(doc: SearchDocument) -> tuple[str, str]:
    return _tsvector_literals(doc.title_norm, doc.body_norm, facets_of(doc), doc.word_keys)


def _bigram_set(normalized: str) -> set[str]:
    out: set[str] = set()
    for run in runs(normalized):
        if len(run) == 1:
            out.add(run)
        else:
            out.update(map(str.__add__, run, run[1:]))
    return out


def _tsvector_literals(
    title_norm: str, body_norm: str, facet_tokens: list[str], word_keys: str = ""
) -> tuple[str, str]:
    """(tsv, title_tsv) as tsvector input literals: the document's distinct bigrams (title
    and body; title only) and the facet tokens, without positions; `tsv` also the word
    keys (kyodo.search.words: word characters after 〓, no quoting needed). The GIN index narrows a
    query to documents having every bigram; whether they form the phrase is then checked
    on the normalised copies (kyodo.search.query.PgTier). Bigrams are word characters and
    facet tokens ASCII hex, so no quoting is needed inside the quotes."""
    title = _bigram_set(title_norm)
    body = _bigram_set(body_norm) | title
    facets = "' '".join(facet_tokens)
    body_facets = "' '".join(facet_tokens + key_tokens(word_keys))
    tsv = "'" + "' '".join(body) + "' '" + body_facets + "'" if body else f"'{body_facets}'"
    title_tsv = "'" + "' '".join(title) + "' '" + facets + "'" if title else f"'{facets}'"
    return tsv, title_tsv


def _pg_update_vectors(cursor, docs: Sequence[SearchDocument]) -> None:  # type: ignore[no-untyped-def]
    rows = []
    for doc in docs:
        tsv, title_tsv = tsvector_literals(doc)
        rows.append((tsv, title_tsv, doc.pk))
    cursor.executemany(
        f"UPDATE {DOC_TABLE} SET tsv = %s::tsvector, title_tsv = %s::tsvector WHERE id = %s",
        rows,
    )


# --- one document (called from content listeners, inside the content's transaction) -----


def index_document(data: DocumentData) -> SearchDocument:
    with transaction.atomic():
        new = build_document(data)
        old = (
            SearchDocument.objects.select_for_update()
            .filter(doc_type=data.doc_type, object_id=data.object_id)
            .first()
        )
        with connection.cursor() as cursor:
            if old is not None:
                if connection.vendor == "sqlite":
                    _sqlite_delete(cursor, [old])
                new.pk = old.pk
                new.sort_key = make_sort_key(new.date, old.pk)
                new.save(force_update=True)
            else:
                new.save(force_insert=True)
                new.sort_key = make_sort_key(new.date, new.pk)
                SearchDocument.objects.filter(pk=new.pk).update(sort_key=new.sort_key)
            if connection.vendor == "sqlite":
                _sqlite_insert(cursor, [new])
            elif connection.vendor == "postgresql":
                _pg_update_vectors(cursor, [new])
    return new


def remove_document(doc_type: str, object_id: int) -> None:
    with transaction.atomic():
        docs = list(SearchDocument.objects.filter(doc_type=doc_type, object_id=object_id))
        if not docs:
            return
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                _sqlite_delete(cursor, docs)
        SearchDocument.objects.filter(pk__in=[d.pk for d in docs]).delete()


# --- bulk ------------------------------------------------------------------------------
#
# `bulk_index(items, rebuild=True)` after `delete_all()` is the rebuild used by
# `manage.py reindex` and the bench. The main process reads the content and writes to
# the database; the pure-Python work per document (normalising, bigram strings, tsvector
# literals, COPY text) runs in a worker process, batch by batch, overlapping the
# database's work. Everything is one transaction (a savepoint inside the caller's): an
# error or a crash leaves the previous index as it was, and a crashed reindex is simply
# run again. Nothing is changed outside the transaction except the connection's SQLite
# page cache size, which is restored.
#
# SQLite: document rows, and FTS5 rows per FTS_BATCH documents in ascending rowid order
# (FTS5 starts a new segment whenever a rowid goes backwards: one per batch; `optimize`
# merges them at the end), a large page cache and FTS5 settings for bulk loading (both
# restored) for the duration of the rebuild, and the table's secondary indexes
# (title_norm) built once at the end.
# PostgreSQL: a COPY per batch in text format whose bytes the worker writes (not one
# COPY: `items` may read from the same connection between batches); the GIN indexes and
# the indexes not backing a constraint (title_norm) dropped before and built once after
# with more maintenance_work_mem, then ANALYZE.

# Documents per FTS5 insert batch (sorted by rowid).
FTS_BATCH = 20_000
# SQLite page cache during a rebuild, in KiB (PRAGMA cache_size = -N); restored after.
SQLITE_REBUILD_CACHE_KIB = 1_048_576
# Worker processes preparing documents in a bulk load: None = one per core beyond the
# first (at least one); 0 = prepare in this process. A load of a single batch is always
# prepared in this process.
BUILD_WORKERS: int | None = None
PG_INDEX_BUILD_MEMORY = "512MB"


def _chunks(items: Iterable[DocumentData], size: int) -> Iterator[list[DocumentData]]:
    batch: list[DocumentData] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def delete_all(doc_types: Sequence[str] | None = None) -> None:
    """Remove every document (or every document of these types) from the index."""
    with connection.cursor() as cursor:
        if doc_types is None:
            if connection.vendor == "sqlite":
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
                cursor.execute(
                    f"INSERT INTO {TITLE_FTS_TABLE}({TITLE_FTS_TABLE}) VALUES ('delete-all')"
                )
                cursor.execute(f"DELETE FROM {DOC_TABLE}")
            elif connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {DOC_TABLE}")
            else:
                SearchDocument.objects.all().delete()
            return
    queryset = SearchDocument.objects.filter(doc_type__in=list(doc_types))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            batch: list[SearchDocument] = []
            for doc in queryset.iterator(chunk_size=2000):
                batch.append(doc)
                if len(batch) >= 2000:
                    _sqlite_delete(cursor, batch)
                    batch = []
            _sqlite_delete(cursor, batch)
    queryset.delete()


Job = tuple[int, list[DocumentData]]  # (id of the batch's first document, the batch)
# FTS rows: (rowid, title, body, facets and word keys, facets).
FtsRow = tuple[int, str, str, str, str]
SqliteBatch = tuple[list[tuple[object, ...]], list[FtsRow]]


def _sqlite_date(value: dt.datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime (USE_TZ): naive UTC."""
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


def _prepare_sqlite(job: Job) -> SqliteBatch:
    """(document rows, FTS rows) of a batch."""
    next_id, batch = job
    rows: list[tuple[object, ...]] = []
    fts: list[FtsRow] = []
    for data in batch:
        r = prepare(data)
        key = make_sort_key(r.date, next_id)
        rows.append(
            (
                next_id,
                r.doc_type,
                r.object_id,
                r.title,
                r.body,
                r.url,
                r.district_codes,
                r.field_codes,
                r.fiscal_year,
                r.status,
                r.visibility,
                _sqlite_date(r.date),
                key,
                r.title_norm,
                r.body_norm,
                r.word_keys,
            )
        )
        facets = _facets(
            r.doc_type, r.district_codes, r.field_codes, r.fiscal_year, r.status, r.visibility
        )
        fts.append(
            (
                key,
                fts_tokens(r.title_norm),
                fts_tokens(r.body_norm),
                " ".join(facets + key_tokens(r.word_keys)),
                " ".join(facets),
            )
        )
        next_id += 1
    return rows, fts


# COPY text format: backslash, newline, carriage return and tab are escaped.
_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPE)


def _prepare_pg(job: Job) -> bytes:
    """The batch's lines of COPY text (columns _COPY_COLUMNS)."""
    next_id, batch = job
    lines: list[str] = []
    esc = _copy_text
    for data in batch:
        r = prepare(data)
        key = make_sort_key(r.date, next_id)
        tsv, title_tsv = _tsvector_literals(
            r.title_norm,
            r.body_norm,
            _facets(
                r.doc_type, r.district_codes, r.field_codes, r.fiscal_year, r.status, r.visibility
            ),
            r.word_keys,
        )
        fiscal_year = "\\N" if r.fiscal_year is None else str(r.fiscal_year)
        lines.append(
            f"{next_id}\t{esc(r.doc_type)}\t{r.object_id}\t{esc(r.title)}\t{esc(r.body)}\t"
            f"{esc(r.url)}\t{esc(r.district_codes)}\t{esc(r.field_codes)}\t{fiscal_year}\t"
            f"{esc(r.status)}\t{esc(r.visibility)}\t{r.date.isoformat()}\t{key}\t"
            f"{esc(r.title_norm)}\t{esc(r.body_norm)}\t{esc(r.word_keys)}\t{tsv}\t{title_tsv}\n"
        )
        next_id += 1
    return "".join(lines).encode()


def _workers() -> int:
    if BUILD_WORKERS is not None:
        return BUILD_WORKERS
    return max(1, (os.cpu_count() or 1) - 1)


def _prepared(
    items: Iterable[DocumentData],
    first_id: int,
    batch_size: int,
    fn: Callable[[Job], _T],
) -> Iterator[tuple[int, _T]]:
    """(documents, fn's result) per batch, in order. With more than one batch and
    workers, fn runs in a process pool, at most two batches per worker ahead of the
    consumer (bounded memory)."""
    chunks = _chunks(items, batch_size)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    workers = _workers()
    next_id = first_id
    if second is None or workers <= 0:
        for batch in itertools.chain([first], [second] if second else [], chunks):
            yield len(batch), fn((next_id, batch))
            next_id += len(batch)
        return
    # fork: the workers only run pure functions on pickled batches (never the database
    # connection they inherit).
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending: deque[tuple[int, multiprocessing.pool.AsyncResult[_T]]] = deque()
        for batch in itertools.chain([first, second], chunks):
            pending.append((len(batch), pool.apply_async(fn, ((next_id, batch),))))
            next_id += len(batch)
            if len(pending) > 2 * workers:
                n, result = pending.popleft()
                yield n, result.get()
        while pending:
            n, result = pending.popleft()
            yield n, result.get()


def bulk_index(
    items: Iterable[DocumentData],
    *,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
    rebuild: bool = False,
) -> int:
    """Insert documents that are not in the index yet, fast: ids and recency keys are
    assigned here, rows go in with executemany (SQLite) or COPY (PostgreSQL). With
    rebuild=True (after delete_all(), so the index is empty) the indexes are built once at
    the end (PostgreSQL: then ANALYZE; SQLite: the FTS5 segments merged). One transaction.
    Returns the number of documents written."""
    with transaction.atomic():
        next_id = (
            SearchDocument.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
        if connection.vendor == "sqlite":
            return _sqlite_bulk(items, next_id, batch_size, progress, rebuild)
        if connection.vendor == "postgresql":
            return _pg_bulk(items, next_id, batch_size, progress, rebuild)
        written = 0
        for n, (rows, _fts) in _prepared(items, next_id, batch_size, _prepare_sqlite):
            SearchDocument.objects.bulk_create(
                [SearchDocument(**dict(zip(_ROW_COLUMNS, row, strict=True))) for row in rows]
            )
            written += n
            if progress is not None:
                progress(n)
        return written


_ROW_COLUMNS = (
    "id",
    "doc_type",
    "object_id",
    "title",
    "body",
    "url",
    "district_codes",
    "field_codes",
    "fiscal_year",
    "status",
    "visibility",
    "date",
    "sort_key",
    "title_norm",
    "body_norm",
    "word_keys",
)


def _sqlite_bulk(
    items: Iterable[DocumentData],
    first_id: int,
    batch_size: int,
    progress: Callable[[int], None] | None,
    rebuild: bool,
) -> int:
    written = 0
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        old_cache = int(cursor.fetchone()[0])
        dropped: list[tuple[str, str]] = []
        if rebuild:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [DOC_TABLE],
            )
            dropped = list(cursor.fetchall())
            for name, _sql in dropped:
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_REBUILD_CACHE_KIB:d}")
            _fts_config(cursor, _FTS_REBUILD_CONFIG)
        raw = connection.connection.cursor()  # plain sqlite3: no per-row wrapper work
        insert_rows = (
            f"INSERT INTO {DOC_TABLE} ({', '.join(_ROW_COLUMNS)}) "
            f"VALUES ({', '.join(['?'] * len(_ROW_COLUMNS))})"
        )
        pending: list[FtsRow] = []
        try:
            for n, (rows, fts) in _prepared(items, first_id, batch_size, _prepare_sqlite):
                raw.executemany(insert_rows, rows)
                pending += fts
                if len(pending) >= FTS_BATCH:
                    _sqlite_insert_fts(raw, pending)
                    pending = []
                written += n
                if progress is not None:
                    progress(n)
            _sqlite_insert_fts(raw, pending)
            for _name, sql in dropped:
                cursor.execute(sql)
            if rebuild:
                _fts_config(cursor, _FTS_DEFAULT_CONFIG)
            if rebuild and written:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
                cursor.execute(
                    f"INSERT INTO {TITLE_FTS_TABLE}({TITLE_FTS_TABLE}) VALUES ('optimize')"
                )
        finally:
            raw.close()
            cursor.execute(f"PRAGMA cache_size = {old_cache:d}")
    return written


# FTS5 settings (stored in the tables' %_config) during a rebuild: a 64 MB in-memory
# segment (flushed when full or when a batch starts below the last rowid), no incremental
# merging (one `optimize` at the end instead; crisis merges only past 64 segments).
# Measured on 200,000 documents: 18.6 µs per document to insert and merge, against 31.9
# with the defaults. The defaults are written back before the commit.
_FTS_REBUILD_CONFIG = {"hashsize": 64 * 1024 * 1024, "automerge": 0, "crisismerge": 64}
_FTS_DEFAULT_CONFIG = {"hashsize": 1024 * 1024, "automerge": 4, "crisismerge": 16}


def _fts_config(cursor, values: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    for table in (FTS_TABLE, TITLE_FTS_TABLE):
        for key, value in values.items():
            cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES (%s, %s)", [key, value])


def _sqlite_insert_fts(raw, rows: list[FtsRow]) -> None:  # type: ignore[no-untyped-def]
    """FTS5 rows in ascending rowid (recency key) order: FTS5 flushes its in-memory
    segment whenever a rowid goes backwards, so random order would build thousands of tiny
    segments (measured 10x slower to build and to query); sorted batches of FTS_BATCH cost
    about 15% more than one global order and need no second pass over the table."""
    if not rows:
        return
    rows.sort()
    raw.executemany(
        f"INSERT INTO {FTS_TABLE}(rowid, title, body, facets) VALUES (?, ?, ?, ?)",
        [row[:4] for row in rows],
    )
    raw.executemany(
        f"INSERT INTO {TITLE_FTS_TABLE}(rowid, title, facets) VALUES (?, ?, ?)",
        [(key, title, facets) for key, title, _body, _main, facets in rows],
    )


def sqlite_optimize() -> None:
    """Merge the FTS5 segments into one (bulk_index(rebuild=True) does it itself)."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
        cursor.execute(f"INSERT INTO {TITLE_FTS_TABLE}({TITLE_FTS_TABLE}) VALUES ('optimize')")


_COPY_COLUMNS = (*_ROW_COLUMNS, "tsv", "title_tsv")


def _pg_bulk(
    items: Iterable[DocumentData],
    first_id: int,
    batch_size: int,
    progress: Callable[[int], None] | None,
    rebuild: bool,
) -> int:
    written = 0
    with connection.cursor() as cursor:
        dropped: list[tuple[str, str]] = []
        if rebuild:
            # Indexes that back no constraint (title_norm's two), then the GIN indexes.
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
                "AND NOT i.relname = ANY(%s)",
                [DOC_TABLE, [name for name, _column in PG_FULLTEXT_INDEXES]],
            )
            dropped = list(cursor.fetchall())
            for name, _sql in dropped:
                cursor.execute(f'DROP INDEX "{name}"')
            for name, _column in PG_FULLTEXT_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        copy_sql = f"COPY {DOC_TABLE} ({', '.join(_COPY_COLUMNS)}) FROM STDIN"
        for n, data in _prepared(items, first_id, batch_size, _prepare_pg):
            # One COPY per batch: `items` may read from this connection between batches
            # (a provider's queryset), which it cannot do while a COPY is open.
            with raw.copy(copy_sql) as copy:
                copy.write(data)
            written += n
            if progress is not None:
                progress(n)
        if rebuild:
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{PG_INDEX_BUILD_MEMORY}'")
            for _name, sql in dropped:
                cursor.execute(sql)
            for name, column in PG_FULLTEXT_INDEXES:
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {name} ON {DOC_TABLE} USING gin ({column})"
                )
            cursor.execute(f"ANALYZE {DOC_TABLE}")
        if written:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{DOC_TABLE}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {DOC_TABLE}))"
            )
    return written


PG_FULLTEXT_INDEXES = (
    ("search_document_tsv_gin", "tsv"),
    ("search_document_title_tsv_gin", "title_tsv"),
)


def pg_drop_fulltext_indexes() -> None:
    """Before loading many documents on PostgreSQL: building GIN indexes once at the end
    is many times faster than updating them row by row (bulk_index(rebuild=True) does
    this itself)."""
    with connection.cursor() as cursor:
        for name, _column in PG_FULLTEXT_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


def pg_create_fulltext_indexes() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{PG_INDEX_BUILD_MEMORY}'")
        for name, column in PG_FULLTEXT_INDEXES:
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {DOC_TABLE} USING gin ({column})")


def rebuild_fulltext() -> int:
    """Recreate the FTS5 rows / tsvectors from the stored normalised copies (recovery
    when the full-text part is damaged; the documents themselves are kept)."""
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
            cursor.execute(
                f"INSERT INTO {TITLE_FTS_TABLE}({TITLE_FTS_TABLE}) VALUES ('delete-all')"
            )
        batch: list[SearchDocument] = []
        for doc in SearchDocument.objects.order_by("sort_key").iterator(chunk_size=2000):
            batch.append(doc)
            if len(batch) >= 2000:
                count += _rewrite(cursor, batch)
                batch = []
        count += _rewrite(cursor, batch)
    return count


def _rewrite(cursor, docs: list[SearchDocument]) -> int:  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite":
        _sqlite_insert(cursor, docs)
    elif connection.vendor == "postgresql":
        _pg_update_vectors(cursor, docs)
    return len(docs)
