from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

from django.utils import timezone

from kyodo.search.indexing import DocumentData, index_document
from kyodo.search.models import SearchDocument

_ids = itertools.count(1)


def make_doc(
    title: str,
    body: str = "",
    *,
    doc_type: str = "project",
    object_id: int | None = None,
    days_ago: float = 0,
    visibility: Sequence[str] = ("public",),
    districts: Sequence[str] = (),
    fields: Sequence[str] = (),
    fiscal_year: int | None = None,
    status: str = "",
) -> SearchDocument:
    oid = object_id if object_id is not None else next(_ids)
    return index_document(
        DocumentData(
            doc_type=doc_type,
            object_id=oid,
            title=title,
            body=body,
            url=f"/x/{doc_type}/{oid}/",
            date=timezone.now() - dt.timedelta(days=days_ago),
            district_codes=districts,
            field_codes=fields,
            fiscal_year=fiscal_year,
            status=status,
            visibility=visibility,
        )
    )
