"""Demo data never lies in the future: built in the morning, nothing was "created",
"published", "supported" or "commented" after the real clock (a brand-new issue is first in
新しい順)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from kyodo.challenges.models import Issue, IssueComment, IssueSupport
from kyodo.news.models import NewsItem

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_built_at_eight_in_the_morning_has_nothing_after_eight(tmp_path):
    morning = dt.datetime(2026, 12, 8, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    with time_machine.travel(morning, tick=False), open(tmp_path / "out.txt", "w") as out:
        call_command(
            "seed_demo",
            "--scale",
            "0.02",
            "--only",
            "accounts",
            "organizations",
            "challenges",
            "news",
            stdout=out,
        )
        now = timezone.now()
    assert Issue.objects.exists() and NewsItem.objects.exists()
    assert not Issue.objects.filter(created_at__gt=now).exists()
    assert not Issue.objects.filter(status_changed_at__gt=now).exists()
    assert not Issue.objects.filter(answered_at__gt=now).exists()
    assert not IssueComment.objects.filter(created_at__gt=now).exists()
    assert not IssueSupport.objects.filter(created_at__gt=now).exists()
    assert not NewsItem.objects.filter(published_at__gt=now).exists()
