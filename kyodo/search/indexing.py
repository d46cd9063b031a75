# ruff: noqa: S608  (SQL is built from module constants only; every value is a parameter)
"""Writing the search index: one document at a time (in the content's transaction) and in
bulk (the `reindex` command). The only module that writes SearchDocument and the FTS
tables / tsvector columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from kyodo.search.models import SearchDocument
from kyodo.search.normalize import fts_tokens, normalize, runs

TITLE_MAX = 300
# Only the first BODY_MAX characters of a body are indexed (and kept as the snippet
# source).
BODY_MAX = 7_500
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
FTS_TABLE = "search_fts"
TITLE_FTS_TABLE = "search_title_fts"
DOC_TABLE = SearchDocument._meta.db_table


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
    )


def build_document(data: DocumentData) -> SearchDocument:
    """An unsaved SearchDocument (no pk, no sort_key) for the data."""
    return SearchDocument(**prepare(data)._asdict())


# --- SQLite FTS5 -----------------------------------------------------------------------


def _fts_rows(doc: SearchDocument) -> tuple[tuple[int, str, str, str], tuple[int, str, str]]:
    title = fts_tokens(doc.title_norm)
    facets = " ".join(facets_of(doc))
    assert doc.sort_key is not None
    return (doc.sort_key, title, fts_tokens(doc.body_norm), facets), (doc.sort_key, title, facets)


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
    return _tsvector_literals(doc.title_norm, doc.body_norm, facets_of(doc))


def _bigram_set(normalized: str) -> set[str]:
    out: set[str] = set()
    for run in runs(normalized):
        if len(run) == 1:
            out.add(run)
        else:
            out.update(map(str.__add__, run, run[1:]))
    return out


def _tsvector_literals(title_norm: str, body_norm: str, facet_tokens: list[str]) -> tuple[str, str]:
    """(tsv, title_tsv) as tsvector input literals: the document's distinct bigrams (title
    and body; title only) and the facet tokens, without positions. The GIN index narrows a
    query to documents having every bigram; whether they form the phrase is then checked
    on the normalised copies (kyodo.search.query.PgTier). Bigrams are word characters and
    facet tokens ASCII hex, so no quoting is needed inside the quotes."""
    title = _bigram_set(title_norm)
    body = _bigram_set(body_norm) | title
    facets = "' '".join(facet_tokens)
    tsv = "'" + "' '".join(body) + "' '" + facets + "'" if body else f"'{facets}'"
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


def bulk_index(
    items: Iterable[DocumentData],
    *,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert documents that are not in the index yet (after delete_all), fast: ids and
    recency keys are assigned here, rows go in with executemany (SQLite) or COPY
    (PostgreSQL). Returns the number of documents written."""
    written = 0
    next_id = (SearchDocument.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    first_id = next_id
    with connection.cursor() as cursor:
        for batch in _chunks(items, batch_size):
            rows = [prepare(d) for d in batch]
            keyed = []
            for row in rows:
                keyed.append((next_id, make_sort_key(row.date, next_id), row))
                next_id += 1
            if connection.vendor == "postgresql":
                _pg_copy(cursor, keyed)
            elif connection.vendor == "sqlite":
                _sqlite_insert_rows(cursor, keyed)
            else:
                SearchDocument.objects.bulk_create(
                    [SearchDocument(pk=pk, sort_key=key, **row._asdict()) for pk, key, row in keyed]
                )
            written += len(rows)
            if progress is not None:
                progress(len(rows))
        if connection.vendor == "sqlite" and written:
            _sqlite_fill(cursor, first_id)
        if connection.vendor == "postgresql" and written:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{DOC_TABLE}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {DOC_TABLE}))"
            )
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
)


def _sqlite_insert_rows(cursor, keyed: Sequence[tuple[int, int, Row]]) -> None:  # type: ignore[no-untyped-def]
    """Plain executemany: several times faster than bulk_create for a rebuild."""
    from django.db.models import DateTimeField

    date_field = SearchDocument._meta.get_field("date")
    assert isinstance(date_field, DateTimeField)
    rows = [
        (
            pk,
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
            date_field.get_db_prep_value(r.date, connection),
            key,
            r.title_norm,
            r.body_norm,
        )
        for pk, key, r in keyed
    ]
    placeholders = ", ".join(["%s"] * len(_ROW_COLUMNS))
    cursor.executemany(
        f"INSERT INTO {DOC_TABLE} ({', '.join(_ROW_COLUMNS)}) VALUES ({placeholders})",
        rows,
    )


def _sqlite_fill(cursor, first_id: int) -> None:  # type: ignore[no-untyped-def]
    """FTS5 rows for the documents with id >= first_id, in ascending rowid (recency key)
    order: FTS5 flushes its in-memory segment whenever a rowid goes backwards, so random
    order would build thousands of tiny segments (measured 10x slower to build and to
    query)."""
    read = connection.connection.cursor()  # a second raw cursor, to stream while inserting
    read.execute(
        f"SELECT sort_key, title_norm, body_norm, doc_type, district_codes, field_codes, "
        f"fiscal_year, status, visibility FROM {DOC_TABLE} WHERE id >= ? ORDER BY sort_key",
        (first_id,),
    )
    while True:
        rows = read.fetchmany(5000)
        if not rows:
            break
        main, titles = [], []
        for key, title_norm, body_norm, *facet_values in rows:
            title = fts_tokens(title_norm)
            facets = " ".join(_facets(*facet_values))
            main.append((key, title, fts_tokens(body_norm), facets))
            titles.append((key, title, facets))
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE}(rowid, title, body, facets) VALUES (%s, %s, %s, %s)", main
        )
        cursor.executemany(
            f"INSERT INTO {TITLE_FTS_TABLE}(rowid, title, facets) VALUES (%s, %s, %s)", titles
        )
    read.close()


def sqlite_optimize() -> None:
    """Merge the FTS5 segments into one (after a full rebuild)."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
        cursor.execute(f"INSERT INTO {TITLE_FTS_TABLE}({TITLE_FTS_TABLE}) VALUES ('optimize')")


_COPY_COLUMNS = (
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
    "tsv",
    "title_tsv",
)


def _pg_copy(cursor, keyed: Sequence[tuple[int, int, Row]]) -> None:  # type: ignore[no-untyped-def]
    raw = cursor.cursor  # the psycopg cursor under Django's wrapper
    with raw.copy(f"COPY {DOC_TABLE} ({', '.join(_COPY_COLUMNS)}) FROM STDIN") as copy:
        for pk, key, r in keyed:
            tsv, title_tsv = _tsvector_literals(
                r.title_norm,
                r.body_norm,
                _facets(
                    r.doc_type,
                    r.district_codes,
                    r.field_codes,
                    r.fiscal_year,
                    r.status,
                    r.visibility,
                ),
            )
            copy.write_row(
                (
                    pk,
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
                    r.date,
                    key,
                    r.title_norm,
                    r.body_norm,
                    tsv,
                    title_tsv,
                )
            )


PG_FULLTEXT_INDEXES = (
    ("search_document_tsv_gin", "tsv"),
    ("search_document_title_tsv_gin", "title_tsv"),
)


def pg_drop_fulltext_indexes() -> None:
    """Before a full rebuild on PostgreSQL: building GIN indexes once at the end is many
    times faster than updating them row by row."""
    with connection.cursor() as cursor:
        for name, _column in PG_FULLTEXT_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


def pg_create_fulltext_indexes() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
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
