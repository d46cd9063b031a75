"""Permissions for organizations, memberships, documents, offers & needs and contact
requests (docs/roles-and-permissions.md). The object is an Organization unless noted."""

from __future__ import annotations

from typing import Any

import rules

from kyodo.organizations.models import (
    ContactRequest,
    OfferNeed,
    Organization,
    RegistrationStatus,
)
from kyodo.organizations.predicates import (
    is_admin,
    is_city_staff,
    is_coordinator,
    is_member_of,
    is_representative_of,
    is_signed_in,
    manages,
    organization_ids,
)


def _org(obj: Any) -> Organization | None:
    if isinstance(obj, Organization):
        return obj
    if isinstance(obj, OfferNeed | ContactRequest):
        return obj.organization if isinstance(obj, OfferNeed) else obj.to_organization
    return None


@rules.predicate
def is_public(user: Any, org: Any) -> bool:
    return isinstance(org, Organization) and org.registration_status != RegistrationStatus.SUSPENDED


@rules.predicate
def is_department(user: Any, org: Any) -> bool:
    return isinstance(org, Organization) and org.is_department


@rules.predicate
def is_group(user: Any, org: Any) -> bool:
    return isinstance(org, Organization) and not org.is_department


@rules.predicate
def can_be_verified(user: Any, org: Any) -> bool:
    return (
        isinstance(org, Organization)
        and not org.is_department
        and org.registration_status
        in (
            RegistrationStatus.PROVISIONAL,
            RegistrationStatus.EXPIRED,
        )
    )


@rules.predicate
def manages_offer_org(user: Any, offer: Any) -> bool:
    return isinstance(offer, OfferNeed) and manages(user, offer.organization_id)


@rules.predicate
def offer_is_open(user: Any, offer: Any) -> bool:
    return isinstance(offer, OfferNeed) and offer.is_open


@rules.predicate
def offer_is_public(user: Any, offer: Any) -> bool:
    return (
        isinstance(offer, OfferNeed)
        and offer.organization.registration_status != RegistrationStatus.SUSPENDED
    )


@rules.predicate
def takes_part_in_contact(user: Any, contact: Any) -> bool:
    if not isinstance(contact, ContactRequest):
        return False
    if contact.sender_id == getattr(user, "pk", None):
        return True
    managed = organization_ids(user, ("representative", "officer", "clerk"))
    return contact.to_organization_id in managed or (
        contact.from_organization_id is not None and contact.from_organization_id in managed
    )


# Organizations
rules.add_perm(
    "organizations.view_organization", is_public | is_member_of | is_city_staff | is_admin
)
rules.add_perm("organizations.add_organization", is_signed_in)
rules.add_perm(
    "organizations.change_organization", is_signed_in & (manages | is_coordinator | is_admin)
)
rules.add_perm(
    "organizations.verify_organization",
    is_signed_in & can_be_verified & (is_coordinator | is_admin),
)
rules.add_perm(
    "organizations.suspend_organization", is_signed_in & is_group & (is_coordinator | is_admin)
)
rules.add_perm("organizations.renew_organization", is_signed_in & is_group & manages)
rules.add_perm("organizations.import_organization", is_signed_in & (is_coordinator | is_admin))
rules.add_perm("organizations.review_organization", is_signed_in & (is_coordinator | is_admin))
# Documents (規約, 名簿): the group's managers and city staff only.
rules.add_perm(
    "organizations.view_organizationdocument", is_signed_in & (manages | is_city_staff | is_admin)
)
rules.add_perm("organizations.add_organizationdocument", is_signed_in & (manages | is_admin))
# Memberships
rules.add_perm(
    "organizations.view_membership", is_signed_in & (manages | is_coordinator | is_admin)
)
rules.add_perm("organizations.change_membership", is_signed_in & (manages | is_admin))
rules.add_perm(
    "organizations.join_organization", is_signed_in & is_group & is_public & ~is_member_of
)
rules.add_perm(
    "organizations.leave_organization", is_signed_in & is_member_of & ~is_representative_of
)
rules.add_perm(
    "organizations.handover_organization", is_signed_in & (is_representative_of | is_admin)
)
# Offers & needs
rules.add_perm("organizations.view_offerneed", offer_is_public | manages_offer_org | is_admin)
rules.add_perm("organizations.add_offerneed", is_signed_in & is_public & (manages | is_admin))
rules.add_perm("organizations.change_offerneed", is_signed_in & (manages_offer_org | is_admin))
# Contact requests (through the platform; nobody's e-mail address is shown)
rules.add_perm("organizations.add_contactrequest", is_signed_in & is_public)
rules.add_perm(
    "organizations.view_contactrequest", is_signed_in & (takes_part_in_contact | is_admin)
)
rules.add_perm("organizations.reply_contactrequest", is_signed_in & takes_part_in_contact)
rules.add_perm("organizations.manage_city_setup", is_admin)  # departments, coordinating one
