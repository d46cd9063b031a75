from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kyodo.accounts.tests.factories import UserFactory
from kyodo.challenges.tests.factories import IssueFactory
from kyodo.notifications import services
from kyodo.notifications.models import DeliveryPreference, Frequency, Notification
from kyodo.notifications.tasks import send_digests

pytestmark = pytest.mark.django_db


def _notify(user, always_email=False, captured=None):
    return services.notify(
        recipients=[user],
        kind="test.kind",
        subject="件名",
        body="本文",
        url="/x/",
        always_email=always_email,
    )


@pytest.mark.parametrize(
    ("frequency", "always", "immediate_mail"),
    [
        (None, False, True),
        (Frequency.IMMEDIATE, False, True),
        (Frequency.DAILY, False, False),
        (Frequency.WEEKLY, False, False),
        (Frequency.NONE, False, False),
        (Frequency.NONE, True, True),
        (Frequency.DAILY, True, True),
    ],
)
def test_delivery_follows_preference(
    django_capture_on_commit_callbacks, frequency, always, immediate_mail
):
    user = UserFactory()
    if frequency:
        DeliveryPreference.objects.create(user=user, frequency=frequency)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user, always_email=always)
    assert (len(mail.outbox) == 1) is immediate_mail
    n = Notification.objects.get(recipient=user)
    assert (n.emailed_at is not None) is immediate_mail
    if frequency == Frequency.NONE and not always:
        assert n.email_wanted is False


def test_nothing_sent_when_transaction_rolls_back(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify(user)
    assert len(callbacks) == 1 and mail.outbox == []


def test_daily_digest_groups_pending_notifications(django_capture_on_commit_callbacks):
    daily = UserFactory()
    weekly = UserFactory()
    DeliveryPreference.objects.create(user=daily, frequency=Frequency.DAILY)
    DeliveryPreference.objects.create(user=weekly, frequency=Frequency.WEEKLY)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            _notify(daily)
            _notify(weekly)
    assert mail.outbox == []
    assert send_digests("daily") == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [daily.email]
    assert mail.outbox[0].body.count("■ 件名") == 3
    assert not Notification.objects.filter(recipient=daily, emailed_at__isnull=True).exists()
    # Running it again sends nothing (nothing pending, and the gap guard).
    assert send_digests("daily") == 0
    call_command("send_digests", "weekly")
    assert len(mail.outbox) == 2 and mail.outbox[1].to == [weekly.email]


def test_weekly_digest_waits_for_its_period(django_capture_on_commit_callbacks):
    user = UserFactory()
    DeliveryPreference.objects.create(
        user=user, frequency=Frequency.WEEKLY, last_digest_at=timezone.now() - dt.timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user)
    assert send_digests("weekly") == 0
    assert send_digests("weekly", force=True) == 1


def test_inbox_roles_and_mark_read(client, django_assert_max_num_queries):
    assert client.get(reverse("notifications:inbox")).status_code == 302
    user = UserFactory()
    other = UserFactory()
    for _ in range(5):
        _notify(user)
    theirs = _notify(other)[0]
    client.force_login(user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200 and response.content.decode().count("件名") >= 5
    mine = Notification.objects.filter(recipient=user).first()
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("notifications:mark_read", args=[mine.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/x/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


@pytest.mark.parametrize("rows", [2, 30])
def test_inbox_query_count_independent_of_rows(client, django_assert_max_num_queries, rows):
    user = UserFactory()
    for _ in range(rows):
        _notify(user)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        client.get(reverse("notifications:inbox"))


def test_preferences_page(client):
    url = reverse("notifications:preferences")
    assert client.get(url).status_code == 302
    user = UserFactory()
    client.force_login(user)
    assert client.get(url).status_code == 200
    assert client.post(url, {"frequency": "bogus"}).status_code == 200
    client.post(url, {"frequency": "weekly"})
    assert DeliveryPreference.objects.get(user=user).frequency == "weekly"


def test_generic_follow_view(client):
    issue = IssueFactory()
    url = reverse("notifications:follow")
    data = {"target": "challenges.issue", "id": issue.pk, "action": "follow", "next": "/issues/"}
    assert client.post(url, data).status_code == 302  # to login
    user = UserFactory()
    client.force_login(user)
    assert client.get(url).status_code == 405
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == "/issues/"
    assert services.is_following(user, issue)
    assert (
        client.post(url, {**data, "next": "https://evil.example/"})["Location"]
        == issue.get_absolute_url()
    )
    client.post(url, {**data, "action": "unfollow"})
    assert not services.is_following(user, issue)
    # Unregistered models and missing objects are 404; bad input is 400.
    assert client.post(url, {**data, "target": "accounts.user", "id": user.pk}).status_code == 404
    assert client.post(url, {**data, "id": 999999}).status_code == 404
    assert client.post(url, {"target": "challenges.issue"}).status_code == 400


def test_follow_view_checks_visibility(client):
    from kyodo.challenges.models import Issue
    from kyodo.notifications.registry import register_followable

    user = UserFactory()
    client.force_login(user)
    issue = IssueFactory()
    register_followable(Issue, lambda u, obj: False)
    try:
        response = client.post(
            reverse("notifications:follow"),
            {"target": "challenges.issue", "id": issue.pk, "action": "follow"},
        )
        assert response.status_code == 404
    finally:
        register_followable(Issue, lambda u, obj: u.has_perm("challenges.view_issue", obj))
