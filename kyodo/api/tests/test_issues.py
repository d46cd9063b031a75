"""Local issues through the API: same services and rules as the website."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kyodo.accounts.tests.factories import PrivateProfileFactory, UserFactory
from kyodo.challenges.models import Issue
from kyodo.challenges.tests.factories import IssueCommentFactory, IssueFactory

from .conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows", [2, 30])
def test_issue_list_conforms_and_query_count_is_flat(
    client, assert_conforms, django_assert_max_num_queries, rows
):
    IssueFactory.create_batch(rows)
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/issues?limit=100")
    body = assert_conforms(response, "GET", "/api/v1/issues")
    assert len(body["items"]) == rows


def test_issue_detail_and_filters(client, assert_conforms):
    issue = IssueFactory()
    IssueFactory(district_id=issue.district_id)
    body = assert_conforms(
        client.get(f"/api/v1/issues/{issue.pk}"), "GET", f"/api/v1/issues/{issue.pk}"
    )
    assert body["title"] == issue.title and body["author"] == issue.author.public_name
    assert len(client.get("/api/v1/issues?status=resolved").json()["items"]) == 0
    assert len(client.get(f"/api/v1/issues?district={issue.district.code}").json()["items"]) == 2
    assert client.get("/api/v1/issues/999999").status_code == 404


def test_hidden_issue_shows_a_placeholder(client):
    issue = IssueFactory(hidden_at=timezone.now(), hidden_reason="個人への中傷")
    body = client.get(f"/api/v1/issues/{issue.pk}").json()
    assert body["hidden"] is True and body["title"] == "" and body["description"] == ""


def test_raise_issue_with_a_token(client, assert_conforms, person, token_for):
    payload = {
        "title": "駅前の放置自転車",
        "description": "歩道がふさがれています。",
        "district": "honcho",
        "field": "crime-prevention",
    }
    response = client.post(
        "/api/v1/issues", payload, content_type="application/json", **bearer(token_for(person))
    )
    body = assert_conforms(response, "POST", "/api/v1/issues")
    assert response.status_code == 201 and body["author"] == "はなこ"
    assert Issue.objects.get(pk=body["id"]).author == person


def test_raise_issue_refusals(client, person, token_for):
    payload = {"title": " ", "description": "x", "district": "honcho", "field": "crime-prevention"}
    anonymous = client.post("/api/v1/issues", payload, content_type="application/json")
    assert anonymous.status_code == 401
    headers = bearer(token_for(person))
    invalid = client.post("/api/v1/issues", payload, content_type="application/json", **headers)
    assert invalid.status_code == 422
    assert invalid.json()["error"]["code"] == "validation_failed"
    assert "タイトル" in invalid.json()["error"]["message"] or invalid.json()["error"]["message"]
    unknown = client.post(
        "/api/v1/issues",
        {**payload, "title": "t", "district": "nowhere"},
        content_type="application/json",
        **headers,
    )
    assert unknown.status_code == 404
    missing = client.post(
        "/api/v1/issues", {"title": "t"}, content_type="application/json", **headers
    )
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "invalid_request"
    assert not Issue.objects.exists()


def test_support_same_rule_as_the_website(client, assert_conforms, person, token_for):
    own = IssueFactory(author=person)
    other = IssueFactory()
    headers = bearer(token_for(person))
    # The author may not support their own issue: the rule says no, and so does the API.
    assert not person.has_perm("challenges.support_issue", own)
    refused = client.post(f"/api/v1/issues/{own.pk}/support", **headers)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert person.has_perm("challenges.support_issue", other)
    first = client.post(f"/api/v1/issues/{other.pk}/support", **headers)
    assert assert_conforms(first, "POST", f"/api/v1/issues/{other.pk}/support") == {
        "supported": True,
        "changed": True,
        "support_count": 1,
    }
    again = client.post(f"/api/v1/issues/{other.pk}/support", **headers).json()
    assert again == {"supported": True, "changed": False, "support_count": 1}
    withdrawn = client.delete(f"/api/v1/issues/{other.pk}/support", **headers).json()
    assert withdrawn == {"supported": False, "changed": True, "support_count": 0}
    assert client.post(f"/api/v1/issues/{other.pk}/support").status_code == 401


def test_comment_and_list_comments(client, assert_conforms, person, token_for):
    issue = IssueFactory()
    IssueCommentFactory(issue=issue, hidden_at=timezone.now())
    headers = bearer(token_for(person))
    created = client.post(
        f"/api/v1/issues/{issue.pk}/comments",
        {"body": "同感です"},
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201
    assert_conforms(created, "POST", f"/api/v1/issues/{issue.pk}/comments")
    listed = assert_conforms(
        client.get(f"/api/v1/issues/{issue.pk}/comments"),
        "GET",
        f"/api/v1/issues/{issue.pk}/comments",
    )
    assert [c["hidden"] for c in listed["items"]] == [True, False]
    assert listed["items"][0]["body"] == "" and listed["items"][1]["body"] == "同感です"
    empty = client.post(
        f"/api/v1/issues/{issue.pk}/comments",
        {"body": " "},
        content_type="application/json",
        **headers,
    )
    assert empty.status_code == 422


def test_issue_author_personal_data_never_appears(client):
    author = UserFactory(email="author.secret@example.jp", display_name="さくら")
    PrivateProfileFactory(user=author, real_name="本名 さくら")
    issue = IssueFactory(author=author)
    for path in (
        "/api/v1/issues",
        f"/api/v1/issues/{issue.pk}",
        f"/api/v1/issues/{issue.pk}/comments",
    ):
        body = client.get(path).content.decode()
        assert "author.secret@example.jp" not in body and "本名 さくら" not in body
