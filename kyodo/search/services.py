"""Keeping the index in step with the content.

Services of other apps call kyodo.core.hooks.content_changed(obj) inside their
transaction; `on_content_changed` (registered in SearchConfig.ready) maps the object to a
search document through its provider and writes it in that same transaction. `reindex`
rebuilds everything (the recovery path).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, models, transaction

from kyodo.search import indexing, providers

logger = logging.getLogger(__name__)


def on_content_changed(instance: models.Model, deleted: bool) -> None:
    """Called inside the content's transaction. A failure here must not undo the person's
    change: it is logged (ERROR) and the document is left for `reindex` to repair."""
    try:
        with transaction.atomic():  # a savepoint: a database error stays contained
            _apply(instance, deleted)
    except Exception:
        logger.exception("search: could not index %s #%s", instance._meta.label, instance.pk)


def _apply(instance: models.Model, deleted: bool) -> None:
    provider = providers.provider_for(instance)
    if provider is not None:
        if deleted:
            indexing.remove_document(provider.doc_type, instance.pk)
        else:
            data = provider.build(instance)
            if data is None:
                indexing.remove_document(provider.doc_type, instance.pk)
            else:
                indexing.index_document(data)
    for other in providers.dependents_of(instance):
        _apply(other, False)


def _documents(provider: providers.Provider) -> Iterator[indexing.DocumentData]:
    model = provider.model
    if model is None:
        return
    for obj in provider.queryset(model).order_by("pk").iterator(chunk_size=2000):
        data = provider.build(obj)
        if data is not None:
            yield data


def count_sources(doc_types: Sequence[str] | None = None) -> int:
    total = 0
    for provider in providers.active_providers(doc_types):
        model = provider.model
        if model is not None:
            total += model._default_manager.count()
    return total


def reindex(
    doc_types: Sequence[str] | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 2000,
) -> int:
    """Rebuild the index (or the documents of some types) from the providers, in one
    transaction (a crash leaves the previous index; run it again). Returns the number of
    documents written."""
    selected = providers.active_providers(doc_types)
    documents = itertools.chain.from_iterable(_documents(p) for p in selected)
    with transaction.atomic():
        indexing.delete_all(list(doc_types) if doc_types else None)
        # A full rebuild builds the indexes once at the end (and ANALYZEs / optimizes).
        written = indexing.bulk_index(
            documents, progress=progress, rebuild=not doc_types, batch_size=batch_size
        )
    if connection.vendor == "postgresql" and doc_types:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {indexing.DOC_TABLE}")
    return written


def index_many(items: Iterable[indexing.DocumentData], **kwargs: Any) -> int:
    return indexing.bulk_index(items, **kwargs)
