from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kyodo.accounts.tests.factories import UserFactory
from kyodo.guideline.models import District
from kyodo.news import services
from kyodo.news.models import NewsItem
from kyodo.news.tests.factories import NewsItemFactory
from kyodo.notifications.models import Notification
from kyodo.notifications.services import follow
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import (
    DepartmentFactory,
    OrganizationFactory,
    make_coordinator,
    make_member,
    make_staff,
)

pytestmark = pytest.mark.django_db


def test_group_manager_publishes_and_followers_are_told():
    org = OrganizationFactory()
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    follower = UserFactory()
    follow(user=follower, target=org)
    item = services.publish_news(
        actor=rep, organization=org, title="清掃活動のお知らせ", body="毎月第1土曜日です。"
    )
    assert item.is_from_city is False and item.published_at is not None
    assert Notification.objects.filter(recipient=follower, kind="news.published").exists()


@pytest.mark.parametrize("role", ["member", "resident", "other_staff"])
def test_refusals(role):
    org = OrganizationFactory()
    dept = DepartmentFactory()
    actor = {
        "member": lambda: make_member(org, MembershipRole.MEMBER),
        "resident": UserFactory,
        "other_staff": lambda: make_staff(DepartmentFactory()),
    }[role]()
    for target in (org, dept):
        with pytest.raises(PermissionDenied):
            services.publish_news(actor=actor, organization=target, title="t", body="b")


def test_city_staff_and_coordinator_publish_for_departments():
    dept = DepartmentFactory()
    staff = make_staff(dept)
    item = services.publish_news(actor=staff, organization=dept, title="防災訓練", body="本文")
    assert item.is_from_city
    coordinator = make_coordinator()
    services.publish_news(actor=coordinator, organization=dept, title="説明会", body="本文")
    with pytest.raises(PermissionDenied):
        services.publish_news(
            actor=coordinator, organization=OrganizationFactory(), title="t", body="b"
        )
    services.update_news(
        actor=staff, item=item, title="防災訓練（更新）", body="本文", district=None
    )
    with pytest.raises(PermissionDenied):
        services.update_news(actor=UserFactory(), item=item, title="x", body="y", district=None)


@pytest.mark.parametrize("rows", [2, 30])
def test_list_query_count(client, django_assert_max_num_queries, rows):
    NewsItemFactory.create_batch(rows)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("news:item_list")).status_code == 200


def test_list_filters_detail_and_feed(client):
    yamada = District.objects.get(code="yamada")
    NewsItemFactory(title="山田のお知らせ", district=yamada)
    NewsItemFactory(title="本庁のお知らせ", district=District.objects.get(code="honcho"))
    NewsItemFactory(title="市全体のお知らせ", organization=DepartmentFactory(), is_from_city=True)
    body = client.get(reverse("news:item_list"), {"district": "yamada"}).content.decode()
    assert "山田のお知らせ" in body and "市全体のお知らせ" in body and "本庁のお知らせ" not in body
    body = client.get(reverse("news:item_list"), {"source": "city"}).content.decode()
    assert "市全体のお知らせ" in body and "山田のお知らせ" not in body
    item = NewsItem.objects.get(title="山田のお知らせ")
    assert client.get(item.get_absolute_url()).status_code == 200
    assert client.get(reverse("news:item_detail", args=[999999])).status_code == 404
    feed = client.get(reverse("news:item_feed_district", args=["yamada"]))
    assert feed["Content-Type"].startswith("application/atom+xml")
    text = feed.content.decode()
    assert "山田のお知らせ" in text and "本庁のお知らせ" not in text


def test_create_and_edit_views(client):
    org = OrganizationFactory()
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    url = reverse("news:item_create")
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(rep)
    assert client.get(url).status_code == 200
    response = client.post(url, {"organization": org.pk, "title": "", "body": ""})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    response = client.post(
        url, {"organization": org.pk, "title": "夏祭りのお知らせ", "body": "8月に開催します。"}
    )
    item = NewsItem.objects.get()
    assert response.status_code == 302
    edit = reverse("news:item_edit", args=[item.pk])
    client.post(edit, {"title": "夏祭りのお知らせ（雨天延期）", "body": "8月に開催します。"})
    item.refresh_from_db()
    assert "雨天延期" in item.title
    client.force_login(make_member(org, MembershipRole.MEMBER))
    assert client.get(edit).status_code == 403


def test_hidden_news_placeholder(client):
    from kyodo.challenges.moderation import hide_content

    item = NewsItemFactory(title="宣伝の投稿")
    hide_content(actor=make_coordinator(), target=item, reason="営利目的の宣伝のため")
    body = client.get(item.get_absolute_url()).content.decode()
    assert "宣伝の投稿" not in body and "営利目的の宣伝のため" in body
    assert "宣伝の投稿" not in client.get(reverse("news:item_feed")).content.decode()
