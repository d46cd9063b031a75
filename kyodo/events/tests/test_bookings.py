from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from kyodo.core.models import AuditEvent
from kyodo.events import services
from kyodo.events.models import RoomBooking
from kyodo.events.tests.factories import RoomFactory
from kyodo.organizations.models import MembershipRole, RegistrationStatus
from kyodo.organizations.tests.factories import OrganizationFactory, make_coordinator, make_member

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 5, 10, 10, 0, tzinfo=dt.UTC)


def _group_manager(**org_kwargs):  # type: ignore[no-untyped-def]
    org = OrganizationFactory(**org_kwargs)
    return org, make_member(org, MembershipRole.REPRESENTATIVE)


def _request(user, org, room, day, slot="morning"):  # type: ignore[no-untyped-def]
    return services.request_room_booking(
        actor=user,
        room=room,
        organization=org,
        date=day,
        slot=slot,
        purpose="定例会",
        expected_people=10,
    )


def test_window_opens_months_ahead_on_the_opening_day():
    room = RoomFactory()
    assert room.facility.window_opens_on(dt.date(2026, 8, 20)) == dt.date(2026, 5, 1)
    assert room.facility.window_opens_on(dt.date(2027, 2, 1)) == dt.date(2026, 11, 1)


@time_machine.travel(TODAY)
def test_verified_group_requests_staff_confirm_and_clashes_are_refused():
    room = RoomFactory()
    staff = make_member(room.facility.managed_by)
    org1, rep1 = _group_manager()
    org2, rep2 = _group_manager()
    day = dt.date(2026, 6, 3)
    b1 = _request(rep1, org1, room, day)
    b2 = _request(rep2, org2, room, day)
    assert not b1.in_lottery
    with pytest.raises(ValidationError):
        _request(rep1, org1, room, day)  # the same group twice
    services.confirm_room_booking(actor=staff, booking=b1)
    b2.refresh_from_db()
    assert b2.status == "refused"
    org3, rep3 = _group_manager()
    with pytest.raises(ValidationError):
        _request(rep3, org3, room, day)  # already booked
    assert AuditEvent.objects.filter(verb="events.roombooking.confirmed").count() == 1


@time_machine.travel(TODAY)
def test_requests_outside_the_window_or_too_big_are_refused():
    room = RoomFactory(capacity=5)
    org, rep = _group_manager()
    with pytest.raises(ValidationError):
        _request(rep, org, room, dt.date(2026, 9, 1))  # window opens 1 June
    with pytest.raises(ValidationError):
        _request(rep, org, room, dt.date(2026, 5, 9))  # in the past
    with pytest.raises(ValidationError):
        services.request_room_booking(
            actor=rep,
            room=room,
            organization=org,
            date=dt.date(2026, 6, 1),
            slot="evening",
            purpose="会議",
            expected_people=6,
        )


@time_machine.travel(TODAY)
def test_only_managers_of_verified_groups_may_request():
    room = RoomFactory()
    org, _rep = _group_manager()
    member = make_member(org)
    with pytest.raises(PermissionDenied):
        _request(member, org, room, dt.date(2026, 6, 3))
    prov, prov_rep = _group_manager(registration_status=RegistrationStatus.PROVISIONAL)
    with pytest.raises(PermissionDenied):
        _request(prov_rep, prov, room, dt.date(2026, 6, 3))


def test_group_cannot_confirm_its_own_request():
    room = RoomFactory()
    org, rep = _group_manager()
    with time_machine.travel(TODAY):
        booking = _request(rep, org, room, dt.date(2026, 6, 3))
        with pytest.raises(PermissionDenied):
            services.confirm_room_booking(actor=rep, booking=booking)
        services.cancel_room_booking(actor=rep, booking=booking)
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_opening_day_requests_are_decided_by_a_recorded_lottery():
    room = RoomFactory()
    coordinator = make_coordinator()
    groups = [_group_manager() for _ in range(4)]
    day = dt.date(2026, 8, 12)
    with time_machine.travel(dt.datetime(2026, 5, 1, 1, 0, tzinfo=dt.UTC)):  # the opening day (JST)
        bookings = [_request(rep, org, room, day) for org, rep in groups]
        assert all(b.in_lottery for b in bookings)
        with pytest.raises(ValidationError):
            services.confirm_room_booking(actor=coordinator, booking=bookings[0])
        with pytest.raises(ValidationError):  # the day is not over yet
            services.run_booking_lottery(
                actor=coordinator, facility=room.facility, opening_day=dt.date(2026, 5, 1)
            )
    with time_machine.travel(dt.datetime(2026, 5, 2, 1, 0, tzinfo=dt.UTC)):
        with pytest.raises(PermissionDenied):
            services.run_booking_lottery(
                actor=groups[0][1], facility=room.facility, opening_day=dt.date(2026, 5, 1)
            )
        lottery = services.run_booking_lottery(
            actor=coordinator,
            facility=room.facility,
            opening_day=dt.date(2026, 5, 1),
            seed="abc123",
        )
        with pytest.raises(ValidationError):
            services.run_booking_lottery(
                actor=coordinator, facility=room.facility, opening_day=dt.date(2026, 5, 1)
            )
    statuses = sorted(RoomBooking.objects.values_list("status", flat=True))
    assert statuses == ["confirmed", "lost_lottery", "lost_lottery", "lost_lottery"]
    [result] = lottery.results
    assert sorted(result["order"]) == sorted(b.pk for b in bookings)
    assert RoomBooking.objects.get(status="confirmed").pk == result["winner"] == result["order"][0]
    # The draw can be repeated from the recorded seed.
    import random

    again = sorted(bookings, key=lambda b: b.pk)
    random.Random(f"abc123:{room.pk}:{day.isoformat()}:morning").shuffle(again)
    assert [b.pk for b in again] == result["order"]
    assert AuditEvent.objects.filter(verb="events.bookinglottery.run").count() == 1


def test_due_lotteries_are_drawn_by_the_scheduled_task():
    room = RoomFactory()
    org, rep = _group_manager()
    with time_machine.travel(dt.datetime(2026, 5, 1, 1, 0, tzinfo=dt.UTC)):
        _request(rep, org, room, dt.date(2026, 8, 12))
    with time_machine.travel(dt.datetime(2026, 5, 3, 1, 0, tzinfo=dt.UTC)):
        assert len(services.run_due_booking_lotteries()) == 1
        assert services.run_due_booking_lotteries() == []
    assert RoomBooking.objects.get().status == "confirmed"
