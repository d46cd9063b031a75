"""Local issues' invariants (docs/challenges.md): each test fails when the constraint or
the service check it names is removed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kyodo.challenges import services
from kyodo.challenges.models import Issue
from kyodo.challenges.tests.factories import IssueFactory
from kyodo.challenges.workflow import IssueStatus
from kyodo.organizations.tests.factories import make_coordinator

pytestmark = pytest.mark.django_db


def test_resolving_needs_the_official_answer(client) -> None:  # type: ignore[no-untyped-def]
    coordinator = make_coordinator()
    issue = services.start_review(actor=coordinator, issue=IssueFactory())
    client.force_login(coordinator)
    url = reverse("challenges:issue_manage", args=[issue.pk])
    # The page does not offer 解決 before the answer, and the service refuses it.
    assert 'value="resolved"' not in client.get(url).content.decode()
    with pytest.raises(ValidationError) as exc:
        services.resolve_issue(actor=coordinator, issue=issue)
    assert exc.value.code == "answer_required"
    services.publish_official_answer(actor=coordinator, issue=issue, answer="街灯を交換しました。")
    assert 'value="resolved"' in client.get(url).content.decode()
    assert services.resolve_issue(actor=coordinator, issue=issue).status == IssueStatus.RESOLVED


@pytest.mark.parametrize(
    "values",
    [
        {"status": IssueStatus.DECLINED, "decline_reason": ""},
        {"status": IssueStatus.RESOLVED, "official_answer": "", "answered_at": None},
        {"official_answer": "回答", "answered_at": None},
        {"status": IssueStatus.REVIEWING, "status_changed_at": None},
        {"tier_explanation": ""},
    ],
)
def test_the_database_refuses_an_issue_that_breaks_an_invariant(values) -> None:  # type: ignore[no-untyped-def]
    from kyodo.guideline.models import Tier

    issue = IssueFactory(tier=Tier.objects.first())
    base = {"status_changed_at": timezone.now()}
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.filter(pk=issue.pk).update(**{**base, **values})
