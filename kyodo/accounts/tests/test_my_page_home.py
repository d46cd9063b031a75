"""マイページ as each person's home: what I raised, support, follow, registered for, applied for,
belong to, what waits for me, and my journey, in a number of queries that does not grow with
the data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kyodo.accounts.tests.factories import UserFactory
from kyodo.challenges.tests.factories import IssueFactory
from kyodo.notifications import services as notifications
from kyodo.organizations.tests.factories import OrganizationFactory, make_member

pytestmark = pytest.mark.django_db


def _fill(user, n: int) -> None:
    for i in range(n):
        issue = IssueFactory(author=user, title=f"課題{i}")
        org = OrganizationFactory()
        notifications.follow(user=user, target=org)
        notifications.follow(user=user, target=issue)
        make_member(org)


def test_my_page_lists_what_i_raised_and_follow(client):
    user = UserFactory()
    _fill(user, 2)
    client.force_login(user)
    html = client.get(reverse("accounts:me")).content.decode()
    assert "課題0" in html and "課題1" in html
    assert 'id="me-follows"' in html
    assert 'id="me-journey"' in html
    assert reverse("events:journey") in html
    # The sections come before the profile: the page is a home, not a form.
    assert html.index('id="me-issues"') < html.index('id="me-profile"')


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("accounts:me"))
    assert response.status_code == 302


def test_my_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    few, many = UserFactory(), UserFactory()
    _fill(few, 2)
    _fill(many, 12)
    client.force_login(few)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("accounts:me")).status_code == 200
    client.force_login(many)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("accounts:me")).status_code == 200


def test_a_registration_and_feedback_wait_on_my_page(client):
    from kyodo.events.services import register_for_event
    from kyodo.events.tests.factories import EventFactory

    user = UserFactory()
    client.force_login(user)
    event = EventFactory()
    register_for_event(actor=user, event=event)
    html = client.get(reverse("accounts:me")).content.decode()
    section = html[html.index('id="me-events"') :]
    assert event.title in section[: section.index("</section>")]
