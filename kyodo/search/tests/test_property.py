"""The index returns exactly the documents whose normalised text contains every term of
the normalised query — compared with a LIKE scan of the normalised copies — on whichever
database the suite runs (SQLite by default, PostgreSQL with DATABASE_URL), ranked before
the documents found only in another spelling or through a synonym (tier -1), which are
exactly those the variant expression selects on the stored copies (evaluated here in
Python)."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from django.db import connection, transaction
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kyodo.search import query as q
from kyodo.search import selectors
from kyodo.search.indexing import remove_document
from kyodo.search.models import SearchDocument
from kyodo.search.normalize import query_terms
from kyodo.search.tests.conftest import fts_integrity_check
from kyodo.search.tests.factories import make_doc

# A small alphabet so that substrings repeat across documents: hiragana, katakana (full and
# half width), kanji with variants, ASCII and full-width letters and digits, long-vowel
# marks and dashes, spaces and punctuation.
ALPHABET = list(
    "あいうごみかわゴミアイウカワｺﾞﾐｱｲ防災地域市高髙崎﨑辺邊ーｰ-−abcABCａｂＡ12１２ 　、。・!?"
)
text = st.text(alphabet=ALPHABET, min_size=0, max_size=30)
documents = st.lists(st.tuples(text, text), min_size=1, max_size=8)


def expected_ids(query: str, ids: list[int]) -> set[int]:
    """The oracle: a LIKE scan over the stored normalised copies."""
    terms = query_terms(query)
    if not terms:
        return set()
    cond = Q(object_id__in=ids)
    for term in terms:
        cond &= Q(title_norm__contains=term) | Q(body_norm__contains=term)
    return set(SearchDocument.objects.filter(cond).values_list("object_id", flat=True))


real_extension = selectors._pg_extension


def _holds(e: q.Expr, doc: SearchDocument) -> bool:
    kind, value = e
    if kind == "c":
        return str(value) in doc.title_norm or str(value) in doc.body_norm
    if kind == "k":
        return f" {value} " in doc.word_keys
    items = [_holds(x, doc) for x in value]  # type: ignore[attr-defined]
    return all(items) if kind == "and" else any(items)


def variant_oracle(query: str, exact: set[int]) -> set[int]:
    """Documents with every term in some spelling (evaluated on the stored copies and
    word keys), not matching exactly."""
    parsed = q.parse(query)
    v = q.variants_of(parsed)
    if v is None or parsed.short_terms:
        return set()
    out = set()
    for doc in SearchDocument.objects.all():
        if doc.object_id not in exact and all(
            e is not None and _holds(e, doc) for e in v.any_spelling
        ):
            out.add(doc.object_id)
    return out


def found_ids(query: str, anon) -> set[int]:  # type: ignore[no-untyped-def]
    """The exact matches; checks that every other result came after them and is exactly
    what the variant expression selects."""
    page = selectors.search(query, user=anon, limit=100)
    exact = [d.object_id for d in page.documents if not page.is_variant(d)]
    variant = {d.object_id for d in page.documents if page.is_variant(d)}
    assert [d.object_id for d in page.documents[: len(exact)]] == exact
    if not q.parse(query).short_terms:
        assert variant == variant_oracle(query, set(exact)), query
    return set(exact)


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(docs=documents, data=st.data())
def test_index_matches_like_scan(docs, data, anon) -> None:  # type: ignore[no-untyped-def]
    sid = transaction.savepoint()
    try:
        ids = []
        for i, (title, body) in enumerate(docs):
            ids.append(make_doc(title, body, object_id=10_000 + i, days_ago=i).object_id)
        # Update one document and delete another: the index must follow.
        if len(docs) > 2:
            make_doc(docs[1][1], docs[1][0], object_id=10_001, days_ago=0.5)
            remove_document("project", 10_002)
            ids.remove(10_002)
        fts_integrity_check()
        for _ in range(5):
            index, title_or_body = data.draw(
                st.tuples(st.integers(0, len(docs) - 1), st.integers(0, 1))
            )
            source = docs[index][title_or_body]
            if len(source) >= 2:
                start = data.draw(st.integers(0, len(source) - 2))
                length = data.draw(st.integers(2, 6))
                query = source[start : start + length]
            else:
                query = data.draw(text)
            if not query_terms(query):
                assert found_ids(query, anon) == set()
                continue
            assert found_ids(query, anon) == expected_ids(query, ids), query
    finally:
        transaction.savepoint_rollback(sid)


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(docs=documents, query=st.text(alphabet=ALPHABET, min_size=2, max_size=6))
def test_random_queries_match_like_scan(docs, query, anon) -> None:  # type: ignore[no-untyped-def]
    sid = transaction.savepoint()
    try:
        ids = [make_doc(t, b, object_id=20_000 + i).object_id for i, (t, b) in enumerate(docs)]
        assert found_ids(query, anon) == expected_ids(query, ids)
    finally:
        transaction.savepoint_rollback(sid)


def _ordered_ids(query: str, anon) -> list[int]:  # type: ignore[no-untyped-def]
    return [d.object_id for d in selectors.search(query, user=anon, limit=100).documents]


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(docs=documents, data=st.data())
def test_postgresql_scan_and_gin_paths_agree_with_like_scan(docs, data, anon) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL answers a tier by scanning the newest documents, or through the GIN
    index when those hold too few matches: each path alone must find exactly what LIKE
    finds, in the same order."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL query paths")
    sid = transaction.savepoint()
    try:
        ids = [
            make_doc(t, b, object_id=30_000 + i, days_ago=i).object_id
            for i, (t, b) in enumerate(docs)
        ]
        for _ in range(3):
            index, title_or_body = data.draw(
                st.tuples(st.integers(0, len(docs) - 1), st.integers(0, 1))
            )
            source = docs[index][title_or_body]
            start = data.draw(st.integers(0, max(0, len(source) - 2)))
            query = source[start : start + data.draw(st.integers(2, 6))]
            orders = []
            # (window, GIN allowed, rows scanned after the window: None = the estimate)
            paths = (
                (10**6, False, None),  # scan only
                (0, True, None),  # GIN only
                (1, True, 0),  # window, then GIN below it
                (1, True, 1),  # window, a short extension, then GIN below the window
                (2, True, 10**6),  # window, then an extension that fills the page
                (1, True, None),  # window, then the estimate (a large table assumed)
            )
            for window, use_gin, extension in paths:

                def extend(found: int, window: int, limit: int, rows=extension) -> int:  # type: ignore[no-untyped-def]
                    return rows if rows is not None else real_extension(found, window, limit)

                with (
                    patch.object(selectors, "PG_RECENT_WINDOW", window),
                    patch.object(selectors, "PG_USE_GIN", use_gin),
                    patch.object(selectors, "_pg_extension", extend),
                    patch.object(selectors, "_pg_table_rows", lambda: 10**9),
                ):
                    orders.append(_ordered_ids(query, anon))
                    if query_terms(query):
                        assert found_ids(query, anon) == expected_ids(query, ids), query
            assert all(order == orders[0] for order in orders), query
    finally:
        transaction.savepoint_rollback(sid)
