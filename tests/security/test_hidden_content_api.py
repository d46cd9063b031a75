"""Finding 11: the API shows a hidden comment exactly as the page shows it to the same reader:
the placeholder, without the author's name or the text. Class check: every text the API gives
for a hidden comment is on the page, and nothing the page withholds is in the API."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kyodo.accounts.tests.factories import UserFactory
from kyodo.challenges.tests.factories import IssueCommentFactory, IssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_comment():
    author = UserFactory(display_name="隠された投稿者")
    issue = IssueFactory()
    return IssueCommentFactory(
        issue=issue,
        author=author,
        body="消された本文",
        hidden_at=timezone.now(),
        hidden_reason="spam",
    )


@pytest.mark.parametrize("reader", ["anonymous", "resident", "author"])
def test_the_api_shows_a_hidden_comment_as_the_page_does(hidden_comment, reader):
    client = Client()
    if reader == "resident":
        client.force_login(UserFactory())
    elif reader == "author":
        client.force_login(hidden_comment.author)
    issue = hidden_comment.issue
    whole = client.get(reverse("challenges:issue_detail", args=[issue.pk])).content.decode()
    # The comments section (the header names a signed-in reader: that is not the comment).
    page = html.unescape(
        whole.split('aria-labelledby="comments-title"', 1)[1].split("</section>")[0]
    )
    items = client.get(f"/api/v1/issues/{issue.pk}/comments").json()["items"]
    item = next(i for i in items if i["id"] == hidden_comment.pk)
    assert item["hidden"] is True
    # Nothing the page withholds…
    for withheld in ("隠された投稿者", "消された本文"):
        assert withheld not in page
        assert withheld not in str(item)
    # …and every text the API gives is what the page shows.
    assert item["hidden_notice"]
    for key, value in item.items():
        if isinstance(value, str) and value and key != "created_at":
            assert value in page, (key, value)
