"""Permissions as a role × state matrix, refusals included."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from kyodo.accounts.tests.factories import UserFactory
from kyodo.events.tests.factories import EventFactory, RoomFactory
from kyodo.events.workflow import EventStatus
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import (
    OrganizationFactory,
    make_coordinator,
    make_member,
    make_staff,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "resident", "member", "manager", "other_staff", "coordinator", "admin")


@pytest.fixture
def people():  # type: ignore[no-untyped-def]
    org = OrganizationFactory()
    return org, {
        "anonymous": AnonymousUser(),
        "resident": UserFactory(),
        "member": make_member(org),
        "manager": make_member(org, MembershipRole.REPRESENTATIVE),
        "other_staff": make_staff(),
        "coordinator": make_coordinator(),
        "admin": UserFactory(is_superuser=True),
    }


# perm → (roles allowed on a published event, roles allowed on a draft)
MATRIX = {
    "events.view_event": (set(ROLES), {"manager", "admin"}),
    "events.change_event": ({"manager", "admin"}, {"manager", "admin"}),
    "events.publish_event": (set(), {"manager", "admin"}),
    "events.cancel_event": (
        {"manager", "coordinator", "admin"},
        {"manager", "coordinator", "admin"},
    ),
    "events.manage_event": ({"manager", "admin"}, {"manager", "admin"}),
    "events.export_registration": ({"manager", "admin"}, {"manager", "admin"}),
    "events.message_registration": ({"manager", "admin"}, {"manager", "admin"}),
    "events.add_registration": (set(ROLES) - {"anonymous"}, set()),
    "events.view_feedback": (
        {"manager", "coordinator", "admin"},
        {"manager", "coordinator", "admin"},
    ),
}


@pytest.mark.parametrize("perm", sorted(MATRIX))
@pytest.mark.parametrize("state", ["published", "draft"])
def test_event_permissions(people, perm, state):  # type: ignore[no-untyped-def]
    org, users = people
    event = EventFactory(
        organization=org,
        status=EventStatus.PUBLISHED if state == "published" else EventStatus.DRAFT,
    )
    # Django gives an active superuser every permission; the services still check the state.
    allowed = MATRIX[perm][0 if state == "published" else 1] | {"admin"}
    for role, user in users.items():
        assert user.has_perm(perm, event) == (role in allowed), (perm, state, role)


def test_cancelled_events_cannot_be_changed_or_registered(people):  # type: ignore[no-untyped-def]
    org, users = people
    event = EventFactory(organization=org, status=EventStatus.CANCELLED)
    for perm in (
        "events.change_event",
        "events.cancel_event",
        "events.add_registration",
        "events.message_registration",
    ):
        assert not any(u.has_perm(perm, event) for r, u in users.items() if r != "admin"), perm
    assert users["manager"].has_perm("events.manage_event", event)


def test_add_event_only_for_people_who_can_organise(people):  # type: ignore[no-untyped-def]
    _org, users = people
    allowed = {"manager", "other_staff", "coordinator", "admin"}
    for role, user in users.items():
        assert user.has_perm("events.add_event") == (role in allowed), role


def test_booking_permissions(people):  # type: ignore[no-untyped-def]
    _org, users = people
    room = RoomFactory()
    facility_staff = make_member(room.facility.managed_by)
    for role, user in users.items():
        assert user.has_perm("events.add_roombooking", room) == (role in {"manager", "admin"}), role
        assert user.has_perm("events.confirm_roombooking", room) == (
            role in {"coordinator", "admin"}
        ), role
    assert facility_staff.has_perm("events.confirm_roombooking", room)
    assert facility_staff.has_perm("events.run_bookinglottery", room.facility)
    assert not users["manager"].has_perm("events.run_bookinglottery", room.facility)
