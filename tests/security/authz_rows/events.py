"""Authorization rows for kyodo.events (events, registrations, calendars, activity bases).

Insiders: `w.org` organises the events (its representative is the organiser; a plain member
is not), `w.department` runs the activity base. Rules: kyodo/events/rules.py.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from tests.security.authz_table import (
    FORBIDDEN,
    NOT_FOUND,
    Row,
    World,
    only,
    public,
    signed_in,
)


def _registrant(w: World) -> Any:
    """A resident (no role of the matrix) who registered for the event and shares data."""
    if "event_registrant" not in w.objects:
        from kyodo.accounts.tests.factories import UserFactory

        w.objects["event_registrant"] = UserFactory()
    return w.objects["event_registrant"]


def _event(w: World) -> Any:
    """A published event of `w.org`, registration open, with a question and registrants."""
    if "event" not in w.objects:
        from kyodo.events import services
        from kyodo.events.tests.factories import EventFactory

        organiser = w.users["representative"]
        event = EventFactory(organization=w.org, asks_real_name=True)
        services.add_question(
            actor=organiser, event=event, label="アレルギーはありますか", required=False
        )
        question = event.questions.get()
        registration = services.register_for_event(
            actor=_registrant(w),
            event=event,
            answers={question.pk: "そばアレルギー"},
            share_real_name=True,
        )
        services.register_for_event(actor=w.users["resident"], event=event)
        w.objects["event"] = event
        w.objects["event_question"] = question
        w.objects["event_registration"] = registration
    return w.objects["event"]


def _draft_event(w: World) -> Any:
    if "draft_event" not in w.objects:
        from kyodo.events.tests.factories import EventFactory
        from kyodo.events.workflow import EventStatus

        w.objects["draft_event"] = EventFactory(organization=w.org, status=EventStatus.DRAFT)
    return w.objects["draft_event"]


def _past_event(w: World) -> Any:
    """An event that is over; the plain member took part (may give feedback)."""
    if "past_event" not in w.objects:
        from django.utils import timezone

        from kyodo.events.models import Registration
        from kyodo.events.tests.factories import EventFactory
        from kyodo.events.workflow import RegistrationStatus

        start = timezone.now() - dt.timedelta(days=3)
        event = EventFactory(
            organization=w.org,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            opens_at=start - dt.timedelta(days=10),
            closes_at=start - dt.timedelta(hours=1),
        )
        Registration.objects.create(
            event=event,
            user=w.users["member"],
            status=RegistrationStatus.CONFIRMED,
            queued_at=start - dt.timedelta(days=5),
            confirmed_at=start - dt.timedelta(days=5),
        )
        w.objects["past_event"] = event
    return w.objects["past_event"]


def _calendar_token(w: World) -> Any:
    if "calendar_token" not in w.objects:
        from kyodo.events import services

        w.objects["calendar_token"] = services.calendar_token_for(actor=w.users["member"])
    return w.objects["calendar_token"]


def _facility(w: World) -> Any:
    """An activity base run by `w.department`, with one bookable room."""
    if "facility" not in w.objects:
        from kyodo.events.tests.factories import FacilityFactory, RoomFactory

        facility = FacilityFactory(managed_by=w.department)
        w.objects["facility"] = facility
        w.objects["room"] = RoomFactory(facility=facility)
    return w.objects["facility"]


def _room(w: World) -> Any:
    _facility(w)
    return w.objects["room"]


def _booking(w: World) -> Any:
    """A request by `w.org` (asked by its representative), waiting for the staff."""
    if "booking" not in w.objects:
        from django.utils import timezone

        from kyodo.events.models import RoomBooking, Slot

        w.objects["booking"] = RoomBooking.objects.create(
            room=_room(w),
            date=timezone.localdate() + dt.timedelta(days=20),
            slot=Slot.EVENING,
            organization=w.org,
            requested_by=w.users["representative"],
            purpose="定例会",
            expected_people=8,
        )
    return w.objects["booking"]


EVENT = lambda w: {"pk": _event(w).pk}  # noqa: E731
DRAFT = lambda w: {"pk": _draft_event(w).pk}  # noqa: E731
ORGANISER = only("representative", "admin")

ROWS: dict[str, Row] = {
    "events:list": Row(public()),
    "events:calendar": Row(public()),
    "events:ical-list": Row(public()),
    "events:steps-stats": Row(public()),
    "events:facility-list": Row(public()),
    "events:facility-detail": Row(public(), kwargs=lambda w: {"pk": _facility(w).pk}),
    "events:journey": Row(signed_in()),
    "events:calendar-token": Row(signed_in(), method="POST"),
    # Creating: group managers and department staff (for their own organization).
    "events:create": Row(
        only("representative", "other_rep", "other_staff", "coordinator", "admin")
    ),
    # A draft is known only to its organisers.
    "events:detail": Row(
        only("representative", "admin", refused=NOT_FOUND, anonymous=NOT_FOUND),
        kwargs=DRAFT,
        note="a draft; published events are public (test_authz_states_b)",
    ),
    "events:ical-event": Row(
        only("representative", "admin", refused=NOT_FOUND, anonymous=NOT_FOUND), kwargs=DRAFT
    ),
    "events:publish": Row(
        only("representative", "admin", refused=NOT_FOUND), method="POST", kwargs=DRAFT
    ),
    # The organiser's pages of a published event: a plain member of the group is refused.
    "events:edit": Row(ORGANISER, kwargs=EVENT),
    "events:manage": Row(ORGANISER, kwargs=EVENT, note="registrants' answers: personal data"),
    "events:export": Row(ORGANISER, kwargs=EVENT, note="registrants' real names where they agreed"),
    "events:question-delete": Row(
        ORGANISER,
        method="POST",
        kwargs=lambda w: {"pk": _event(w).pk, "question_pk": w.objects["event_question"].pk},
    ),
    "events:check-in": Row(
        ORGANISER,
        method="POST",
        kwargs=lambda w: {
            "pk": _event(w).pk,
            "registration_pk": w.objects["event_registration"].pk,
        },
    ),
    "events:register": Row(signed_in(), method="POST", kwargs=EVENT),
    # Only your own registration can be cancelled here (the resident has one).
    "events:registration-cancel": Row(
        only("resident", refused=NOT_FOUND), method="POST", kwargs=EVENT
    ),
    # Satisfaction: only people who took part (the member), after the event.
    "events:feedback": Row(
        only("member"),
        method="POST",
        kwargs=lambda w: {"pk": _past_event(w).pk},
        data=lambda w: {"rating": "4", "comment": "楽しかった"},
    ),
    "events:ical-organization": Row(public(), kwargs=lambda w: {"org_pk": w.org.pk}),
    # The token in the URL is the key: whoever has the link gets the feed.
    "events:ical-person": Row(public(), kwargs=lambda w: {"token": _calendar_token(w).token}),
    # Activity bases: verified groups' managers ask; the base's staff decide.
    "events:booking-request": Row(
        only("representative", "other_rep", "admin"), kwargs=lambda w: {"room_pk": _room(w).pk}
    ),
    "events:booking-list": Row(only("representative", "other_rep", "coordinator", "admin")),
    "events:booking-decide": Row(
        {
            **only("coordinator", "admin", refused=NOT_FOUND),
            "representative": FORBIDDEN,
        },
        method="POST",
        kwargs=lambda w: {"pk": _booking(w).pk, "action": "confirm"},
        note="the requesting group sees its booking but cannot confirm it",
    ),
    "events:booking-lottery": Row(
        only("coordinator", "admin"),
        method="POST",
        data=lambda w: {
            "facility": _facility(w).pk,
            "opening_day": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
        },
    ),
}


def _json(w: World) -> str:
    """The test client sends the body as is: a JSON text."""
    return json.dumps({"share_real_name": False})


API_ROWS: dict[str, Row] = {
    "GET /api/v1/events/{event_id}": Row(
        only("representative", "admin", refused=NOT_FOUND, anonymous=NOT_FOUND),
        kwargs=lambda w: {"event_id": _draft_event(w).pk},
        note="a draft",
    ),
    "GET /api/v1/events/{event_id}/registration": Row(
        only("resident", refused=NOT_FOUND),
        kwargs=lambda w: {"event_id": _event(w).pk},
        note="your own registration only",
    ),
    "POST /api/v1/events/{event_id}/registration": Row(
        signed_in(),
        method="POST",
        kwargs=lambda w: {"event_id": _event(w).pk},
        body=_json,
        content_type="application/json",
    ),
    "DELETE /api/v1/events/{event_id}/registration": Row(
        only("resident", refused=NOT_FOUND),
        method="DELETE",
        kwargs=lambda w: {"event_id": _event(w).pk},
    ),
    "GET /api/v1/facilities/{facility_id}": Row(
        public(), kwargs=lambda w: {"facility_id": _facility(w).pk}
    ),
}
