import pytest

from kyodo.core.audit import events_for, record_event
from kyodo.core.models import AuditEvent
from kyodo.core.pagination import keyset_paginate
from kyodo.guideline.models import District

pytestmark = pytest.mark.django_db


def test_keyset_pages_cover_every_row_once():
    qs = District.objects.all()
    seen, cursor = [], None
    while True:
        page = keyset_paginate(qs, ordering=("-order", "id"), cursor=cursor, page_size=4)
        seen.extend(d.pk for d in page.items)
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert seen == list(qs.order_by("-order", "id").values_list("pk", flat=True))


def test_a_tampered_cursor_restarts_at_the_first_page():
    page = keyset_paginate(
        District.objects.all(), ordering=("order", "id"), cursor="garbage", page_size=3
    )
    assert [d.order for d in page.items] == [1, 2, 3]


def test_audit_events_record_who_what_and_scrub_secrets():
    district = District.objects.first()
    record_event(
        actor=None,
        verb="guideline.district.rename",
        target=district,
        from_state="a",
        to_state="b",
        data={"password": "hunter2", "nested": {"api_token": "abc"}, "note": "ok"},
    )
    event = events_for(district).get()
    assert event.actor_label == "system"
    assert (event.from_state, event.to_state) == ("a", "b")
    assert event.data == {
        "password": "[redacted]",
        "nested": {"api_token": "[redacted]"},
        "note": "ok",
    }
    assert "hunter2" not in str(AuditEvent.objects.values_list("data", flat=True)[0])
