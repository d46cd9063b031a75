from __future__ import annotations

import pytest
from django.urls import reverse

from kyodo.accounts.tests.factories import UserFactory
from kyodo.organizations.tests.factories import OrganizationFactory, make_member
from kyodo.search.tests.factories import make_doc

pytestmark = pytest.mark.django_db


def test_empty_search_page(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("search:results"))
    assert response.status_code == 200
    assert "検索" in response.content.decode()


def test_results_page_with_counts_highlights_and_filters(client) -> None:  # type: ignore[no-untyped-def]
    make_doc("防災訓練<script>", "南古谷の防災", districts=("minamifuruya",))
    make_doc("防災マップ", "", doc_type="event")
    response = client.get(reverse("search:results"), {"q": "防災"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>防災</mark>訓練&lt;script&gt;" in html
    assert "<script>" not in html.replace("<script src=", "")
    assert "2" in html
    response = client.get(reverse("search:results"), {"q": "防災", "type": "event"})
    html = response.content.decode()
    assert "<mark>防災</mark>マップ" in html and "訓練" not in html.split("search-results")[-1]
    response = client.get(
        reverse("search:results"), {"q": "防災", "type": "bogus", "page": "999", "fy": "x"}
    )
    assert response.status_code == 200


def test_results_page_respects_privacy(client) -> None:  # type: ignore[no-untyped-def]
    org = OrganizationFactory()
    member = make_member(org)
    make_doc("内部の打ち合わせ記録", visibility=(f"org:{org.pk}",))
    assert "記録" not in client.get(reverse("search:results"), {"q": "打ち合わせ"}).content.decode()
    client.force_login(UserFactory())
    assert "記録" not in client.get(reverse("search:results"), {"q": "打ち合わせ"}).content.decode()
    client.force_login(member)
    assert "記録" in client.get(reverse("search:results"), {"q": "打ち合わせ"}).content.decode()


@pytest.mark.parametrize("rows", [2, 30])
def test_results_page_query_count_does_not_grow(
    client, django_assert_max_num_queries, rows
) -> None:  # type: ignore[no-untyped-def]
    for i in range(rows):
        make_doc(f"清掃活動{i}", "川越の清掃", doc_type=("project", "event", "news")[i % 3])
    with django_assert_max_num_queries(18):
        response = client.get(reverse("search:results"), {"q": "清掃"})
    assert response.status_code == 200


def test_suggest_returns_names(client) -> None:  # type: ignore[no-untyped-def]
    make_doc("川越防災ネットワーク", doc_type="organization")
    make_doc("防災まち歩き事業", doc_type="project")
    make_doc("防災のお知らせ", doc_type="news")
    data = client.get(reverse("search:suggest"), {"q": "防災"}).json()
    assert {r["title"] for r in data["results"]} == {"川越防災ネットワーク", "防災まち歩き事業"}
    assert client.get(reverse("search:suggest"), {"q": ""}).json()["results"] == []
    assert client.get(reverse("search:suggest"), {"q": "防"}).json()["results"]


def test_go_redirects_to_the_object_or_404(client) -> None:  # type: ignore[no-untyped-def]
    from kyodo.core.hooks import content_changed

    org = OrganizationFactory(name="福原の会")
    content_changed(org)
    response = client.get(reverse("search:go", args=["organization", org.pk]))
    assert response.status_code in (302, 404)
    assert client.get(reverse("search:go", args=["organization", 999999])).status_code == 404
    private = make_doc("非公開", doc_type="project", visibility=("org:1",))
    assert client.get(reverse("search:go", args=["project", private.object_id])).status_code == 404


def test_results_page_offers_another_spelling(client) -> None:  # type: ignore[no-untyped-def]
    make_doc("町内会の防災訓練", "子ども食堂も開きます")
    html = client.get(reverse("search:results"), {"q": "自治会"}).content.decode()
    assert "「自治会」と同じ表記のものは見つかりませんでした" in html
    assert "もしかして" in html and "町内会</a>" in html
    assert "表記ゆれ・同義語" in html
    assert "<mark>町内会</mark>" in html  # the synonym is marked in the result
    html = client.get(reverse("search:results"), {"q": "町内会"}).content.decode()
    assert "もしかして" not in html and "表記ゆれ・同義語" not in html
    # Found through a word key only: the spelling the result uses is offered and marked.
    html = client.get(reverse("search:results"), {"q": "こども"}).content.decode()
    assert "子ども</a>" in html and "<mark>子ども</mark>食堂" in html
