# ruff: noqa: S608  (SQL is built from module constants only; every value is a parameter)
"""Reading the search index. The Python API other apps use:

    search(query, *, user, types=None, filters=None, limit=20, offset=0) -> SearchPage
    matching_ids(doc_type, query, *, user=None) -> list[int]
    count_by_type(query, *, user, filters=None) -> dict[str, TypeCount]
    suggest(query, *, user, limit=8) -> list[SearchDocument]

Privacy: every read takes the person and shows only documents whose visibility keys the
person holds (kyodo.search.providers.visibility_keys_for).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q

from kyodo.search import query as q
from kyodo.search.indexing import DOC_TABLE, FTS_TABLE, TITLE_FTS_TABLE
from kyodo.search.models import DocType, SearchDocument
from kyodo.search.providers import visibility_keys_for
from kyodo.search.words import spellings_of_keys

# A results list never goes past this many documents (50 pages of 20).
MAX_RESULTS = 1000
# Per-type counts stop counting here ("1,000+").
COUNT_CAP = 1000
# A query made only of one-character terms scans at most this many of the newest documents.
SHORT_SCAN_CAP = 5_000
MATCHING_IDS_CAP = 10_000


@dataclass
class SearchPage:
    query: q.ParsedQuery
    documents: list[SearchDocument]
    offset: int
    limit: int
    has_next: bool
    # sort_keys of the documents found only in another spelling or through a synonym
    # (ranked after every exact match).
    variant_keys: frozenset[int] = frozenset()
    # When nothing matched exactly but another spelling or a synonym did: the query in
    # that spelling ("did you mean"), otherwise "".
    did_you_mean: str = ""
    # The normalised spellings a variant result may contain (for highlighting).
    variant_terms: tuple[str, ...] = ()

    def is_variant(self, doc: SearchDocument) -> bool:
        return doc.sort_key in self.variant_keys


@dataclass(frozen=True)
class TypeCount:
    count: int
    capped: bool  # there are at least `count` matches


def _keys(user: Any) -> list[str] | None:
    """None = no visibility check (an administrator)."""
    if user is not None and getattr(user, "is_superuser", False) and user.is_active:
        return None
    return sorted(visibility_keys_for(user))


def _filters(types: Iterable[str] | None, filters: q.Filters | dict[str, Any] | None) -> q.Filters:
    if isinstance(filters, q.Filters):
        base = filters
    else:
        data = dict(filters or {})
        fy = data.get("fiscal_year")
        base = q.Filters(
            types=tuple(data.get("types") or ()),
            district=str(data.get("district") or ""),
            field=str(data.get("field") or ""),
            fiscal_year=_int_or_none(fy),
            status=str(data.get("status") or ""),
        )
    if types:
        wanted = tuple(t for t in types if t in DocType.values)
        base = q.Filters(
            types=wanted or ("-",),  # unknown types only: match nothing
            district=base.district,
            field=base.field,
            fiscal_year=base.fiscal_year,
            status=base.status,
        )
    return base


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _orm_filter(filters: q.Filters, keys: list[str] | None) -> Q:
    """The same filters as the facet tokens, on the document table's columns."""
    cond = Q()
    if keys is not None:
        vis = Q(pk__in=[])
        for key in keys:
            vis |= Q(visibility__contains=f" {key} ")
        cond &= vis
    if filters.types:
        cond &= Q(doc_type__in=filters.types)
    if filters.district:
        cond &= Q(district_codes__contains=f" {filters.district} ")
    if filters.field:
        cond &= Q(field_codes__contains=f" {filters.field} ")
    if filters.fiscal_year is not None:
        cond &= Q(fiscal_year=filters.fiscal_year)
    if filters.status:
        cond &= Q(status=filters.status)
    return cond


def _short_terms_q(terms: Sequence[str]) -> Q:
    cond = Q()
    for term in terms:
        cond &= Q(title_norm__contains=term) | Q(body_norm__contains=term)
    return cond


def _instr(column: str) -> str:
    # Plain substring search (faster than LIKE, and nothing to escape).
    return (
        f"instr({column}, %s) > 0" if connection.vendor == "sqlite" else f"strpos({column}, %s) > 0"
    )


def _contains_sql(
    terms: Sequence[str], columns: Sequence[str] = ("d.title_norm", "d.body_norm")
) -> tuple[str, list[str]]:
    """SQL for "the document contains every one-character term" (alias d)."""
    parts, params = [], []
    for term in terms:
        parts.append("(" + " OR ".join(_instr(c) for c in columns) + ")")
        params += [term] * len(columns)
    return " AND ".join(parts) or "1=1", params


def _filter_sql(filters: q.Filters, keys: list[str] | None) -> tuple[str, list[Any]]:
    parts: list[str] = []
    params: list[Any] = []
    if keys is not None:
        parts.append("(" + " OR ".join([_instr("d.visibility")] * len(keys)) + ")")
        params += [f" {k} " for k in keys]
    if filters.types:
        parts.append("d.doc_type IN (" + ", ".join(["%s"] * len(filters.types)) + ")")
        params += list(filters.types)
    if filters.district:
        parts.append(_instr("d.district_codes"))
        params.append(f" {filters.district} ")
    if filters.field:
        parts.append(_instr("d.field_codes"))
        params.append(f" {filters.field} ")
    if filters.fiscal_year is not None:
        parts.append("d.fiscal_year = %s")
        params.append(filters.fiscal_year)
    if filters.status:
        parts.append("d.status = %s")
        params.append(filters.status)
    return " AND ".join(parts) or "1=1", params


def _run_tier(
    tier: q.TierQuery,
    short_terms: Sequence[str],
    limit: int,
    filters: q.Filters,
    keys: list[str] | None,
) -> list[int]:
    """sort_keys of the tier's documents, newest first."""
    if connection.vendor != "sqlite":
        return [row[0] for row in _pg_tier(tier.pg, short_terms, filters, keys, limit)]
    with connection.cursor() as cursor:
        table = TITLE_FTS_TABLE if tier.title_table else FTS_TABLE
        if short_terms:
            like, params = _contains_sql(short_terms)
            cursor.execute(
                f"SELECT f.rowid FROM {table} f JOIN {DOC_TABLE} d ON d.sort_key = f.rowid "
                f"WHERE {table} MATCH %s AND {like} ORDER BY f.rowid DESC LIMIT %s",
                [tier.sqlite, *params, limit],
            )
        else:
            cursor.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH %s ORDER BY rowid DESC LIMIT %s",
                [tier.sqlite, limit],
            )
        return [row[0] for row in cursor.fetchall()]


# PostgreSQL: how many of the newest documents a tier first scans (an index scan backwards
# over sort_key with substring tests) before it asks the GIN index. A bigram found in a
# large share of the documents (地域, 活動) fills a page within a few dozen rows this way,
# where the GIN index would hand over hundreds of thousands of rows to sort; a rare one
# falls through to the GIN index, which then finds few rows. 0 = GIN index only.
PG_RECENT_WINDOW = 1500
# Type counts scan this many newest documents first; when they hold at least 50 matches
# (1% or more: over 10,000 in a million) the counts are shown as lower bounds ("n+")
# instead of fetching every match through the GIN index.
PG_COUNT_WINDOW = 5000
# After a window with some matches but not a page: at most this many older documents are
# scanned before the GIN index is asked (0 = never). A term in ~1% of the documents
# (協議会 in titles, 13,000 of 1,000,000) needs ~100 more rows this way, where the GIN
# index would hand over all 13,000 matches to be sorted.
PG_EXTEND_MAX = 20_000
PG_USE_GIN = True  # False = scan only (tests compare both paths with the LIKE oracle)
_WINDOW_COLUMNS = (
    "sort_key, doc_type, title_norm, body_norm, visibility, district_codes, field_codes, "
    "fiscal_year, status, word_keys"
)


def _pg_exact(tier: q.PgTier, short_terms: Sequence[str]) -> tuple[str, list[str]]:
    parts: list[str] = []
    params: list[str] = []

    def contains(cond: q.Contains) -> str:
        columns, term = cond
        params.extend([term] * len(columns))
        return "(" + " OR ".join(f"strpos(d.{c}, %s) > 0" for c in columns) + ")"

    for cond in tier.must:
        parts.append(contains(cond))
    for group in tier.must_not:
        parts.append("NOT (" + " AND ".join(contains(c) for c in group) + ")")
    for term in short_terms:
        parts.append(contains((q.ANYWHERE, term)))
    if tier.cond[0]:
        parts.append(tier.cond[0])
        params.extend(tier.cond[1])
    return " AND ".join(parts) or "TRUE", params


def _pg_tier(
    tier: q.PgTier,
    short_terms: Sequence[str],
    filters: q.Filters,
    keys: list[str] | None,
    limit: int,
    window: int | None = None,
) -> list[tuple[int, str]]:
    return _pg_tier_rows(tier, short_terms, filters, keys, limit, window)[0]


def _pg_tier_rows(
    tier: q.PgTier,
    short_terms: Sequence[str],
    filters: q.Filters,
    keys: list[str] | None,
    limit: int,
    window: int | None = None,
) -> tuple[list[tuple[int, str]], bool]:
    """(sort_key, doc_type) of the tier's newest `limit` documents: first among the
    PG_RECENT_WINDOW newest documents; when those hold some matches but fewer than
    `limit`, the scan continues over as many older documents as their density says should
    fill the page (PG_EXTEND_MAX at most, and only when that is fewer rows than the GIN
    index would return); otherwise, or when that still falls short, through the GIN index
    (its bigrams and the filters' facet tokens) below the window, checked exactly."""
    exact, exact_params = _pg_exact(tier, short_terms)
    flt, flt_params = _filter_sql(filters, keys)
    window = PG_RECENT_WINDOW if window is None else window
    found: list[tuple[int, str]] = []
    boundary: int | None = None  # documents with sort_key >= boundary were scanned
    with connection.cursor() as cursor:
        if window > 0:
            cursor.execute(
                f"SELECT d.sort_key, d.doc_type FROM (SELECT {_WINDOW_COLUMNS} FROM {DOC_TABLE} "
                f"ORDER BY sort_key DESC LIMIT %s) d WHERE {exact} AND {flt} "
                f"ORDER BY d.sort_key DESC LIMIT %s",
                [window, *exact_params, *flt_params, limit],
            )
            found = cursor.fetchall()
            # A common term that does not fill `limit` in a large window (type counts):
            # its GIN bitmap would be huge; the caller reports lower bounds.
            dense = window >= PG_COUNT_WINDOW and len(found) * PG_COUNT_WINDOW >= window * 50
            if len(found) >= limit or not PG_USE_GIN or dense:
                return found, dense and len(found) < limit
            cursor.execute(
                f"SELECT min(sort_key), count(*) FROM (SELECT sort_key FROM {DOC_TABLE} "
                f"ORDER BY sort_key DESC LIMIT %s) w",
                [window],
            )
            row = cursor.fetchone()
            if row is None or row[0] is None or int(row[1]) < window:
                return found, False  # the window was the whole table
            boundary = int(row[0])
            more = _pg_extension(len(found), window, limit)
            if more:
                cursor.execute(
                    f"SELECT d.sort_key, d.doc_type FROM (SELECT {_WINDOW_COLUMNS} "
                    f"FROM {DOC_TABLE} WHERE sort_key < %s ORDER BY sort_key DESC LIMIT %s) d "
                    f"WHERE {exact} AND {flt} ORDER BY d.sort_key DESC LIMIT %s",
                    [boundary, more, *exact_params, *flt_params, limit - len(found)],
                )
                known = {key for key, _type in found}
                extra = [row for row in cursor.fetchall() if row[0] not in known]
                if len(found) + len(extra) >= limit:
                    return found + extra, False
        tsquery = q.pg_tsquery(tier.gin_terms, q.facet_groups(filters, None), tier.gin_query)
        below, below_params = (
            ("d.sort_key < %s", [boundary]) if boundary is not None else ("TRUE", [])
        )
        cursor.execute(
            f"SELECT d.sort_key, d.doc_type FROM {DOC_TABLE} d "
            f"WHERE d.{tier.gin_column} @@ %s::tsquery AND {below} AND {exact} AND {flt} "
            f"ORDER BY d.sort_key DESC LIMIT %s",
            [tsquery, *below_params, *exact_params, *flt_params, limit - len(found)],
        )
        # (A document committed between the window and the boundary query can shift the
        # boundary: a row found in the window may come back once more.)
        seen = {key for key, _type in found}
        return found + [row for row in cursor.fetchall() if row[0] not in seen], False


def _pg_extension(found: int, window: int, limit: int) -> int:
    """How many documents older than the window to scan for the rest of the page (0 = ask
    the GIN index): the window's density of matches says how many should hold the
    missing ones (with a margin); worth it only when that is fewer rows than the matches
    the GIN index would hand over (every match in the table, estimated from the same
    density)."""
    if found == 0 or PG_EXTEND_MAX <= 0:
        return 0
    rows = int((limit - found) * window / found * 1.5) + 100
    if rows > PG_EXTEND_MAX:
        return 0
    if rows >= found * _pg_table_rows() / window:
        return 0
    return rows


_TABLE_ROWS: dict[str, tuple[float, int]] = {}


def _pg_table_rows() -> int:
    """The planner's row estimate for the document table (pg_class.reltuples, refreshed
    by ANALYZE and autovacuum), read at most once a minute."""
    now = time.monotonic()
    cached = _TABLE_ROWS.get(connection.alias)
    if cached is not None and now - cached[0] < 60:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [DOC_TABLE])
        row = cursor.fetchone()
    rows = max(0, int(row[0])) if row and row[0] is not None else 0
    _TABLE_ROWS[connection.alias] = (now, rows)
    return rows


def _exact_title(parsed: q.ParsedQuery, filters: q.Filters, keys: list[str] | None) -> list[int]:
    if not parsed.normalized:
        return []
    return [
        key
        for key in SearchDocument.objects.filter(
            _orm_filter(filters, keys), title_norm=parsed.normalized
        )
        .order_by("-sort_key")
        .values_list("sort_key", flat=True)[:50]
        if key is not None
    ]


def _short_window_sql(
    parsed: q.ParsedQuery, filters: q.Filters, keys: list[str] | None
) -> tuple[str, list[Any]]:
    """FROM/WHERE over the SHORT_SCAN_CAP newest documents for a one-character query.
    (A LIMIT subquery: with a range on sort_key instead, SQLite's planner, which has no
    statistics, scanned the whole table for the per-type counts.)"""
    flt, flt_params = _filter_sql(filters, keys)
    has, has_params = _contains_sql(parsed.short_terms)
    sql = (
        f"FROM (SELECT id, sort_key, doc_type, title_norm, body_norm, visibility, district_codes, "
        f"field_codes, fiscal_year, status FROM {DOC_TABLE} ORDER BY sort_key DESC LIMIT %s) d "
        f"WHERE {flt} AND {has}"
    )
    return sql, [SHORT_SCAN_CAP, *flt_params, *has_params]


def _short_window_start() -> int:
    """The sort_key of the SHORT_SCAN_CAP-th newest document (an index-only walk)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT min(sort_key) FROM (SELECT sort_key FROM {DOC_TABLE} "
            f"ORDER BY sort_key DESC LIMIT %s) w",
            [SHORT_SCAN_CAP],
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _short_only(
    parsed: q.ParsedQuery, filters: q.Filters, keys: list[str] | None, limit: int
) -> list[int]:
    """A query of one-character terms only: a bounded scan of the newest documents, in
    tiers (title equals the query, title contains it, the rest), each newest first and
    stopping as soon as the page is full (so a common character reads a few hundred rows,
    not the whole window)."""
    window, params = _short_window_sql(parsed, filters, keys)
    in_title, title_params = _contains_sql(parsed.short_terms, ("d.title_norm",))
    result = _short_exact_in_window(parsed, filters, keys)[:limit]
    with connection.cursor() as cursor:
        for cond, cond_params in (
            (f"{in_title} AND d.title_norm <> %s", [*title_params, parsed.normalized]),
            (f"NOT ({in_title})", title_params),
        ):
            if len(result) >= limit:
                break
            cursor.execute(
                f"SELECT d.sort_key {window} AND {cond} ORDER BY d.sort_key DESC LIMIT %s",
                [*params, *cond_params, limit - len(result)],
            )
            result += [row[0] for row in cursor.fetchall()]
    return result


def _short_exact_in_window(
    parsed: q.ParsedQuery, filters: q.Filters, keys: list[str] | None
) -> list[int]:
    """Documents whose normalised title equals the query, among the SHORT_SCAN_CAP newest
    (found through the title index; the window is checked only for those few)."""
    found = _exact_title(parsed, filters, keys)
    if not found:
        return []
    oldest = _short_window_start()
    return [key for key in found if key >= oldest]


def _short_counts(
    parsed: q.ParsedQuery, filters: q.Filters, keys: list[str] | None
) -> dict[str, int]:
    window, params = _short_window_sql(parsed, filters, keys)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT d.doc_type, count(*) {window} GROUP BY d.doc_type", params)
        return {row[0]: int(row[1]) for row in cursor.fetchall()}


def ranked_keys(
    parsed: q.ParsedQuery, filters: q.Filters, keys: list[str] | None, need: int
) -> list[int]:
    """The sort_keys of the first `need` results in rank order."""
    return _ranked(parsed, filters, keys, need)[0]


def _ranked(
    parsed: q.ParsedQuery, filters: q.Filters, keys: list[str] | None, need: int
) -> tuple[list[int], int]:
    """(the sort_keys of the first `need` results in rank order, how many of them match
    exactly: the rest were found in another spelling or through a synonym)."""
    if parsed.is_empty:
        return [], 0
    if not parsed.terms:
        found = _short_only(parsed, filters, keys, need)
        return found, len(found)
    groups = q.facet_groups(filters, keys)
    exact = _exact_title(parsed, filters, keys)
    if parsed.short_terms and exact:
        exact = _filter_short(exact, parsed.short_terms)
    result = list(exact)
    seen = set(exact)
    tiers = q.tier_queries(parsed, groups)
    variant = q.variant_tier(parsed, groups)
    exact_count = None
    for tier in [*tiers, *([variant] if variant else [])]:
        if len(result) >= need:
            break
        if tier.variant:
            exact_count = len(result)
        for key in _run_tier(
            tier, parsed.short_terms, need - len(result) + len(exact), filters, keys
        ):
            if key not in seen:
                seen.add(key)
                result.append(key)
    result = result[:need]
    return result, len(result) if exact_count is None else min(exact_count, len(result))


def _filter_short(sort_keys: list[int], terms: Sequence[str]) -> list[int]:
    ok = set(
        SearchDocument.objects.filter(_short_terms_q(terms), sort_key__in=sort_keys).values_list(
            "sort_key", flat=True
        )
    )
    return [k for k in sort_keys if k in ok]


def _documents(sort_keys: list[int]) -> list[SearchDocument]:
    if not sort_keys:
        return []
    by_key = {d.sort_key: d for d in SearchDocument.objects.filter(sort_key__in=sort_keys)}
    return [by_key[k] for k in sort_keys if k in by_key]


def search(
    query: str,
    *,
    user: Any,
    types: Iterable[str] | None = None,
    filters: q.Filters | dict[str, Any] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """One page of ranked results that `user` may see. Never raises on odd input."""
    parsed = q.parse(query)
    limit = max(1, min(int(limit), 100))
    offset = max(0, min(int(offset), MAX_RESULTS - limit))
    flt = _filters(types, filters)
    need = offset + limit + 1
    keys, exact_count = _ranked(parsed, flt, _keys(user), need)
    page = keys[offset : offset + limit]
    documents = _documents(page)
    return SearchPage(
        query=parsed,
        documents=documents,
        offset=offset,
        limit=limit,
        has_next=len(keys) > offset + limit and offset + limit < MAX_RESULTS,
        variant_keys=frozenset(keys[exact_count:]),
        did_you_mean=_did_you_mean(parsed, documents[0]) if keys and not exact_count else "",
        variant_terms=_variant_terms(parsed) if len(keys) > exact_count else (),
    )


def _variant_terms(parsed: q.ParsedQuery) -> tuple[str, ...]:
    v = q.variants_of(parsed)
    if v is None:
        return ()
    found: dict[str, None] = {}
    for spellings in v.spellings:
        for sp in spellings:
            for form in (sp.norm, sp.canonical, *(w for pair in sp.words for w in pair)):
                if len(form) >= 2:
                    found.setdefault(form, None)
    return tuple(found)


def variant_keys_of(parsed: q.ParsedQuery) -> frozenset[str]:
    """The word keys a variant result may have been found through."""
    v = q.variants_of(parsed)
    if v is None:
        return frozenset()
    return frozenset(k for sps in v.spellings for sp in sps for _s, k in sp.words if len(k) >= 2)


def marked_terms(page: SearchPage, doc: SearchDocument) -> list[str]:
    """What to highlight in a result: the query's terms, and for a result found in another
    spelling or through a synonym also those spellings — including the words it has in a
    spelling only their key matched (子ども for こども)."""
    terms = page.query.all_terms
    if not page.is_variant(doc):
        return terms
    keys = variant_keys_of(page.query)
    used = spellings_of_keys(f"{doc.title}\n{doc.body[:2000]}", keys)
    return [*terms, *page.variant_terms, *(q.normalize(u) for u in used)]


def _did_you_mean(parsed: q.ParsedQuery, first: SearchDocument | None) -> str:
    """The query with each term in the spelling the best result uses (a synonym, the
    canonical form, or the term as typed), as a person would type it again."""
    v = q.variants_of(parsed)
    if v is None or first is None:
        return ""
    text = f"{first.title_norm} {first.body_norm}"
    words: list[str] = []
    for term, raw, spellings in zip(parsed.terms, parsed.raw_terms, v.spellings, strict=True):
        choice = raw
        if term not in text:
            for sp in spellings:
                if sp.norm in text:
                    choice = sp.raw
                    break
                if sp.canonical in text:
                    choice = sp.canonical_raw
                    break
            else:
                # Found through a word key: the spelling the result uses (子ども).
                single = [sp for sp in spellings if len(sp.words) == 1]
                keys = {sp.words[0][1] for sp in single}
                used = spellings_of_keys(f"{first.title}\n{first.body[:2000]}", keys)
                choice = used[0] if used else spellings[0].canonical_raw or raw
        words.append(choice)
    words += parsed.short_terms
    suggestion = " ".join(words)
    return "" if q.normalize(suggestion) == parsed.normalized else suggestion


def count_by_type(
    query: str, *, user: Any, filters: q.Filters | dict[str, Any] | None = None
) -> dict[str, TypeCount]:
    """Matches per document type, ignoring any type filter; each count stops at COUNT_CAP."""
    parsed = q.parse(query)
    base = _filters(None, filters)
    keys = _keys(user)
    counts: dict[str, TypeCount] = {}
    if parsed.is_empty:
        return counts
    if not parsed.terms:
        all_types = q.Filters(
            district=base.district,
            field=base.field,
            fiscal_year=base.fiscal_year,
            status=base.status,
        )
        for doc_type, n in _short_counts(parsed, all_types, keys).items():
            counts[doc_type] = TypeCount(min(n, COUNT_CAP), n > COUNT_CAP)
        return counts
    flt = q.Filters(
        district=base.district, field=base.field, fiscal_year=base.fiscal_year, status=base.status
    )
    by_type, lower_bounds = _grouped_count(parsed, flt, keys)
    capped = lower_bounds or sum(by_type.values()) > COUNT_CAP
    for doc_type, n in by_type.items():
        counts[doc_type] = TypeCount(n, capped)
    return counts


def _grouped_count(
    parsed: q.ParsedQuery, filters: q.Filters, keys: list[str] | None
) -> tuple[dict[str, int], bool]:
    """(counts, lower bounds only). Matches per type among the newest COUNT_CAP + 1 matches: exact when there are at most
    COUNT_CAP matches, otherwise lower bounds (shown as "n+"). One query."""
    groups = q.facet_groups(filters, keys)
    sqlite, pg = q.match_all(parsed, groups)
    if connection.vendor != "sqlite":
        by_type: dict[str, int] = {}
        rows, lower_bounds = _pg_tier_rows(
            pg, parsed.short_terms, filters, keys, COUNT_CAP + 1, window=PG_COUNT_WINDOW
        )
        for _key, doc_type in rows:
            by_type[doc_type] = by_type.get(doc_type, 0) + 1
        # Stopped in the window without reaching the cap: a dense term, lower bounds.
        return by_type, lower_bounds

    like, params = _contains_sql(parsed.short_terms) if parsed.short_terms else ("1=1", [])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.doc_type, count(*) FROM (SELECT rowid FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY rowid DESC LIMIT %s) c "
            f"JOIN {DOC_TABLE} d ON d.sort_key = c.rowid WHERE {like} GROUP BY d.doc_type",
            [sqlite, COUNT_CAP + 1 if not parsed.short_terms else SHORT_SCAN_CAP, *params],
        )
        return {row[0]: int(row[1]) for row in cursor.fetchall()}, False


def matching_ids(doc_type: str, query: str, *, user: Any = None) -> list[int]:
    """Object ids of `doc_type` matching `query`, best first (at most MATCHING_IDS_CAP).
    Without a user only public documents count; callers still apply their own rules."""
    if doc_type not in DocType.values:
        return []
    parsed = q.parse(query)
    keys = _keys(user) if user is not None else ["public"]
    sort_keys = ranked_keys(parsed, q.Filters(types=(doc_type,)), keys, MATCHING_IDS_CAP)
    ids_by_key = _ids_in_chunks(sort_keys)
    return [ids_by_key[k] for k in sort_keys if k in ids_by_key]


def _ids_in_chunks(sort_keys: list[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for i in range(0, len(sort_keys), 900):
        for key, object_id in SearchDocument.objects.filter(
            sort_key__in=sort_keys[i : i + 900]
        ).values_list("sort_key", "object_id"):
            if key is not None:
                out[key] = object_id
    return out


SUGGEST_TYPES = (DocType.ORGANIZATION.value, DocType.PROJECT.value)


def suggest(query: str, *, user: Any, limit: int = 8) -> list[SearchDocument]:
    """Organization and project names for autocomplete: names containing the query."""
    parsed = q.parse(query)
    if parsed.is_empty:
        return []
    flt = q.Filters(types=SUGGEST_TYPES)
    keys = _keys(user)
    # Only title tiers: a suggestion is a name that contains what was typed.
    if not parsed.terms:
        found = _short_only(parsed, flt, keys, limit * 3)
        docs = _documents(found)
        return [d for d in docs if all(t in d.title_norm for t in parsed.short_terms)][:limit]
    exact = _exact_title(parsed, flt, keys)
    result, seen = list(exact), set(exact)
    groups = q.facet_groups(flt, keys)
    for tier in q.tier_queries(parsed, groups):
        if not tier.title_table or len(result) >= limit:
            continue
        for key in _run_tier(tier, parsed.short_terms, limit + len(exact), flt, keys):
            if key not in seen:
                seen.add(key)
                result.append(key)
    return _documents(result[:limit])
