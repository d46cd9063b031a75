"""Authorization rows for kyodo.search. Results are filtered by each document's visibility
keys (kyodo/search/providers.py); `search:go` opens a result only for people holding one of
its keys."""

from __future__ import annotations

from typing import Any

from tests.security.authz_table import NOT_FOUND, Row, World, only, public


def _draft_event_doc(w: World) -> Any:
    """The search document of a draft event of `w.org`: only those who may open the draft
    (events.view_event: the group's managers, and admins)."""
    if "draft_event_doc" not in w.objects:
        from kyodo.search.indexing import index_document
        from kyodo.search.providers import event_document
        from tests.security.authz_rows.events import _draft_event

        data = event_document(_draft_event(w))
        assert data is not None
        w.objects["draft_event_doc"] = index_document(data)
    return w.objects["draft_event_doc"]


ROWS: dict[str, Row] = {
    "search:results": Row(public()),
    "search:suggest": Row(public()),
    "search:go": Row(
        only("representative", "admin", refused=NOT_FOUND, anonymous=NOT_FOUND),
        kwargs=lambda w: {
            "doc_type": _draft_event_doc(w).doc_type,
            "object_id": _draft_event_doc(w).object_id,
        },
        note="only redirects to the event page, which checks events.view_event again",
    ),
}
