"""What organizations adds to other apps' pages: the "My organizations" section of My page,
and the private-data grant for a group's managers (their member list, 名簿)."""

from __future__ import annotations

from typing import Any

from kyodo.organizations.models import Membership, MembershipStatus
from kyodo.organizations.predicates import organization_ids
from kyodo.organizations.selectors import managed_organizations, my_memberships


def my_organizations_section(request: Any) -> dict[str, Any] | None:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    return {"memberships": my_memberships(user), "managed": managed_organizations(user)}


def manages_group_of(actor: Any, subject: Any) -> bool:
    """A representative, officer or 事務担当 may see the contact details of the active
    members of their group (the member list, 名簿), stating why; each view is audited."""
    managed = organization_ids(actor, ("representative", "officer", "clerk"))
    if not managed:
        return False
    return Membership.objects.filter(
        user=subject, organization_id__in=managed, status=MembershipStatus.ACTIVE
    ).exists()
