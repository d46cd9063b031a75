"""District spaces are public; the council's chair and the managers of its member organizations
draft records and work on issues; the chair publishes; coordinators support every council."""

from __future__ import annotations

from typing import Any

import rules

from kyodo.organizations.models import MembershipRole
from kyodo.organizations.predicates import is_admin, is_coordinator, organization_ids

MANAGER_ROLES = (MembershipRole.REPRESENTATIVE, MembershipRole.OFFICER, MembershipRole.CLERK)


def _council(obj: Any) -> Any:
    return getattr(obj, "council", obj)


@rules.predicate
def is_chair(user: Any, obj: Any) -> bool:
    council = _council(obj)
    return (
        council is not None
        and getattr(user, "is_authenticated", False)
        and council.chair_id == user.pk
    )


@rules.predicate
def is_council_member(user: Any, obj: Any) -> bool:
    """The chair, or a manager (代表者・役員・事務担当) of a member organization."""
    council = _council(obj)
    if council is None or not getattr(user, "is_authenticated", False):
        return False
    if council.chair_id == user.pk:
        return True
    mine = organization_ids(user, MANAGER_ROLES)
    return bool(mine) and council.members.filter(organization_id__in=mine).exists()


@rules.predicate
def is_published(user: Any, meeting: Any) -> bool:
    return meeting is not None and meeting.status == "published"


support = is_coordinator | is_admin

rules.add_perm("districts.view_meeting", is_published | is_council_member | support)
rules.add_perm("districts.draft_record", is_council_member | support)
rules.add_perm("districts.publish_record", is_chair | support)
rules.add_perm("districts.manage_council", is_chair | support)
rules.add_perm("districts.work_on_issues", is_council_member | support)
