from __future__ import annotations

import html
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from kyodo.accounts.tests.factories import UserFactory
from kyodo.challenges import services
from kyodo.challenges.models import ContentReport, Issue, IssueSupport
from kyodo.challenges.tests.factories import IssueCommentFactory, IssueFactory
from kyodo.challenges.workflow import IssueStatus
from kyodo.guideline.models import District, Field
from kyodo.guideline.tests import codes
from kyodo.notifications.models import Notification
from kyodo.organizations.tests.factories import DepartmentFactory, make_coordinator, make_staff

pytestmark = pytest.mark.django_db


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(buf, format="PNG")
    return SimpleUploadedFile("photo.png", buf.getvalue(), content_type="image/png")


@pytest.mark.parametrize("rows", [2, 30])
def test_issue_list_query_count_does_not_depend_on_rows(
    client, django_assert_max_num_queries, rows
):
    IssueFactory.create_batch(rows)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("challenges:issue_list"))
    assert response.status_code == 200


def test_issue_list_filters_and_keyset(client):
    honcho = codes.district(0, "honcho")
    yoshino = codes.district(1, "yoshino")
    IssueFactory(title="本庁の課題", district=honcho)
    IssueFactory(title="芳野の課題", district=yoshino, status=IssueStatus.REVIEWING)
    body = client.get(reverse("challenges:issue_list"), {"district": yoshino.code}).content.decode()
    assert "芳野の課題" in body and "本庁の課題" not in body
    body = client.get(reverse("challenges:issue_list"), {"status": "received"}).content.decode()
    assert "本庁の課題" in body and "芳野の課題" not in body
    IssueFactory.create_batch(25)
    first = client.get(reverse("challenges:issue_list"))
    assert first.content.decode().count('class="list__item"') == 20
    match = re.search(r'href="\?([^"]*)" rel="next"', first.content.decode())
    assert match
    second = client.get(reverse("challenges:issue_list") + "?" + html.unescape(match.group(1)))
    assert second.content.decode().count('class="list__item"') == 7


def test_tier_filter(client):
    IssueFactory(title="共助の課題", tier=codes.tier("mutual"))
    IssueFactory(title="未分類の課題")
    body = client.get(reverse("challenges:issue_list"), {"tier": "mutual"}).content.decode()
    assert "共助の課題" in body and "未分類の課題" not in body


def test_create_issue_requires_login(client):
    response = client.get(reverse("challenges:issue_create"))
    assert response.status_code == 302


def test_resident_raises_issue_with_photo(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("challenges:issue_create"),
        {
            "title": "霞ケ関駅北口の点字ブロックが欠けている",
            "description": "つまずきそうで危ないです。",
            "district": codes.district(3, "kasumigaseki").pk,
            "field": codes.field(2, "welfare").pk,
            "place_description": "北口ロータリー",
            "photo": _png(),
            "photo_alt": "欠けた点字ブロック",
        },
    )
    issue = Issue.objects.get()
    assert response.status_code == 302 and response["Location"] == issue.get_absolute_url()
    assert issue.photo and issue.photo.name.endswith(".png")
    photo = client.get(reverse("challenges:issue_photo", args=[issue.pk]))
    assert photo.status_code == 200 and photo["X-Content-Type-Options"] == "nosniff"


def test_create_issue_form_errors(client):
    client.force_login(UserFactory())
    response = client.post(reverse("challenges:issue_create"), {"title": "", "description": ""})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not Issue.objects.exists()


def test_detail_page_for_anonymous_and_resident(client, django_assert_max_num_queries):
    issue = IssueFactory()
    IssueCommentFactory.create_batch(3, issue=issue)
    response = client.get(issue.get_absolute_url())
    assert response.status_code == 200
    assert issue.title in response.content.decode()
    client.force_login(UserFactory())
    with django_assert_max_num_queries(20):
        assert client.get(issue.get_absolute_url()).status_code == 200
    assert client.get(reverse("challenges:issue_detail", args=[999999])).status_code == 404


def test_support_view(client):
    issue = IssueFactory()
    user = UserFactory()
    assert (
        client.post(reverse("challenges:issue_support", args=[issue.pk])).status_code == 302
    )  # to login
    assert not IssueSupport.objects.exists()
    client.force_login(user)
    client.post(reverse("challenges:issue_support", args=[issue.pk]), {"action": "support"})
    client.post(reverse("challenges:issue_support", args=[issue.pk]), {"action": "support"})
    issue.refresh_from_db()
    assert issue.support_count == 1
    client.force_login(issue.author)
    assert (
        client.post(
            reverse("challenges:issue_support", args=[issue.pk]), {"action": "support"}
        ).status_code
        == 403
    )
    assert client.get(reverse("challenges:issue_support", args=[issue.pk])).status_code == 405


def test_comment_view(client):
    issue = IssueFactory()
    client.force_login(UserFactory())
    response = client.post(
        reverse("challenges:issue_comment", args=[issue.pk]), {"body": "同感です"}
    )
    assert response.status_code == 302
    assert issue.comments.count() == 1
    response = client.post(reverse("challenges:issue_comment", args=[issue.pk]), {"body": ""})
    assert response.status_code == 400


def test_manage_page_roles(client):
    dept = DepartmentFactory()
    issue = IssueFactory(responsible_department=dept)
    url = reverse("challenges:issue_manage", args=[issue.pk])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(make_staff(DepartmentFactory()))
    assert client.get(url).status_code == 403
    client.force_login(make_staff(dept))
    assert client.get(url).status_code == 200
    coordinator = make_coordinator()
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    tier = codes.tier("public")
    response = client.post(
        url,
        {
            "form": "triage",
            "tier": tier.pk,
            "tier_explanation": "",
            "responsible_department": dept.pk,
        },
    )
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    client.post(
        url,
        {
            "form": "triage",
            "tier": tier.pk,
            "tier_explanation": "道路の管理者は市です。",
            "responsible_department": dept.pk,
        },
    )
    issue.refresh_from_db()
    assert issue.tier == tier
    client.post(url, {"form": "status", "to_status": "reviewing"})
    issue.refresh_from_db()
    assert issue.status == IssueStatus.REVIEWING
    response = client.post(url, {"form": "status", "to_status": "declined", "reason": ""})
    assert response.status_code == 200
    issue.refresh_from_db()
    assert issue.status == IssueStatus.REVIEWING
    client.post(url, {"form": "answer", "answer": "来週、現地を確認します。"})
    issue.refresh_from_db()
    assert issue.answered_at is not None
    body = client.get(issue.get_absolute_url()).content.decode()
    assert "来週、現地を確認します。" in body and 'id="official-answer"' in body


def test_feeds(client):
    IssueFactory(title="本庁の課題", district=codes.district(0, "honcho"))
    yamada = codes.district(4, "yamada")
    IssueFactory(title="山田の課題", district=yamada)
    hidden = IssueFactory(title="非表示の課題")
    Issue.objects.filter(pk=hidden.pk).update(
        hidden_at="2026-01-01T00:00:00Z", hidden_reason="個人情報"
    )
    response = client.get(reverse("challenges:issue_feed"))
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/atom+xml"
    )
    body = response.content.decode()
    assert "本庁の課題" in body and "山田の課題" in body and "非表示の課題" not in body
    body = client.get(reverse("challenges:issue_feed"), {"district": yamada.code}).content.decode()
    assert "山田の課題" in body and "本庁の課題" not in body
    body = client.get(
        reverse("challenges:issue_feed_district", args=[yamada.code])
    ).content.decode()
    assert "山田の課題" in body and "本庁の課題" not in body
    assert client.get(reverse("challenges:issue_feed"), {"district": "nowhere"}).status_code == 404


def test_report_and_hide_flow(client):
    issue = IssueFactory(title="問題のある投稿")
    comment = IssueCommentFactory(issue=issue, body="悪口")
    report_url = reverse("challenges:report_content")
    assert (
        client.get(report_url, {"target": "challenges.issuecomment", "id": comment.pk}).status_code
        == 302
    )
    reporter = UserFactory()
    client.force_login(reporter)
    assert client.get(report_url, {"target": "accounts.user", "id": reporter.pk}).status_code == 404
    assert (
        client.get(report_url, {"target": "challenges.issuecomment", "id": comment.pk}).status_code
        == 200
    )
    response = client.post(
        report_url,
        {"target": "challenges.issuecomment", "id": comment.pk, "reason": "誹謗中傷です"},
    )
    assert response.status_code == 302
    assert ContentReport.objects.filter(object_id=comment.pk, status="open").count() == 1
    # A resident cannot see the queue or hide anything.
    assert client.get(reverse("challenges:moderation_queue")).status_code == 403
    decide = reverse("challenges:moderation_decide")
    assert (
        client.post(
            decide,
            {
                "action": "hide",
                "target": "challenges.issuecomment",
                "id": comment.pk,
                "reason": "x",
            },
        ).status_code
        == 403
    )
    client.force_login(make_coordinator())
    queue = client.get(reverse("challenges:moderation_queue"))
    assert queue.status_code == 200 and "誹謗中傷です" in queue.content.decode()
    client.post(
        decide,
        {
            "action": "hide",
            "target": "challenges.issuecomment",
            "id": comment.pk,
            "reason": "他の人を傷つける表現のため",
        },
    )
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert ContentReport.objects.get().status == "hidden"
    assert Notification.objects.filter(recipient=comment.author, kind="moderation.hidden").exists()
    body = client.get(issue.get_absolute_url()).content.decode()
    assert "他の人を傷つける表現のため" in body and "悪口" not in body
    client.post(decide, {"action": "unhide", "target": "challenges.issuecomment", "id": comment.pk})
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_hidden_issue_shows_placeholder_everywhere(client):
    issue = IssueFactory(title="消される課題")
    from kyodo.challenges.moderation import hide_content

    hide_content(actor=make_coordinator(), target=issue, reason="個人が特定できる情報のため")
    for url in (issue.get_absolute_url(), reverse("challenges:issue_list")):
        body = client.get(url).content.decode()
        assert "消される課題" not in body
        assert "個人が特定できる情報のため" in body
    client.force_login(UserFactory())
    assert (
        client.post(
            reverse("challenges:issue_support", args=[issue.pk]), {"action": "support"}
        ).status_code
        == 403
    )
    assert client.get(reverse("challenges:issue_photo", args=[issue.pk])).status_code == 404


def test_dismiss_report(client):
    issue = IssueFactory()
    from kyodo.challenges.moderation import report_content

    report = report_content(actor=UserFactory(), target=issue, reason="宣伝です")
    client.force_login(make_coordinator())
    client.post(reverse("challenges:moderation_decide"), {"action": "dismiss", "report": report.pk})
    report.refresh_from_db()
    assert report.status == "dismissed"


def test_theme_map_page(client):
    empty = client.get(reverse("challenges:theme_map"))
    assert empty.status_code == 200
    templates = [
        "{p}の街灯が切れていて夜道が暗い",
        "{p}のごみ集積所のカラス被害",
        "{p}付近の通学路の見通しが悪い交差点",
    ]
    places = ["小仙波公園", "霞ケ関駅", "名細小学校", "南古谷駅"]
    user = UserFactory()
    for i in range(36):
        IssueFactory(
            title=templates[i % 3].format(p=places[i % 4]),
            description="困っています。",
            author=user,
        )
    services.build_theme_maps(district_codes=None)
    response = client.get(reverse("challenges:theme_map"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "カラス" in body and "街灯" in body
    assert (
        client.get(
            reverse("challenges:theme_map"), {"district": codes.district(0, "honcho").code}
        ).status_code
        == 200
    )
    assert client.get(reverse("challenges:theme_map"), {"district": "nowhere"}).status_code == 404


def test_home_block_is_cached_and_invalidated(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    IssueFactory(title="最初の課題")
    assert "最初の課題" in client.get("/").content.decode()
    with django_assert_max_num_queries(12):
        client.get("/")
    IssueFactory(title="キャッシュ中の課題")
    assert "キャッシュ中の課題" not in client.get("/").content.decode()  # served from the cache
    with django_capture_on_commit_callbacks(execute=True):
        services.raise_issue(
            actor=UserFactory(),
            title="新しい課題",
            description="説明",
            district=District.objects.first(),
            field=Field.objects.first(),
        )
    assert "新しい課題" in client.get("/").content.decode()
