from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kyodo.accounts.tests.factories import UserFactory
from kyodo.challenges import services
from kyodo.challenges.models import IssueOfferLink
from kyodo.challenges.tests.factories import IssueFactory
from kyodo.notifications.models import Notification
from kyodo.notifications.services import follow
from kyodo.organizations.models import MembershipRole, OfferNeed
from kyodo.organizations.tests.factories import OrganizationFactory, make_member, make_staff

pytestmark = pytest.mark.django_db


def _offer(org, **kwargs):
    return OfferNeed.objects.create(
        organization=org,
        kind="offer",
        category="volunteers",
        title="見守りボランティアを出せます",
        body="平日の朝に協力できます。",
        **kwargs,
    )


def test_group_manager_links_own_offer_and_followers_hear():
    org = OrganizationFactory()
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    issue = IssueFactory()
    follow(user=issue.author, target=issue)
    offer = _offer(org)
    assert services.link_offer(actor=rep, issue=issue, offer=offer) is True
    assert services.link_offer(actor=rep, issue=issue, offer=offer) is False  # once
    assert (
        Notification.objects.filter(recipient=issue.author, kind="challenges.offer_linked").count()
        == 1
    )
    assert services.unlink_offer(actor=rep, issue=issue, offer=offer) is True


def test_link_refusals():
    org = OrganizationFactory()
    issue = IssueFactory()
    offer = _offer(org)
    for actor in (UserFactory(), make_member(org, MembershipRole.MEMBER)):
        with pytest.raises(PermissionDenied):
            services.link_offer(actor=actor, issue=issue, offer=offer)
    closed = _offer(org, status="closed")
    with pytest.raises(ValidationError):
        services.link_offer(actor=make_staff(), issue=issue, offer=closed)


def test_issue_page_shows_linked_offers_and_form(client):
    org = OrganizationFactory()
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    issue = IssueFactory()
    offer = _offer(org)
    client.force_login(rep)
    body = client.get(issue.get_absolute_url()).content.decode()
    assert 'id="link-offer"' in body
    client.post(
        reverse("challenges:issue_link_offer", args=[issue.pk]),
        {"offer": offer.pk, "action": "link"},
    )
    assert IssueOfferLink.objects.filter(issue=issue, offer=offer).exists()
    client.logout()
    assert "見守りボランティアを出せます" in client.get(issue.get_absolute_url()).content.decode()
