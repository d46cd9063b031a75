"""Events (イベント・ボランティア募集・講座・交流会) and activity bases (活動拠点).
Reads use kyodo.events.selectors; registering and cancelling call kyodo.events.services,
which check the same rules as the website (events.add_registration,
events.cancel_registration)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from kyodo.api.auth import SIGNED_IN, caller
from kyodo.api.errors import error_responses
from kyodo.api.schemas import CodeName, IsoDate, PageQuery, code_name, page_schema
from kyodo.events import selectors, services
from kyodo.events.models import Event, Facility, Registration

router = Router(tags=["events"])
facilities_router = Router(tags=["activity bases"])


class QuestionOut(Schema):
    id: int
    label: str
    help_text: str
    required: bool
    choices: list[str]


class EventOut(Schema):
    id: int
    title: str
    kind: str = Field(description="event, volunteer, course or exchange")
    status: str = Field(description="published or cancelled")
    summary: str
    description: str
    organization: int = Field(description="id in /organizations")
    organization_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    address: str
    facility: int | None = Field(description="id in /facilities when held at an activity base")
    district: CodeName | None
    fields: list[str]
    capacity: int
    confirmed_count: int
    waitlist_count: int
    seats_left: int
    registration_opens_at: dt.datetime
    registration_closes_at: dt.datetime
    registration_open: bool
    cost_yen: int
    accessibility: str
    cancel_reason: str
    published_at: dt.datetime | None


class EventDetailOut(EventOut):
    questions: list[QuestionOut]


EventPage = page_schema(EventOut, "EventPage")


class EventFilters(Schema):
    kind: str | None = Field(None, description="event, volunteer, course or exchange")
    district: str | None = Field(None, description="district code")
    field: str | None = Field(None, description="field code")
    organization: int | None = Field(None, description="organization id")
    date_from: IsoDate | None = Field(None, description="YYYY-MM-DD")
    date_to: IsoDate | None = Field(None, description="YYYY-MM-DD")
    past: bool = Field(
        False, description="past events, latest first (default: upcoming, soonest first)"
    )


def _choices(question: Any) -> list[str]:
    raw = getattr(question, "choices", "") or ""
    return [c.strip() for c in str(raw).splitlines() if c.strip()]


def event_out(event: Event) -> dict[str, Any]:
    facility = event.room.facility if event.room_id and event.room else None
    return {
        "id": event.pk,
        "title": event.title,
        "kind": event.kind,
        "status": event.status,
        "summary": event.summary,
        "description": event.description,
        "organization": event.organization_id,
        "organization_name": event.organization.name,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "place": event.place_label,
        "address": event.place_address,
        "facility": facility.pk if facility else None,
        "district": code_name(event.district) if event.district else None,
        "fields": [f.code for f in event.fields.all()],
        "capacity": event.capacity,
        "confirmed_count": event.confirmed_count,
        "waitlist_count": event.waitlist_count,
        "seats_left": event.seats_left,
        "registration_opens_at": event.opens_at,
        "registration_closes_at": event.closes_at,
        "registration_open": event.registration_is_open(),
        "cost_yen": event.cost_yen,
        "accessibility": event.accessibility,
        "cancel_reason": event.cancel_reason,
        "published_at": event.published_at,
    }


@router.get("", response={200: EventPage, **error_responses(422, 429)})
def list_events(request: HttpRequest, filters: Query[EventFilters], page: Query[PageQuery]) -> Any:
    """Published (and cancelled) events: upcoming soonest first, or past latest first."""
    result = selectors.event_list(
        selectors.EventFilters(
            kind=filters.kind or "",
            district=filters.district or "",
            field=filters.field or "",
            date_from=filters.date_from,
            date_to=filters.date_to,
            past=filters.past,
            organization=filters.organization,
        ),
        cursor=page.cursor,
        page_size=page.limit,
    )
    return {"items": [event_out(e) for e in result.items], "next_cursor": result.next_cursor}


@router.get("/{event_id}", response={200: EventDetailOut, **error_responses(404, 429)})
def get_event(request: HttpRequest, event_id: int) -> Any:
    """One event, with the questions asked when registering."""
    event = selectors.get_event_for(caller(request), event_id)
    data = event_out(event)
    data["questions"] = [
        {
            "id": q.pk,
            "label": q.label,
            "help_text": q.help_text,
            "required": q.required,
            "choices": _choices(q),
        }
        for q in event.questions.all()
    ]
    return data


class RegistrationOut(Schema):
    id: int
    event: int
    status: str = Field(description="confirmed, waitlisted or cancelled")
    waitlist_position: int | None
    registered_at: dt.datetime
    confirmed_at: dt.datetime | None
    cancelled_at: dt.datetime | None


def registration_out(registration: Registration) -> dict[str, Any]:
    return {
        "id": registration.pk,
        "event": registration.event_id,
        "status": registration.status,
        "waitlist_position": selectors.waitlist_position(registration),
        "registered_at": registration.queued_at,
        "confirmed_at": registration.confirmed_at,
        "cancelled_at": registration.cancelled_at,
    }


# A question id as a JSON object key: digits only (what int() of the key accepts, said in the
# document so generated clients and schemathesis send only such keys).
QuestionKey = Annotated[str, Field(pattern=r"^[0-9]{1,18}$")]


class RegistrationIn(Schema):
    answers: dict[QuestionKey, str] = Field(
        default_factory=dict,
        description="question id → answer",
        json_schema_extra={"additionalProperties": False},
    )
    share_real_name: bool = False
    share_phone: bool = False


@router.get(
    "/{event_id}/registration",
    auth=SIGNED_IN,
    response={200: RegistrationOut, **error_responses(401, 404, 429)},
)
def get_my_registration(request: HttpRequest, event_id: int) -> Any:
    """Your registration for this event (404 if you have none)."""
    event = selectors.get_event_for(caller(request), event_id)
    registration = selectors.registration_of(request.auth, event)  # type: ignore[attr-defined]
    if registration is None:
        raise Http404
    return registration_out(registration)


@router.post(
    "/{event_id}/registration",
    auth=SIGNED_IN,
    response={200: RegistrationOut, **error_responses(401, 403, 404, 409, 422, 429)},
)
def register_for_event(request: HttpRequest, event_id: int, payload: RegistrationIn) -> Any:
    """Register (a seat, or the waiting list when full). Registering again returns the same
    registration."""
    event = selectors.get_event_to_register(caller(request), event_id)
    registration = services.register_for_event(
        actor=request.auth,  # type: ignore[attr-defined]
        event=event,
        answers={int(key): value for key, value in payload.answers.items()},
        share_real_name=payload.share_real_name,
        share_phone=payload.share_phone,
    )
    return registration_out(registration)


@router.delete(
    "/{event_id}/registration",
    auth=SIGNED_IN,
    response={200: RegistrationOut, **error_responses(401, 403, 404, 429)},
)
def cancel_registration(request: HttpRequest, event_id: int) -> Any:
    """Cancel your registration; a freed seat goes to the first person waiting."""
    event = selectors.get_event_for(caller(request), event_id)
    registration = selectors.registration_of(request.auth, event)  # type: ignore[attr-defined]
    if registration is None:
        raise Http404
    actor = caller(request)
    return registration_out(services.cancel_registration(actor=actor, registration=registration))


# --- Activity bases -------------------------------------------------------------------------


class RoomOut(Schema):
    id: int
    name: str
    capacity: int
    equipment: str
    accessibility: str
    fee_note: str
    is_bookable: bool


class FacilityOut(Schema):
    id: int
    name: str
    kana: str
    district: CodeName | None
    address: str
    description: str
    accessibility: str
    opening_hours: str
    phone: str
    booking_rules: str
    rooms: list[RoomOut]


FacilityPage = page_schema(FacilityOut, "FacilityPage")


def facility_out(facility: Facility) -> dict[str, Any]:
    return {
        "id": facility.pk,
        "name": facility.name,
        "kana": facility.kana,
        "district": code_name(facility.district) if facility.district else None,
        "address": facility.address,
        "description": facility.description,
        "accessibility": facility.accessibility,
        "opening_hours": facility.opening_hours,
        "phone": facility.phone,
        "booking_rules": facility.booking_rules,
        "rooms": [
            {
                "id": r.pk,
                "name": r.name,
                "capacity": r.capacity,
                "equipment": r.equipment,
                "accessibility": r.accessibility,
                "fee_note": r.fee_note,
                "is_bookable": r.is_bookable,
            }
            for r in facility.rooms.all()
        ],
    }


@facilities_router.get("", response={200: FacilityPage, **error_responses(422, 429)})
def list_facilities(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """Activity bases (活動拠点) and their rooms."""
    from kyodo.api.schemas import paginate

    return paginate(
        selectors.facility_list(),
        ordering=("kana", "id"),
        cursor=page.cursor,
        limit=page.limit,
        serialize=facility_out,
    )


@facilities_router.get("/{facility_id}", response={200: FacilityOut, **error_responses(404, 429)})
def get_facility(request: HttpRequest, facility_id: int) -> Any:
    """One activity base."""
    return facility_out(selectors.get_facility(facility_id))
