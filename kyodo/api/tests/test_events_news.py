"""Events, activity bases and news through the API."""

from __future__ import annotations

import pytest

from kyodo.accounts.tests.factories import UserFactory
from kyodo.events.models import Question, Registration
from kyodo.events.tests.factories import EventFactory, FacilityFactory, RoomFactory
from kyodo.events.workflow import EventStatus, RegistrationStatus
from kyodo.news.tests.factories import NewsItemFactory

from .conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows", [2, 30])
def test_event_list_conforms_and_query_count_is_flat(
    client, assert_conforms, django_assert_max_num_queries, rows
):
    EventFactory.create_batch(rows)
    EventFactory(status=EventStatus.DRAFT, title="下書きのイベント")
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/events?limit=100")
    body = assert_conforms(response, "GET", "/api/v1/events")
    assert len(body["items"]) == rows
    assert "下書きのイベント" not in response.content.decode()


def test_draft_event_is_not_found(client):
    draft = EventFactory(status=EventStatus.DRAFT)
    assert client.get(f"/api/v1/events/{draft.pk}").status_code == 404


def test_register_and_cancel_with_the_same_rules(client, assert_conforms, person, token_for):
    event = EventFactory(capacity=1)
    headers = bearer(token_for(person))
    assert (
        client.post(
            f"/api/v1/events/{event.pk}/registration", {}, content_type="application/json"
        ).status_code
        == 401
    )
    assert person.has_perm("events.add_registration", event)
    created = client.post(
        f"/api/v1/events/{event.pk}/registration", {}, content_type="application/json", **headers
    )
    body = assert_conforms(created, "POST", f"/api/v1/events/{event.pk}/registration")
    assert body["status"] == RegistrationStatus.CONFIRMED
    # A second person gets the waiting list.
    other = UserFactory()
    waiting = client.post(
        f"/api/v1/events/{event.pk}/registration",
        {},
        content_type="application/json",
        **bearer(token_for(other)),
    ).json()
    assert waiting["status"] == RegistrationStatus.WAITLISTED and waiting["waitlist_position"] == 1
    mine = assert_conforms(
        client.get(f"/api/v1/events/{event.pk}/registration", **headers),
        "GET",
        f"/api/v1/events/{event.pk}/registration",
    )
    assert mine["id"] == body["id"]
    cancelled = client.delete(f"/api/v1/events/{event.pk}/registration", **headers)
    assert (
        assert_conforms(cancelled, "DELETE", f"/api/v1/events/{event.pk}/registration")["status"]
        == "cancelled"
    )
    assert Registration.objects.get(user=other).status == RegistrationStatus.CONFIRMED


def test_registration_checks_answers_and_stays_within_its_statements(
    client, person, token_for, django_assert_max_num_queries
):
    """An event that asks nothing: no query for questions, one locking read, the writes.
    An event that asks a required question: the answer is checked and kept."""
    headers = bearer(token_for(person))
    plain = EventFactory(capacity=5)
    # The token and its first-use stamp, the event (with whether it asks anything), then in
    # the transaction: the locked event, its counts, the registration, the counters, the
    # audit event, the notification and its e-mail task (+ savepoint and release in tests).
    with django_assert_max_num_queries(12):
        response = client.post(
            f"/api/v1/events/{plain.pk}/registration",
            {"answers": {"999": "no such question"}},
            content_type="application/json",
            **headers,
        )
    assert response.status_code == 200
    assert Registration.objects.get(event=plain, user=person).answers.count() == 0
    again = client.post(
        f"/api/v1/events/{plain.pk}/registration", {}, content_type="application/json", **headers
    )
    assert again.json()["id"] == response.json()["id"]

    asking = EventFactory(capacity=5)
    question = Question.objects.create(event=asking, label="アレルギーはありますか", required=True)
    refused = client.post(
        f"/api/v1/events/{asking.pk}/registration", {}, content_type="application/json", **headers
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["message"] == "この質問に答えてください。"
    assert not Registration.objects.filter(event=asking).exists()
    accepted = client.post(
        f"/api/v1/events/{asking.pk}/registration",
        {"answers": {str(question.pk): "なし"}},
        content_type="application/json",
        **headers,
    )
    assert accepted.status_code == 200
    assert Registration.objects.get(event=asking).answers.get().value == "なし"


def test_registration_refused_when_closed(client, person, token_for):
    event = EventFactory(status=EventStatus.CANCELLED)
    assert not person.has_perm("events.add_registration", event)
    response = client.post(
        f"/api/v1/events/{event.pk}/registration",
        {},
        content_type="application/json",
        **bearer(token_for(person)),
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert (
        client.delete(
            f"/api/v1/events/{event.pk}/registration", **bearer(token_for(person, "b"))
        ).status_code
        == 404
    )


def test_facilities(client, assert_conforms, django_assert_max_num_queries):
    for _ in range(3):
        RoomFactory.create_batch(2, facility=FacilityFactory())
    with django_assert_max_num_queries(3):
        body = assert_conforms(client.get("/api/v1/facilities"), "GET", "/api/v1/facilities")
    assert len(body["items"]) == 3 and all(len(f["rooms"]) == 2 for f in body["items"])
    fid = body["items"][0]["id"]
    assert_conforms(client.get(f"/api/v1/facilities/{fid}"), "GET", f"/api/v1/facilities/{fid}")


@pytest.mark.parametrize("rows", [2, 30])
def test_news(client, assert_conforms, django_assert_max_num_queries, rows):
    author = UserFactory(email="news.writer@example.jp")
    NewsItemFactory.create_batch(rows, author=author)
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/news?limit=100")
    body = assert_conforms(response, "GET", "/api/v1/news")
    assert len(body["items"]) == rows
    assert "news.writer@example.jp" not in response.content.decode()
    nid = body["items"][0]["id"]
    assert_conforms(client.get(f"/api/v1/news/{nid}"), "GET", f"/api/v1/news/{nid}")
