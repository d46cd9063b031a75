"""Who may do what with events, registrations and activity bases (rules predicates)."""

from __future__ import annotations

from typing import Any

import rules

from kyodo.events.models import Event, Facility, Registration, Room, RoomBooking
from kyodo.events.workflow import EventStatus, RegistrationStatus
from kyodo.organizations.models import MembershipRole, Organization
from kyodo.organizations.predicates import (
    active_memberships,
    is_admin,
    is_coordinator,
    is_signed_in,
    manages,
)

_MANAGER_ROLES = (MembershipRole.REPRESENTATIVE, MembershipRole.OFFICER, MembershipRole.CLERK)


def can_organise_for(user: Any, org: Organization) -> bool:
    """Groups: their representative, officers and administrators. Departments: any staff."""
    for m in active_memberships(user):
        if m.organization_id != org.pk:
            continue
        if m.organization.org_type.actor_type.is_government or m.role in _MANAGER_ROLES:
            return True
    return False


def organising_organizations(user: Any) -> list[Organization]:
    """The organizations this person may create events for."""
    return [
        m.organization
        for m in active_memberships(user)
        if m.organization.org_type.actor_type.is_government or m.role in _MANAGER_ROLES
    ]


def _event_of(obj: Any) -> Event | None:
    if isinstance(obj, Event):
        return obj
    if isinstance(obj, Registration):
        return obj.event
    return None


@rules.predicate
def organises(user: Any, obj: Any) -> bool:
    event = _event_of(obj)
    return event is not None and can_organise_for(user, event.organization)


@rules.predicate
def can_organise_something(user: Any) -> bool:
    return bool(organising_organizations(user))


@rules.predicate
def is_published(user: Any, event: Any) -> bool:
    return isinstance(event, Event) and event.status != EventStatus.DRAFT


@rules.predicate
def is_open_for_changes(user: Any, event: Any) -> bool:
    return isinstance(event, Event) and event.status != EventStatus.CANCELLED


@rules.predicate
def is_draft(user: Any, event: Any) -> bool:
    return isinstance(event, Event) and event.status == EventStatus.DRAFT


@rules.predicate
def is_own_registration(user: Any, registration: Any) -> bool:
    return isinstance(registration, Registration) and registration.user_id == getattr(
        user, "pk", None
    )


@rules.predicate
def took_part(user: Any, event: Any) -> bool:
    """Confirmed or checked in, and the event is over."""
    if (
        not isinstance(event, Event)
        or not event.has_ended()
        or event.status != EventStatus.PUBLISHED
    ):
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    return Registration.objects.filter(
        event=event, user_id=user.pk, status=RegistrationStatus.CONFIRMED
    ).exists()


@rules.predicate
def manages_a_verified_group(user: Any, room: Any = None) -> bool:
    return any(
        m.role in _MANAGER_ROLES
        and m.organization.is_verified
        and not m.organization.org_type.actor_type.is_government
        for m in active_memberships(user)
    )


def _facility_of(obj: Any) -> Facility | None:
    if isinstance(obj, Facility):
        return obj
    if isinstance(obj, Room):
        return obj.facility
    if isinstance(obj, RoomBooking):
        return obj.room.facility
    return None


@rules.predicate
def runs_facility(user: Any, obj: Any) -> bool:
    facility = _facility_of(obj)
    if facility is None or facility.managed_by_id is None:
        return False
    return any(m.organization_id == facility.managed_by_id for m in active_memberships(user))


@rules.predicate
def requested_booking(user: Any, booking: Any) -> bool:
    return isinstance(booking, RoomBooking) and manages(user, booking.organization_id)


@rules.predicate
def runs_any_facility(user: Any) -> bool:
    org_ids = [m.organization_id for m in active_memberships(user)]
    return bool(org_ids) and Facility.objects.filter(managed_by_id__in=org_ids).exists()


facility_staff = runs_facility | is_coordinator | is_admin

# Events
rules.add_perm("events.view_event", is_published | organises | is_admin)
rules.add_perm("events.add_event", is_signed_in & (can_organise_something | is_admin))
rules.add_perm("events.change_event", is_open_for_changes & (organises | is_admin))
rules.add_perm("events.publish_event", is_draft & (organises | is_admin))
rules.add_perm("events.cancel_event", is_open_for_changes & (organises | is_coordinator | is_admin))
rules.add_perm("events.manage_event", organises | is_admin)
rules.add_perm("events.export_registration", organises | is_admin)
rules.add_perm("events.message_registration", is_open_for_changes & (organises | is_admin))
rules.add_perm("events.checkin_registration", organises | is_admin)
rules.add_perm("events.add_registration", is_signed_in & is_published & is_open_for_changes)
rules.add_perm("events.cancel_registration", is_own_registration | organises | is_admin)
rules.add_perm("events.add_feedback", is_signed_in & took_part)
rules.add_perm("events.view_feedback", organises | is_coordinator | is_admin)
# Activity bases
rules.add_perm("events.add_roombooking", is_signed_in & manages_a_verified_group)
rules.add_perm("events.confirm_roombooking", facility_staff)
rules.add_perm("events.refuse_roombooking", facility_staff)
rules.add_perm("events.cancel_roombooking", requested_booking | facility_staff)
rules.add_perm("events.view_roombooking", requested_booking | facility_staff)
rules.add_perm("events.run_bookinglottery", facility_staff)
rules.add_perm(
    "events.draw_bookinglottery", is_signed_in & (runs_any_facility | is_coordinator | is_admin)
)
rules.add_perm(
    "events.list_roombooking",
    is_signed_in & (manages_a_verified_group | runs_any_facility | is_coordinator | is_admin),
)
