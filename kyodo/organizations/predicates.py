"""Shared `rules` predicates about who a person is. Every app's rules.py builds on these.

Roles (docs/roles-and-permissions.md): anonymous, resident (signed in), group member,
group representative, department staff, coordinator (staff of the coordinating department,
地域づくり推進課), reviewer (per call round, in kyodo.calls), administrator (superuser).
"""

from __future__ import annotations

from typing import Any

import rules

from kyodo.organizations.models import Membership, MembershipRole, MembershipStatus, Organization

_CACHE_ATTR = "_kyodo_active_memberships"


def active_memberships(user: Any) -> list[Membership]:
    """The user's active memberships, loaded once per user object (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).select_related(
                "organization__org_type__actor_type"
            )
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def organization_ids(user: Any, roles: tuple[str, ...] | None = None) -> set[int]:
    return {m.organization_id for m in active_memberships(user) if roles is None or m.role in roles}


def department_ids(user: Any) -> set[int]:
    return {
        m.organization_id
        for m in active_memberships(user)
        if m.organization.org_type.actor_type.is_government
    }


def _org_id(obj: Any) -> int | None:
    if isinstance(obj, Organization):
        return obj.pk
    if isinstance(obj, int):
        return obj
    return None


@rules.predicate
def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


@rules.predicate
def is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def is_city_staff(user: Any) -> bool:
    return bool(department_ids(user))


@rules.predicate
def is_coordinator(user: Any) -> bool:
    return any(m.organization.is_coordinating_department for m in active_memberships(user))


@rules.predicate
def is_member_of(user: Any, org: Any) -> bool:
    org_id = _org_id(org)
    return org_id is not None and org_id in organization_ids(user)


@rules.predicate
def is_representative_of(user: Any, org: Any) -> bool:
    org_id = _org_id(org)
    return org_id is not None and org_id in organization_ids(user, (MembershipRole.REPRESENTATIVE,))


@rules.predicate
def manages(user: Any, org: Any) -> bool:
    """Representative, officer or administrator (事務担当) of the organization."""
    org_id = _org_id(org)
    roles = (MembershipRole.REPRESENTATIVE, MembershipRole.OFFICER, MembershipRole.CLERK)
    return org_id is not None and org_id in organization_ids(user, roles)


is_staff_or_coordinator = is_city_staff | is_coordinator | is_admin
