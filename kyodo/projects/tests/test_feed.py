"""The Atom feed of projects: public ones only, city-wide and per district."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kyodo.projects.tests.factories import advance, make_cast, make_project
from kyodo.projects.workflow import ProjectStatus

pytestmark = pytest.mark.django_db


def test_the_feed_lists_public_projects_only_and_per_district(client):
    cast = make_cast()
    public = advance(cast, make_project(cast, title="公開の協働事業"), ProjectStatus.AGREED)
    make_project(cast, title="下書きの協働事業")
    elsewhere = advance(
        cast,
        make_project(cast, title="別の地区の協働事業", district_codes=["yoshino"]),
        ProjectStatus.AGREED,
    )
    response = client.get(reverse("projects:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "公開の協働事業" in body and "別の地区の協働事業" in body
    assert "下書きの協働事業" not in body
    assert public.get_absolute_url() in body

    district = client.get(reverse("projects:feed-district", args=["honcho"])).content.decode()
    assert "公開の協働事業" in district
    assert elsewhere.title not in district
    assert client.get(reverse("projects:feed-district", args=["nowhere"])).status_code == 404


def test_the_feed_query_count_does_not_grow(client, django_assert_max_num_queries):
    cast = make_cast()
    for i in range(6):
        advance(cast, make_project(cast, title=f"事業{i}"), ProjectStatus.AGREED)
    with django_assert_max_num_queries(6):
        client.get(reverse("projects:feed"))


def test_the_list_links_its_feed(client):
    html = client.get(reverse("projects:list")).content.decode()
    assert reverse("projects:feed") in html
