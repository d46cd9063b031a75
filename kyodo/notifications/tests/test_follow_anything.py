"""Following anything public (groups, projects, calls, districts, issues): the button, the
service (unique, audited), who hears what, the unread count in the header, and one current
navigation entry."""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kyodo.accounts.tests.factories import UserFactory
from kyodo.calls.tests.factories import make_call
from kyodo.core.models import AuditEvent
from kyodo.news.services import publish_news
from kyodo.notifications import services
from kyodo.notifications.models import Follow, Notification
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import OrganizationFactory, make_member
from kyodo.projects.tests.factories import advance, make_cast, make_project
from kyodo.projects.workflow import ProjectStatus

pytestmark = pytest.mark.django_db


def _post_follow(client, obj, action="follow"):
    return client.post(
        reverse("notifications:follow"),
        {"target": obj._meta.label_lower, "id": obj.pk, "action": action},
    )


def test_a_resident_follows_and_unfollows_a_group_from_its_page(client):
    org = OrganizationFactory()
    resident = UserFactory()
    client.force_login(resident)
    page = client.get(reverse("organizations:detail", args=[org.pk])).content.decode()
    assert 'value="organizations.organization"' in page
    assert 'value="follow"' in page

    assert _post_follow(client, org).status_code == 302
    assert services.is_following(resident, org)
    assert AuditEvent.objects.filter(verb="notifications.follow.create", actor=resident).exists()
    page = client.get(reverse("organizations:detail", args=[org.pk])).content.decode()
    assert 'value="unfollow"' in page

    _post_follow(client, org)  # twice: still one row (notifications_follow_unique)
    assert Follow.objects.filter(user=resident).count() == 1

    _post_follow(client, org, "unfollow")
    assert not services.is_following(resident, org)
    assert AuditEvent.objects.filter(verb="notifications.follow.delete", actor=resident).exists()


def test_visitors_are_asked_to_sign_in_and_cannot_post(client):
    org = OrganizationFactory()
    page = client.get(reverse("organizations:detail", args=[org.pk])).content.decode()
    assert "/accounts/login/?next=" in page
    response = _post_follow(client, org)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists()


def test_a_project_is_followable_only_when_the_person_may_see_it(client):
    cast = make_cast()
    draft = make_project(cast)
    client.force_login(cast.outsider)
    assert _post_follow(client, draft).status_code == 404
    assert not Follow.objects.exists()

    public = advance(cast, make_project(cast), ProjectStatus.AGREED)
    page = client.get(reverse("projects:detail", args=[public.pk])).content.decode()
    assert 'value="projects.project"' in page
    assert _post_follow(client, public).status_code == 302
    assert services.is_following(cast.outsider, public)


def test_followers_of_a_project_hear_of_its_next_stage(client):
    cast = make_cast()
    project = advance(cast, make_project(cast), ProjectStatus.AGREED)
    follower = UserFactory()
    services.follow(user=follower, target=project)
    advance(cast, project, ProjectStatus.IN_PROGRESS)
    assert Notification.objects.filter(
        recipient=follower, kind="projects.followed_stage", url=project.get_absolute_url()
    ).exists()


def test_a_call_can_be_followed_from_its_page(client):
    call = make_call()
    resident = UserFactory()
    client.force_login(resident)
    page = client.get(reverse("calls:detail", args=[call.pk])).content.decode()
    assert 'value="calls.call"' in page
    _post_follow(client, call)
    assert Follow.objects.filter(
        user=resident, target_type=ContentType.objects.get_for_model(call), target_id=call.pk
    ).exists()


def test_group_news_reaches_followers_and_members_once_each():
    org = OrganizationFactory()
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    member = make_member(org)
    follower = UserFactory()
    member_and_follower = make_member(org)
    services.follow(user=follower, target=org)
    services.follow(user=member_and_follower, target=org)
    publish_news(actor=rep, organization=org, title="清掃活動のお知らせ", body="日曜に集まります。")
    got = list(
        Notification.objects.filter(kind="news.published").values_list("recipient_id", flat=True)
    )
    assert sorted(got) == sorted([member.pk, follower.pk, member_and_follower.pk])


def _count_queries(ctx) -> int:
    return len([q for q in ctx.captured_queries if "notifications_notification" in q["sql"]])


def test_the_header_shows_the_unread_count_cached_per_person(client):
    user = UserFactory()
    client.force_login(user)  # counted at sign-in
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("core:home")).content.decode()
    assert _count_queries(ctx) == 0
    assert 'class="unread-count"' not in html
    for i in range(3):
        services.notify(recipients=[user], kind="t.k", subject=f"お知らせ{i}")
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("core:home")).content.decode()
    assert re.search(r'<span class="unread-count" aria-hidden="true">3</span>', html)
    assert _count_queries(ctx) == 1  # recounted once after the new notifications
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("core:home"))
    assert _count_queries(ctx) == 0  # then cached
    services.mark_all_read(actor=user)
    html = client.get(reverse("core:home")).content.decode()
    assert 'class="unread-count"' not in html


def test_only_one_navigation_entry_is_current(client):
    html = client.get(reverse("events:facility-list")).content.decode()
    nav = html[html.index('id="site-nav"') :]
    nav = nav[: nav.index("</nav>")]
    assert nav.count('aria-current="page"') == 1
    assert f'href="{reverse("events:facility-list")}" aria-current="page"' in nav
