"""Regressions found by the authorization matrix (tests/security/test_authz_matrix.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kyodo.accounts.tests.factories import UserFactory
from kyodo.challenges import moderation, services
from kyodo.challenges.models import IssueComment, IssueOfferLink, IssueSupport
from kyodo.challenges.tests.factories import IssueFactory
from kyodo.organizations.models import MembershipRole, OfferNeed
from kyodo.organizations.tests.factories import (
    DepartmentFactory,
    OrganizationFactory,
    make_coordinator,
    make_member,
    make_staff,
)

pytestmark = pytest.mark.django_db


def _offer(org):
    return OfferNeed.objects.create(
        organization=org, kind="offer", category="volunteers", title="見守り", body="平日の朝"
    )


def test_staff_of_another_department_cannot_link_or_unlink_a_groups_offer(client):
    department, other = DepartmentFactory(), DepartmentFactory()
    issue = IssueFactory(responsible_department=department)
    org = OrganizationFactory()
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    offer = _offer(org)
    outsider = make_staff(other)
    with pytest.raises(PermissionDenied):
        services.link_offer(actor=outsider, issue=issue, offer=offer)
    client.force_login(outsider)
    url = reverse("challenges:issue_link_offer", args=[issue.pk])
    assert client.post(url, {"offer": offer.pk}).status_code == 403
    assert not IssueOfferLink.objects.exists()
    # The group's manager links it; the outsider cannot take it off again.
    assert services.link_offer(actor=rep, issue=issue, offer=offer) is True
    assert client.post(url, {"offer": offer.pk, "action": "unlink"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.unlink_offer(actor=outsider, issue=issue, offer=offer)
    assert IssueOfferLink.objects.filter(issue=issue, offer=offer).exists()
    # Staff who may triage the issue (its department, coordinators) still can.
    assert services.unlink_offer(actor=make_staff(department), issue=issue, offer=offer) is True
    assert services.link_offer(actor=make_coordinator(), issue=issue, offer=offer) is True


def test_nobody_supports_or_comments_on_a_hidden_issue_not_even_an_admin():
    issue = IssueFactory()
    moderation.hide_content(actor=make_coordinator(), target=issue, reason="個人情報のため")
    issue.refresh_from_db()
    admin = UserFactory(is_staff=True, is_superuser=True)
    with pytest.raises(PermissionDenied):
        services.support_issue(actor=admin, issue=issue)
    with pytest.raises(PermissionDenied):
        services.comment_on_issue(actor=admin, issue=issue, body="見えますか")
    assert not IssueSupport.objects.exists()
    assert not IssueComment.objects.exists()


def test_a_closed_issue_takes_no_new_support_not_even_from_an_admin():
    from kyodo.challenges.workflow import CLOSED_STATUSES

    issue = IssueFactory(status=sorted(CLOSED_STATUSES)[0])
    admin = UserFactory(is_staff=True, is_superuser=True)
    with pytest.raises(PermissionDenied):
        services.support_issue(actor=admin, issue=issue)
    assert not IssueSupport.objects.exists()
