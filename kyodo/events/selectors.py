"""Reads: event lists, fetch-and-authorise helpers, registrant lists, feedback results,
activity-base availability, and the steps of collaboration per person and city-wide."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.core.formatting import date_ja, fiscal_year_bounds, fiscal_year_of
from kyodo.core.pagination import KeysetPage, keyset_paginate
from kyodo.events.models import (
    Event,
    Facility,
    Feedback,
    Question,
    Registration,
    Room,
    RoomBooking,
    Slot,
)
from kyodo.events.rules import organising_organizations
from kyodo.events.workflow import BookingStatus, EventStatus, RegistrationStatus
from kyodo.guideline.models import District, Step
from kyodo.notifications.models import Follow
from kyodo.organizations.models import Membership, MembershipStatus
from kyodo.projects.models import AgreementParty, Evaluation, Project, Role
from kyodo.projects.workflow import ProjectStatus

# ---------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------


@dataclass
class EventFilters:
    kind: str = ""
    district: str = ""
    field: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    past: bool = False
    organization: int | None = None


def event_list(
    filters: EventFilters, *, cursor: str | None, page_size: int = 20
) -> KeysetPage[Event]:
    """Public list: upcoming events soonest first (or past events, latest first)."""
    qs = (
        Event.objects.listed()
        .select_related("organization", "district", "room__facility")
        .prefetch_related("fields")
    )
    now = timezone.now()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.district:
        qs = qs.filter(district__code=filters.district)
    if filters.field:
        qs = qs.filter(fields__code=filters.field)
    if filters.organization:
        qs = qs.filter(organization_id=filters.organization)
    if filters.date_from:
        qs = qs.filter(starts_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        qs = qs.filter(starts_at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    if filters.past:
        qs = qs.filter(ends_at__lt=now)
        ordering: tuple[str, ...] = ("-starts_at", "-id")
    else:
        qs = qs.filter(ends_at__gte=now)
        ordering = ("starts_at", "id")
    return keyset_paginate(qs, ordering=ordering, cursor=cursor, page_size=page_size)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _visible_or_404(user: Any, events: QuerySet[Event], pk: int) -> Event:
    """The event `pk` from `events` if `user` may see it (drafts only for their organisers),
    else 404."""
    try:
        event = events.get(pk=pk)
    except Event.DoesNotExist:
        raise Http404 from None
    if not user.has_perm("events.view_event", event):
        raise Http404
    return event


def get_event_for(user: Any, pk: int) -> Event:
    """The event with what its page shows, if `user` may see it, else 404."""
    return _visible_or_404(
        user,
        Event.objects.select_related(
            "organization__org_type__actor_type", "district", "room__facility"
        ).prefetch_related("fields", "questions"),
        pk,
    )


def get_event_to_register(user: Any, pk: int) -> Event:
    """What registering needs (REGISTRATION_FIELDS): lighter than get_event_for. 404 as
    get_event_for."""
    return _visible_or_404(
        user,
        Event.objects.only(*REGISTRATION_FIELDS)
        # Whether the event asks anything: most ask nothing, and then checking the answers
        # needs no query (services._clean_answers).
        .annotate(kyodo_asks_questions=Exists(Question.objects.filter(event=OuterRef("pk")))),
        pk,
    )


# What registering reads from an event (not its long texts).
REGISTRATION_FIELDS = (
    "id",
    "status",
    "title",
    "starts_at",
    "ends_at",
    "opens_at",
    "closes_at",
    "capacity",
    "confirmed_count",
    "waitlist_count",
    "place_name",
    "room",
    "organization",
    "asks_real_name",
    "asks_phone",
)


def get_managed_event_for(user: Any, pk: int) -> Event:
    event = get_event_for(user, pk)
    if not user.has_perm("events.manage_event", event):
        raise PermissionDenied
    return event


def registration_of(user: Any, event: Event) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Registration.objects.filter(event=event, user=user).first()


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    known = getattr(registration, "kyodo_waitlist_position", None)
    if known is not None:  # counted under the event's lock when the person joined the list
        return int(known)
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITLISTED
    ).filter(
        Q(queued_at__lt=registration.queued_at)
        | Q(queued_at=registration.queued_at, id__lt=registration.pk)
    )
    return ahead.count() + 1


def registrants(event: Event) -> QuerySet[Registration]:
    """Confirmed first, then the waiting list in order, then cancellations."""
    return (
        Registration.objects.filter(event=event)
        .select_related("user")
        .prefetch_related("answers")
        .order_by("status", "queued_at", "id")
    )


def feedback_summary(event: Event) -> dict[str, Any]:
    rows = Feedback.objects.filter(event=event)
    agg = rows.aggregate(mean=Avg("rating"), n=Count("id"))
    counts = dict(rows.values_list("rating").annotate(n=Count("id")).values_list("rating", "n"))
    return {
        "count": agg["n"] or 0,
        "mean": round(float(agg["mean"]), 2) if agg["mean"] is not None else None,
        "distribution": [(str(r), counts.get(r, 0)) for r in range(5, 0, -1)],
        "comments": list(
            rows.exclude(comment="").order_by("-created_at").values_list("rating", "comment")[:50]
        ),
    }


def events_of_person(user: Any) -> QuerySet[Event]:
    """For a personal calendar: events the person is confirmed or waiting for."""
    return (
        Event.objects.filter(
            registrations__user=user,
            registrations__status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
        )
        .exclude(status=EventStatus.DRAFT)
        .select_related("organization", "room__facility")
        .order_by("starts_at", "id")
    )


def my_registrations(user: Any, *, upcoming: bool = True, limit: int = 50) -> list[Registration]:
    now = timezone.now()
    qs = Registration.objects.filter(user=user).select_related(
        "event__room__facility", "event__organization"
    )
    if upcoming:
        qs = (
            qs.filter(event__ends_at__gte=now)
            .exclude(status=RegistrationStatus.CANCELLED)
            .order_by("event__starts_at", "id")
        )
    else:
        qs = qs.filter(event__ends_at__lt=now).order_by("-event__starts_at", "-id")
    return list(qs[:limit])


def events_to_rate(user: Any, limit: int = 10) -> list[Event]:
    """Past events the person took part in and has not rated yet."""
    now = timezone.now()
    return list(
        Event.objects.filter(
            status=EventStatus.PUBLISHED,
            ends_at__lt=now,
            ends_at__gte=now - dt.timedelta(days=90),
            registrations__user=user,
            registrations__status=RegistrationStatus.CONFIRMED,
        )
        .exclude(feedback__user=user)
        .order_by("-starts_at")[:limit]
    )


# ---------------------------------------------------------------------------------------
# Activity bases
# ---------------------------------------------------------------------------------------


def facility_list() -> QuerySet[Facility]:
    return (
        Facility.objects.select_related("district").prefetch_related("rooms").order_by("kana", "id")
    )


def get_facility(pk: int) -> Facility:
    try:
        return (
            Facility.objects.select_related("district", "managed_by")
            .prefetch_related("rooms")
            .get(pk=pk)
        )
    except Facility.DoesNotExist:
        raise Http404 from None


def get_room(pk: int) -> Room:
    try:
        return Room.objects.select_related("facility").get(pk=pk)
    except Room.DoesNotExist:
        raise Http404 from None


# The hours of each bookable slot, in Japan time. An event placed in a room uses every slot
# its time overlaps, so a booking and an event are compared on the same grid.
SLOT_HOURS: dict[str, tuple[dt.time, dt.time]] = {
    Slot.MORNING: (dt.time(9, 0), dt.time(12, 0)),
    Slot.AFTERNOON: (dt.time(13, 0), dt.time(17, 0)),
    Slot.EVENING: (dt.time(18, 0), dt.time(21, 30)),
}
# Events longer than this are not placed slot by slot (a multi-week exhibition does not book a
# meeting room); the event-against-event overlap check still applies to them.
MAX_SLOT_DAYS = 31


def slot_window(date: dt.date, slot: str) -> tuple[dt.datetime, dt.datetime]:
    start, end = SLOT_HOURS[slot]
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(date, start, tzinfo=tz),
        dt.datetime.combine(date, end, tzinfo=tz),
    )


def slots_of(starts_at: dt.datetime, ends_at: dt.datetime) -> list[tuple[dt.date, str]]:
    """The (Japan date, slot) pairs an event from `starts_at` to `ends_at` overlaps."""
    first = timezone.localtime(starts_at).date()
    last = timezone.localtime(ends_at).date()
    if (last - first).days > MAX_SLOT_DAYS:
        return []
    pairs = []
    day = first
    while day <= last:
        for slot in Slot.values:
            begin, end = slot_window(day, slot)
            if starts_at < end and ends_at > begin:
                pairs.append((day, slot))
        day += dt.timedelta(days=1)
    return pairs


def live_room_events(room_id: int) -> QuerySet[Event]:
    """Events that hold their room: every event not cancelled (a draft holds it too, so that
    publishing never meets a clash that was not there when the room was chosen)."""
    return Event.objects.filter(room_id=room_id).exclude(status=EventStatus.CANCELLED)


def room_slot_problem(
    *,
    room_id: int,
    date: dt.date,
    slot: str,
    organization_id: int,
    exclude_event_id: int | None = None,
    exclude_booking_id: int | None = None,
) -> str | None:
    """Why `organization` cannot take this room slot, or None. A room slot holds at most one
    confirmed use: a confirmed booking or an event placed in the room. A group's own
    booking and its own event in that slot are one use (the booking is for the event)."""
    bookings = RoomBooking.objects.filter(
        room_id=room_id, date=date, slot=slot, status=BookingStatus.CONFIRMED
    ).exclude(organization_id=organization_id)
    if exclude_booking_id is not None:
        bookings = bookings.exclude(pk=exclude_booking_id)
    if bookings.exists():
        return _("The room is already booked by another group on %(date)s (%(slot)s).") % {
            "date": date_ja(date),
            "slot": Slot(slot).label,
        }
    begin, end = slot_window(date, slot)
    events = live_room_events(room_id).filter(starts_at__lt=end, ends_at__gt=begin)
    events = events.exclude(organization_id=organization_id)
    if exclude_event_id is not None:
        events = events.exclude(pk=exclude_event_id)
    if events.exists():
        return _("The room is already used by another group's event on %(date)s (%(slot)s).") % {
            "date": date_ja(date),
            "slot": Slot(slot).label,
        }
    return None


def event_room_problem(
    *,
    room_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    organization_id: int,
    exclude_event_id: int | None = None,
) -> str | None:
    """Why an event of `organization` cannot be placed in this room at this time, or None:
    another group's confirmed booking of a slot it overlaps, or another group's event at an
    overlapping time. Called under the room's row lock by create_event and update_event."""
    for date, slot in slots_of(starts_at, ends_at):
        problem = room_slot_problem(
            room_id=room_id,
            date=date,
            slot=slot,
            organization_id=organization_id,
            exclude_event_id=exclude_event_id,
        )
        if problem:
            return problem
    others = live_room_events(room_id).filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    others = others.exclude(organization_id=organization_id)
    if exclude_event_id is not None:
        others = others.exclude(pk=exclude_event_id)
    if others.exists():
        return _("The room is already used by another group's event at that time.")
    return None


def availability(facility: Facility, start: dt.date, days: int = 14) -> list[dict[str, Any]]:
    """Per room, per day, per slot: whether it is booked (confirmed) or requested."""
    end = start + dt.timedelta(days=days)
    taken: dict[tuple[int, dt.date, str], str] = {}
    for room_id, date, slot, status in RoomBooking.objects.filter(
        room__facility=facility,
        date__gte=start,
        date__lt=end,
        status__in=[BookingStatus.CONFIRMED, BookingStatus.REQUESTED],
    ).values_list("room_id", "date", "slot", "status"):
        if taken.get((room_id, date, slot)) != BookingStatus.CONFIRMED:
            taken[(room_id, date, slot)] = status
    # An event placed in a room takes its slots as a confirmed booking does.
    for room_id, starts_at, ends_at in (
        Event.objects.filter(
            room__facility=facility,
            starts_at__lt=_start_of(end),
            ends_at__gt=_start_of(start),
        )
        .exclude(status=EventStatus.CANCELLED)
        .values_list("room_id", "starts_at", "ends_at")
    ):
        for date, slot in slots_of(starts_at, ends_at):
            taken[(room_id, date, slot)] = BookingStatus.CONFIRMED
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    rows = []
    for room in facility.rooms.all():
        rows.append(
            {
                "room": room,
                "days": [
                    {
                        "date": d,
                        "closed": facility.closed_weekday is not None
                        and d.weekday() == facility.closed_weekday,
                        "slots": [
                            (slot, taken.get((room.pk, d, slot), "")) for slot in Slot.values
                        ],
                    }
                    for d in dates
                ],
            }
        )
    return rows


def get_booking_for(user: Any, pk: int) -> RoomBooking:
    try:
        booking = RoomBooking.objects.select_related(
            "room__facility", "organization", "requested_by"
        ).get(pk=pk)
    except RoomBooking.DoesNotExist:
        raise Http404 from None
    if not user.has_perm("events.view_roombooking", booking):
        raise Http404
    return booking


def bookings_for(
    user: Any, *, status: str = "", cursor: str | None = None
) -> KeysetPage[RoomBooking]:
    """Staff see the bookings of the activity bases they run (coordinators and admins: all);
    a group's managers see their group's bookings."""
    from kyodo.organizations.predicates import active_memberships, is_admin, is_coordinator

    qs = RoomBooking.objects.select_related("room__facility", "organization", "requested_by")
    if not (is_admin(user) or is_coordinator(user)):
        org_ids = {m.organization_id for m in active_memberships(user)}
        managed = {o.pk for o in organising_organizations(user)}
        qs = qs.filter(
            Q(room__facility__managed_by_id__in=org_ids) | Q(organization_id__in=managed)
        )
    if status:
        qs = qs.filter(status=status)
    return keyset_paginate(qs, ordering=("-date", "slot", "-id"), cursor=cursor, page_size=30)


# ---------------------------------------------------------------------------------------
# The municipality's steps of collaboration (from its guideline file: how many, their names,
# and which kinds of evidence count for each, Step.evidence).
# ---------------------------------------------------------------------------------------


def _took_part_q() -> Q:
    """A registration that counts as taking part: checked in, or confirmed for a past event."""
    return Q(checked_in_at__isnull=False) | Q(
        status=RegistrationStatus.CONFIRMED,
        event__ends_at__lt=timezone.now(),
        event__status=EventStatus.PUBLISHED,
    )


# Projects whose agreement is signed (and later stages): roles in them count for 互.
AGREED_PROJECT_STATES = (
    ProjectStatus.AGREED,
    ProjectStatus.IN_PROGRESS,
    ProjectStatus.COMPLETION_REPORT,
    ProjectStatus.EVALUATION,
    ProjectStatus.CLOSED,
)


def _evidence_sources() -> dict[str, tuple[QuerySet[Any], str, str]]:
    """Per kind of evidence (guideline.loader.STEP_EVIDENCE), a queryset with (the person's
    id field, the date field).

    took_part: a registration taken part in (checked in, or confirmed for an event over).
    membership / follow: an active membership of an organization / following a project.
    role: the person in charge of a role in the role-division table of an agreed project.
    party_member: an active member of a party organization to a signed agreement of one.
    feedback / evaluation: feedback on an event / a submitted project evaluation."""
    project_type = ContentType.objects.get_for_model(Project)
    signed_parties = AgreementParty.objects.filter(
        version__agreement__signed_version=F("version"),
        version__agreement__project__status__in=AGREED_PROJECT_STATES,
    ).values("organization_id")
    return {
        "took_part": (
            Registration.objects.filter(_took_part_q()),
            "user_id",
            "event__starts_at",
        ),
        "membership": (
            Membership.objects.filter(status=MembershipStatus.ACTIVE),
            "user_id",
            "created_at",
        ),
        "follow": (Follow.objects.filter(target_type=project_type), "user_id", "created_at"),
        "role": (
            Role.objects.filter(
                person__isnull=False,
                version__agreement__project__status__in=AGREED_PROJECT_STATES,
            ),
            "person_id",
            "version__created_at",
        ),
        "party_member": (
            Membership.objects.filter(
                status=MembershipStatus.ACTIVE, organization_id__in=signed_parties
            ),
            "user_id",
            "created_at",
        ),
        "feedback": (Feedback.objects.all(), "user_id", "created_at"),
        "evaluation": (
            Evaluation.objects.filter(submitted_at__isnull=False),
            "submitted_by_id",
            "submitted_at",
        ),
    }


def _step_sources(
    steps: list[Step] | None = None,
) -> dict[str, list[tuple[QuerySet[Any], str, str]]]:
    """Per step code, in the steps' order, the evidence sources its guideline row names."""
    kinds = _evidence_sources()
    steps = steps if steps is not None else list(Step.objects.order_by("order"))
    return {s.code: [kinds[k] for k in (s.evidence or []) if k in kinds] for s in steps}


@dataclass
class JourneyStep:
    code: str
    character: str
    name: str
    headline: str
    reached: bool
    first_at: dt.datetime | None
    evidence: int
    next_label: str = ""
    next_url: str = ""


@dataclass
class Journey:
    steps: list[JourneyStep]
    next_step: JourneyStep | None
    reached_count: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _as_datetime(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min))


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def journey_for(user: Any) -> Journey:
    """The person's steps of collaboration: which are reached, when first, what to do next.

    A fixed number of queries (one aggregate per evidence source)."""
    from django.utils.translation import gettext as _

    all_steps = list(Step.objects.order_by("order"))
    sources = _step_sources(all_steps)
    # What to do next, by the first kind of evidence a step counts.
    suggestions = {
        "took_part": (_("Find an event or volunteer opening and take part"), _url("events:list")),
        "follow": (_("Join a group or follow a project"), _url("projects:list")),
        "membership": (
            _("Join a group or follow a project"),
            _url("organizations:list") or _url("projects:list"),
        ),
        "role": (
            _("Take on a role in a collaboration project"),
            _url("projects:list") or _url("calls:list"),
        ),
        "party_member": (
            _("Take on a role in a collaboration project"),
            _url("projects:list") or _url("calls:list"),
        ),
        "feedback": (_("Tell the organisers how a past event went"), _url("events:journey")),
        "evaluation": (_("Tell the organisers how a past event went"), _url("events:journey")),
    }
    steps = []
    for step in all_steps:
        first: dt.datetime | None = None
        evidence = 0
        for qs, user_field, date_field in sources.get(step.code, []):
            agg = qs.filter(**{user_field: user.pk}).aggregate(n=Count("pk"), first=Min(date_field))
            evidence += agg["n"] or 0
            when = _as_datetime(agg["first"])
            if when is not None and (first is None or when < first):
                first = when
        first_kind = next(iter(step.evidence or []), "")
        label, link = suggestions.get(first_kind, ("", ""))
        steps.append(
            JourneyStep(
                code=step.code,
                character=step.character,
                name=step.name,
                headline=step.headline,
                reached=evidence > 0,
                first_at=first,
                evidence=evidence,
                next_label=label,
                next_url=link,
            )
        )
    next_step = next((s for s in steps if not s.reached), None)
    return Journey(
        steps=steps, next_step=next_step, reached_count=sum(1 for s in steps if s.reached)
    )


@dataclass
class Funnel:
    fiscal_year: int | None
    steps: list[tuple[str, str, int]]  # (code, label, people)
    districts: list[tuple[str, list[int]]]  # district name, people per step
    months: list[tuple[str, list[int]]]  # "2026-04", people first reaching each step that month


def steps_funnel(fiscal_year: int | None = None) -> Funnel:
    """How many people reached each step (city-wide), by district and by month.

    A person counts for a step when they have evidence for it (in `fiscal_year` if given);
    the month is when they first reached it. A fixed number of queries (one per evidence
    source plus one for the people's districts), whatever the volume."""
    steps = list(Step.objects.order_by("order"))
    sources = _step_sources(steps)
    codes = list(sources)
    bounds = None
    if fiscal_year is not None:
        start, end = fiscal_year_bounds(fiscal_year)
        bounds = (_start_of(start), _start_of(end + dt.timedelta(days=1)))
    first_by_step: dict[str, dict[int, dt.date]] = {code: {} for code in codes}
    for code, items in sources.items():
        firsts = first_by_step[code]
        for qs, user_field, date_field in items:
            if bounds is not None:
                qs = qs.filter(**{f"{date_field}__gte": bounds[0], f"{date_field}__lt": bounds[1]})
            rows = (
                qs.filter(**{f"{user_field}__isnull": False})
                .values(user_field)
                .annotate(first=Min(date_field))
                .values_list(user_field, "first")
            )
            for uid, first in rows:
                if first is None:
                    continue
                if isinstance(first, dt.datetime):
                    first = (
                        timezone.localtime(first).date()
                        if timezone.is_aware(first)
                        else first.date()
                    )
                previous = firsts.get(uid)
                if previous is None or first < previous:
                    firsts[uid] = first
    people = set().union(*(set(f) for f in first_by_step.values()))
    from kyodo.accounts.models import User

    district_of = (
        dict(User.objects.filter(pk__in=people).values_list("pk", "district_id")) if people else {}
    )
    district_names = dict(District.objects.order_by("order").values_list("pk", "name"))
    labels = {s.code: f"{s.character} {s.name}" for s in steps}
    step_rows = [(code, labels.get(code, code), len(first_by_step[code])) for code in codes]
    by_district: dict[int | None, list[int]] = defaultdict(lambda: [0] * len(codes))
    by_month: dict[str, list[int]] = defaultdict(lambda: [0] * len(codes))
    for i, code in enumerate(codes):
        for uid, first in first_by_step[code].items():
            by_district[district_of.get(uid)][i] += 1
            by_month[f"{first.year:04d}-{first.month:02d}"][i] += 1
    from django.utils.translation import gettext as _

    districts = [
        (name, by_district[pk]) for pk, name in district_names.items() if pk in by_district
    ]
    if None in by_district:
        districts.append((_("District not given"), by_district[None]))
    months = sorted(by_month.items())
    if fiscal_year is None:
        months = months[-24:]
    return Funnel(fiscal_year=fiscal_year, steps=step_rows, districts=districts, months=months)


def available_fiscal_years() -> list[int]:
    first = Event.objects.listed().aggregate(first=Min("starts_at"))["first"]
    current = fiscal_year_of(timezone.localdate())
    if first is None:
        return [current]
    return list(range(current, fiscal_year_of(first) - 1, -1))


def steps_counts(fiscal_year: int | None = None) -> list[tuple[str, str, int]]:
    """The step rows of `steps_funnel` (code, label, people) without the district and month
    breakdowns, counted in the database: one COUNT over a UNION of the evidence sources per
    step. steps_funnel reads every person's first date into Python, which at ten years of a
    city (a million registrations) took ten seconds; the annual report and the home page only
    need the counts."""
    steps = list(Step.objects.order_by("order"))
    sources = _step_sources(steps)
    window: dict[str, dt.datetime] = {}
    if fiscal_year is not None:
        start, end = fiscal_year_bounds(fiscal_year)
        window = {"gte": _start_of(start), "lt": _start_of(end + dt.timedelta(days=1))}
    labels = {s.code: f"{s.character} {s.name}" for s in steps}
    rows: list[tuple[str, str, int]] = []
    for code in sources:
        parts = []
        for qs, user_field, date_field in sources.get(code, []):
            part = qs.filter(**{f"{user_field}__isnull": False})
            if date_field.count("__") == 1:
                # A date on a related row (a registration's event): select the related rows
                # in the window first (their index), so the database does not walk every
                # registration of every year.
                relation, name = date_field.rsplit("__", 1)
                related = qs.model._meta.get_field(relation).related_model
                part = part.filter(
                    **{
                        f"{relation}__in": related._default_manager.filter(
                            **{f"{name}__isnull": False},
                            **{f"{name}__{op}": value for op, value in window.items()},
                        ).values("pk")
                    }
                )
            else:
                part = part.filter(
                    **{f"{date_field}__isnull": False},
                    **{f"{date_field}__{op}": value for op, value in window.items()},
                )
            parts.append(part.order_by().values_list(user_field, flat=True))
        if not parts:
            n = 0
        elif len(parts) == 1:
            n = parts[0].distinct().count()
        else:
            n = parts[0].union(*parts[1:]).count()  # UNION: each person once
        rows.append((code, labels.get(code, code), n))
    return rows


def steps_counts_for_home() -> dict[str, int]:
    return {code: n for code, _label, n in steps_counts()}


def upcoming_count() -> int:
    return Event.objects.published().filter(starts_at__gte=timezone.now()).count()


def kind_counts(events: list[Event]) -> Counter[str]:
    return Counter(e.kind for e in events)


# ---------------------------------------------------------------------------------------
# The month calendar (issue 29): the list's filters, days in Japan time
# ---------------------------------------------------------------------------------------

CALENDAR_MAX_EVENTS = 2000
CALENDAR_FEED_MAX = 500


def _calendar_queryset(filters: EventFilters) -> QuerySet[Event]:
    qs = Event.objects.listed().select_related("organization", "district")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.district:
        qs = qs.filter(district__code=filters.district)
    if filters.field:
        qs = qs.filter(fields__code=filters.field).distinct()
    if filters.organization:
        qs = qs.filter(organization_id=filters.organization)
    return qs


@dataclass
class CalendarDay:
    day: dt.date
    in_month: bool
    events: list[Event]


def month_calendar(filters: EventFilters, month: dt.date) -> list[list[CalendarDay]]:
    """The weeks (Sunday first, as Japanese wall calendars) that show `month`, each day with
    the listed events that are on it in Japan time (an event over several days is on each).
    One query."""
    first = month.replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    start = first - dt.timedelta(days=(first.weekday() + 1) % 7)
    span = (next_month - start).days
    end = start + dt.timedelta(days=7 * -(-span // 7))
    events = list(
        _calendar_queryset(filters)
        .filter(starts_at__lt=_start_of(end), ends_at__gte=_start_of(start))
        .order_by("starts_at", "id")[:CALENDAR_MAX_EVENTS]
    )
    by_day: dict[dt.date, list[Event]] = {}
    for event in events:
        first_day = max(timezone.localtime(event.starts_at).date(), start)
        last_day = min(timezone.localtime(event.ends_at).date(), end - dt.timedelta(days=1))
        day = first_day
        while day <= last_day:
            by_day.setdefault(day, []).append(event)
            day += dt.timedelta(days=1)
    weeks: list[list[CalendarDay]] = []
    day = start
    while day < end:
        week = []
        for _i in range(7):
            week.append(CalendarDay(day, day.month == first.month, by_day.get(day, [])))
            day += dt.timedelta(days=1)
        weeks.append(week)
    return weeks


def calendar_feed_events(filters: EventFilters) -> list[Event]:
    """The iCal subscription of a filter: from 90 days ago (or date_from) onwards."""
    since = (
        _start_of(filters.date_from)
        if filters.date_from
        else timezone.now() - dt.timedelta(days=90)
    )
    qs = _calendar_queryset(filters).filter(starts_at__gte=since)
    if filters.date_to:
        qs = qs.filter(starts_at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    return list(qs.select_related("room__facility").order_by("starts_at", "id")[:CALENDAR_FEED_MAX])
