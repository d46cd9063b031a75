from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kyodo.accounts.tests.factories import UserFactory
from kyodo.events import services
from kyodo.events.ical import escape_text, fold
from kyodo.events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@given(st.text())
def test_folded_lines_are_at_most_75_octets_and_unfold_to_the_original(text):
    line = "SUMMARY:" + text.replace("\r", "").replace("\n", "")
    folded = fold(line)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_text_is_escaped():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_event_feed(client):
    event = EventFactory(title="川越まつり, ボランティア募集; 第1回")
    body = client.get(f"/events/{event.pk}/event.ics").content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert f"UID:event-{event.pk}@" in body
    assert "SUMMARY:川越まつり\\, ボランティア募集\\; 第1回" in body.replace("\r\n ", "")
    assert "DTSTART:" in body and "DTSTAMP:" in body


def test_draft_event_feed_is_hidden(client):
    event = EventFactory(status="draft")
    assert client.get(f"/events/{event.pk}/event.ics").status_code == 404


def test_organization_feed(client):
    event = EventFactory()
    other = EventFactory()
    body = client.get(
        f"/events/organizations/{event.organization_id}/calendar.ics"
    ).content.decode()
    assert f"event-{event.pk}@" in body and f"event-{other.pk}@" not in body


def test_personal_feed_needs_the_token_and_renewing_invalidates_it(client):
    user = UserFactory()
    event = EventFactory()
    services.register_for_event(actor=user, event=event)
    token = services.calendar_token_for(actor=user).token
    response = client.get(f"/events/calendar/{token}.ics")
    assert response.status_code == 200 and f"event-{event.pk}@" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert client.get("/events/calendar/wrong-token.ics").status_code == 404
    services.calendar_token_for(actor=user, renew=True)
    assert client.get(f"/events/calendar/{token}.ics").status_code == 404
