"""The bulk path (`bulk_index`, used by `manage.py reindex`): a rebuild, with or without
worker processes, leaves exactly the index that indexing the same documents one at a time
leaves."""

from __future__ import annotations

import datetime as dt
import random
from unittest.mock import patch

import pytest
from django.db import connection, transaction
from django.utils import timezone

from kyodo.search import indexing, selectors, services
from kyodo.search.indexing import DocumentData, bulk_index, delete_all, index_document
from kyodo.search.models import SearchDocument
from kyodo.search.tests.conftest import fts_integrity_check

pytestmark = pytest.mark.django_db

WORDS = ["防災", "訓練", "地域", "ゴミ", "ごみ", "髙橋", "協議会", "ｾﾝﾀｰ", "川越", "a\\b", "x\ty"]
QUERIES = ["防災", "防災訓練", "ごみ", "高橋", "協議会", "センター", "地域 川越", "市", "a", "x"]


def _documents(n: int) -> list[DocumentData]:
    rng = random.Random(9)
    now = timezone.now()
    out = []
    for i in range(n):
        out.append(
            DocumentData(
                doc_type=rng.choice(["project", "event", "organization"]),
                object_id=i + 1,
                title="".join(rng.choices(WORDS, k=rng.randint(1, 3))),
                body="、".join(rng.choices(WORDS, k=rng.randint(0, 6))) + "\n改行",
                url=f"/x/{i + 1}/",
                date=now - dt.timedelta(hours=rng.randint(0, 5000)),
                district_codes=(rng.choice(["honcho", "nagusa"]),),
                fiscal_year=rng.choice([None, 2025, 2026]),
                status=rng.choice(["", "open"]),
                visibility=("public",) if i % 7 else (f"org:{i}",),
            )
        )
    return out


def _state(anon) -> tuple[list[tuple[object, ...]], dict[str, list[int]]]:  # type: ignore[no-untyped-def]
    # Every stored column but the ids and recency keys the two ways assign differently.
    columns = [c for c in indexing._ROW_COLUMNS if c not in ("id", "sort_key")]
    rows = sorted(SearchDocument.objects.values_list(*columns))
    results = {
        q: [d.object_id for d in selectors.search(q, user=anon, limit=100).documents]
        for q in QUERIES
    }
    return rows, results


@pytest.mark.parametrize("workers", [0, 1])
def test_rebuild_equals_indexing_one_at_a_time(workers, anon) -> None:  # type: ignore[no-untyped-def]
    docs = _documents(60)
    for data in docs:
        index_document(data)
    one_at_a_time = _state(anon)
    assert any(one_at_a_time[1].values())

    delete_all()
    # Batches of 7, FTS5 inserts every 20 documents: several of each, out of rowid order.
    with (
        patch.object(indexing, "BUILD_WORKERS", workers),
        patch.object(indexing, "FTS_BATCH", 20),
    ):
        written = bulk_index(docs, batch_size=7, rebuild=True)
    assert written == len(docs)
    assert _state(anon) == one_at_a_time
    fts_integrity_check()
    # The rebuilt indexes are all there again, and the next document gets a fresh id.
    new = index_document(_documents(61)[-1])
    assert new.pk == max(SearchDocument.objects.values_list("pk", flat=True))
    fts_integrity_check()


def test_rebuild_restores_the_dropped_indexes_and_settings() -> None:
    def index_names() -> set[str]:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
                    [indexing.DOC_TABLE],
                )
            else:
                cursor.execute(
                    "SELECT indexname FROM pg_indexes WHERE tablename = %s", [indexing.DOC_TABLE]
                )
            return {row[0] for row in cursor.fetchall()}

    before = index_names()
    delete_all()
    bulk_index(_documents(5), rebuild=True)
    assert index_names() == before
    if connection.vendor == "sqlite":  # the FTS5 settings of the rebuild are undone
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT k, v FROM {indexing.FTS_TABLE}_config WHERE k <> 'version'")
            assert dict(cursor.fetchall()) == {
                "automerge": 4,
                "crisismerge": 16,
                "hashsize": 1024 * 1024,
            }


def test_a_failed_rebuild_leaves_the_previous_index(anon) -> None:  # type: ignore[no-untyped-def]
    docs = _documents(20)
    for data in docs:
        index_document(data)
    before = _state(anon)

    def failing():  # type: ignore[no-untyped-def]
        yield from docs[:10]
        raise RuntimeError("the content source failed")

    with pytest.raises(RuntimeError), transaction.atomic():  # as services.reindex
        delete_all()
        bulk_index(failing(), batch_size=3, rebuild=True)
    assert _state(anon) == before
    fts_integrity_check()


def test_reindex_reads_the_content_between_batches_with_workers(anon) -> None:  # type: ignore[no-untyped-def]
    """The providers' querysets are read on the same connection while the rebuild writes
    (PostgreSQL: between one batch's COPY and the next)."""
    from kyodo.organizations.tests.factories import OrganizationFactory

    names = [f"名細防災の会{i}" for i in range(7)]
    for name in names:
        OrganizationFactory(name=name)
    with patch.object(indexing, "BUILD_WORKERS", 1):
        services.reindex(batch_size=2)
    found = selectors.search("名細防災", user=anon, limit=100).documents
    assert sorted(d.title for d in found) == sorted(names)
    fts_integrity_check()
