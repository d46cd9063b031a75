from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from kyodo.accounts.tests.factories import UserFactory
from kyodo.events import services
from kyodo.events.models import BookingLottery, RoomBooking
from kyodo.events.tests.factories import EventFactory, RoomFactory
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import OrganizationFactory, make_member

pytestmark = pytest.mark.django_db


def test_send_event_reminders_command():
    start = timezone.localtime(timezone.now()).replace(
        hour=14, minute=0, second=0, microsecond=0
    ) + dt.timedelta(days=1)
    event = EventFactory(
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        opens_at=start - dt.timedelta(days=5),
        closes_at=start - dt.timedelta(hours=2),
    )
    services.register_for_event(actor=UserFactory(), event=event)
    out = io.StringIO()
    call_command("send_event_reminders", stdout=out)
    assert out.getvalue().strip() == "1 reminders sent"


def test_run_booking_lottery_command_with_a_recorded_seed():
    room = RoomFactory()
    org = OrganizationFactory()
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    with time_machine.travel(dt.datetime(2026, 5, 1, 1, 0, tzinfo=dt.UTC)):
        services.request_room_booking(
            actor=rep,
            room=room,
            organization=org,
            date=dt.date(2026, 8, 5),
            slot="evening",
            purpose="総会",
            expected_people=10,
        )
    with time_machine.travel(dt.datetime(2026, 5, 2, 1, 0, tzinfo=dt.UTC)):
        out = io.StringIO()
        call_command(
            "run_booking_lottery",
            "--facility",
            str(room.facility.pk),
            "--day",
            "2026-05-01",
            "--seed",
            "s1",
            stdout=out,
        )
    assert "1 slots drawn (seed s1)" in out.getvalue()
    assert BookingLottery.objects.get().seed == "s1"
    assert RoomBooking.objects.get().status == "confirmed"


def test_journey_page_shows_the_private_calendar_address(client):
    user = UserFactory()
    client.force_login(user)
    client.post("/events/calendar/link/")
    token = user.calendar_token.token
    assert f"/events/calendar/{token}.ics" in client.get("/events/my-steps/").content.decode()
