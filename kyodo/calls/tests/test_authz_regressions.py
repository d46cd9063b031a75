"""Regressions found by the authorization matrix (tests/security/test_authz_matrix.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kyodo.calls import services
from kyodo.calls.models import ConflictDeclaration
from kyodo.calls.tests.factories import make_application, make_call, make_reviewer
from kyodo.organizations.tests.factories import make_coordinator

pytestmark = pytest.mark.django_db


def test_a_reviewer_cannot_reach_a_draft_through_the_conflict_page(client):
    """A draft is private to the group: an assigned reviewer used to open the conflict page
    of any application of the round (its title shown), declare on it, and learn that it
    exists from a 403 on the scoring page."""
    coordinator = make_coordinator()
    call = make_call(coordinator=coordinator)
    draft = make_application(call, title="まだ提出していない非公開の提案")
    reviewer = make_reviewer(call.rounds.get(), coordinator)
    client.force_login(reviewer)

    page = client.get(reverse("calls:application-conflict", args=[draft.pk]))
    assert page.status_code == 404
    assert "まだ提出していない非公開の提案" not in page.content.decode()
    post = client.post(reverse("calls:application-conflict", args=[draft.pk]), {"reason": "顧問"})
    assert post.status_code == 404
    assert client.get(reverse("calls:application-score", args=[draft.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.declare_conflict(actor=reviewer, application=draft, reason="顧問です")
    assert not ConflictDeclaration.objects.filter(application=draft).exists()

    # once submitted, the reviewer may declare a conflict as before
    draft = services.submit_application(actor=draft.created_by, application=draft)
    assert client.get(reverse("calls:application-conflict", args=[draft.pk])).status_code == 200
    services.declare_conflict(actor=reviewer, application=draft, reason="顧問です")
    assert ConflictDeclaration.objects.filter(application=draft, reviewer=reviewer).exists()
