"""State-machine test of events, registrations and room bookings: random people register and
cancel, groups ask for room slots, staff confirm them, groups place events in the same room,
with every invariant of docs/events.md asserted after every step. Plus the fixed cases: an
event placed on a slot another group has booked (and the reverse), and the list's badge
against the event page."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from kyodo.accounts.tests.factories import UserFactory
from kyodo.events import invariants, services
from kyodo.events.models import Event, Registration, RoomBooking
from kyodo.events.tests.factories import EventFactory, RoomFactory
from kyodo.events.workflow import RegistrationState, RegistrationStatus
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import OrganizationFactory, make_member

pytestmark = pytest.mark.django_db

JST = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2026, 5, 10, 10, 0, tzinfo=JST)
DAYS = [dt.date(2026, 6, 2), dt.date(2026, 6, 3)]
SLOT_START = {"morning": 9, "afternoon": 13, "evening": 18}


def _event_values(room, day: dt.date, slot: str, *, title: str = "講座") -> dict:
    starts = dt.datetime(day.year, day.month, day.day, SLOT_START[slot], 30, tzinfo=JST)
    return {
        "title": title,
        "kind": "event",
        "summary": "地域の集まり",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=2),
        "room": room,
        "place_name": "",
        "capacity": 10,
        "opens_at": NOW - dt.timedelta(days=1),
        "closes_at": starts - dt.timedelta(hours=1),
    }


class Participation(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = time_machine.travel(NOW, tick=False)
        self.clock.start()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.room = RoomFactory()
        self.staff = make_member(self.room.facility.managed_by)
        self.groups = []
        for _ in range(2):
            org = OrganizationFactory()
            self.groups.append((org, make_member(org, MembershipRole.REPRESENTATIVE)))
        self.people = [UserFactory() for _ in range(4)]
        org, _rep = self.groups[0]
        self.event = EventFactory(organization=org, capacity=2)

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)
        self.clock.stop()

    @rule(who=st.integers(0, 3))
    def register(self, who: int) -> None:
        event = Event.objects.get(pk=self.event.pk)
        state = event.registration_state()
        try:
            services.register_for_event(actor=self.people[who], event=event)
        except (ValidationError, PermissionDenied):
            assert state not in (RegistrationState.OPEN, RegistrationState.WAITLIST)

    @rule(who=st.integers(0, 3))
    def cancel(self, who: int) -> None:
        registration = Registration.objects.filter(event=self.event, user=self.people[who]).first()
        if registration is None:
            return
        with contextlib.suppress(ValidationError):
            services.cancel_registration(actor=self.people[who], registration=registration)

    @rule(
        group=st.integers(0, 1),
        day=st.sampled_from(DAYS),
        slot=st.sampled_from(["morning", "evening"]),
    )
    def request_booking(self, group: int, day: dt.date, slot: str) -> None:
        org, rep = self.groups[group]
        with contextlib.suppress(ValidationError):
            services.request_room_booking(
                actor=rep,
                room=self.room,
                organization=org,
                date=day,
                slot=slot,
                purpose="定例会",
                expected_people=5,
            )

    @rule(index=st.integers(0, 5), by_staff=st.booleans())
    def confirm_booking(self, index: int, by_staff: bool) -> None:
        pending = list(RoomBooking.objects.filter(status="requested").order_by("pk"))
        if not pending:
            return
        actor = self.staff if by_staff else self.groups[1][1]
        with contextlib.suppress(ValidationError, PermissionDenied):
            services.confirm_room_booking(actor=actor, booking=pending[index % len(pending)])

    @rule(
        group=st.integers(0, 1),
        day=st.sampled_from(DAYS),
        slot=st.sampled_from(["morning", "evening"]),
    )
    def place_event(self, group: int, day: dt.date, slot: str) -> None:
        org, rep = self.groups[group]
        with contextlib.suppress(ValidationError, PermissionDenied):
            services.create_event(
                actor=rep, organization=org, values=_event_values(self.room, day, slot)
            )

    @invariant()
    def everything_holds(self) -> None:
        assert invariants.violations() == []


def test_participation_state_machine():
    run_state_machine_as_test(
        Participation,
        settings=settings(
            max_examples=15,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


@time_machine.travel(NOW, tick=False)
def test_an_event_on_an_evening_another_group_booked_is_refused_and_vice_versa():
    room = RoomFactory(name="会議室")
    staff = make_member(room.facility.managed_by)
    booker, booker_rep = OrganizationFactory(), None
    booker_rep = make_member(booker, MembershipRole.REPRESENTATIVE)
    organiser = OrganizationFactory()
    organiser_rep = make_member(organiser, MembershipRole.REPRESENTATIVE)
    booking = services.request_room_booking(
        actor=booker_rep,
        room=room,
        organization=booker,
        date=DAYS[0],
        slot="evening",
        purpose="定例会",
        expected_people=5,
    )
    services.confirm_room_booking(actor=staff, booking=booking)
    with pytest.raises(ValidationError) as exc:
        services.create_event(
            actor=organiser_rep,
            organization=organiser,
            values=_event_values(room, DAYS[0], "evening"),
        )
    assert "room" in exc.value.error_dict
    # the booking group's own event in its own slot is the same use
    services.create_event(
        actor=booker_rep, organization=booker, values=_event_values(room, DAYS[0], "evening")
    )
    # the reverse: an event holds the morning, a booking for it is refused
    services.create_event(
        actor=organiser_rep, organization=organiser, values=_event_values(room, DAYS[1], "morning")
    )
    with pytest.raises(ValidationError):
        services.request_room_booking(
            actor=booker_rep,
            room=room,
            organization=booker,
            date=DAYS[1],
            slot="morning",
            purpose="定例会",
            expected_people=5,
        )
    assert invariants.violations() == []


@time_machine.travel(NOW, tick=False)
def test_moving_an_event_onto_a_booked_slot_is_refused():
    room = RoomFactory()
    staff = make_member(room.facility.managed_by)
    booker = OrganizationFactory()
    booker_rep = make_member(booker, MembershipRole.REPRESENTATIVE)
    booking = services.request_room_booking(
        actor=booker_rep,
        room=room,
        organization=booker,
        date=DAYS[0],
        slot="evening",
        purpose="定例会",
        expected_people=5,
    )
    services.confirm_room_booking(actor=staff, booking=booking)
    organiser = OrganizationFactory()
    rep = make_member(organiser, MembershipRole.REPRESENTATIVE)
    event = services.create_event(
        actor=rep, organization=organiser, values=_event_values(room, DAYS[0], "morning")
    )
    with pytest.raises(ValidationError):
        services.update_event(
            actor=rep, event=event, values=_event_values(room, DAYS[0], "evening")
        )


@time_machine.travel(NOW, tick=False)
def test_the_list_badge_and_the_page_say_the_same(client):
    closed_full = EventFactory(
        capacity=1, closes_at=NOW - dt.timedelta(hours=1), title="締切済みの講座"
    )
    Registration.objects.create(
        event=closed_full, user=UserFactory(), status=RegistrationStatus.CONFIRMED
    )
    Event.objects.filter(pk=closed_full.pk).update(confirmed_count=1)
    open_full = EventFactory(capacity=1, title="満員の講座")
    Registration.objects.create(
        event=open_full, user=UserFactory(), status=RegistrationStatus.CONFIRMED
    )
    Event.objects.filter(pk=open_full.pk).update(confirmed_count=1)
    listing = client.get("/events/").content.decode()
    closed_card = listing.split("締切済みの講座")[1].split("</li>")[0]
    open_card = listing.split("満員の講座")[1].split("</li>")[0]
    assert "満員（キャンセル待ち受付中）" not in closed_card
    assert "申込み受付終了" in closed_card
    assert "満員（キャンセル待ち受付中）" in open_card
    closed_page = client.get(f"/events/{closed_full.pk}/").content.decode()
    assert "申込み受付終了" in closed_page
    assert timezone.now() >= Event.objects.get(pk=closed_full.pk).closes_at
