"""Every write about events, registrations, feedback and room bookings.

Seats are never overbooked: a registration locks the event row (`select_for_update`; on
SQLite the IMMEDIATE transaction already holds the write lock), counts the confirmed
registrations inside the transaction, and updates the counter that the
`events_event_never_overbooked` CheckConstraint guards.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.core.audit import record_event
from kyodo.core.formatting import date_ja, datetime_ja
from kyodo.core.hooks import content_changed
from kyodo.events import selectors
from kyodo.events.models import (
    Answer,
    BookingLottery,
    CalendarToken,
    Event,
    Facility,
    Feedback,
    Question,
    Registration,
    Room,
    RoomBooking,
)
from kyodo.events.rules import can_organise_for, took_part
from kyodo.events.selectors import REGISTRATION_FIELDS
from kyodo.events.workflow import (
    BOOKING_TRANSITIONS,
    EVENT_TRANSITIONS,
    BookingStatus,
    EventStatus,
    RegistrationStatus,
    can_transition,
)
from kyodo.guideline.models import Field
from kyodo.notifications.services import notify
from kyodo.organizations.models import Organization
from kyodo.organizations.predicates import manages

EVENT_FIELDS = (
    "title",
    "kind",
    "project",
    "summary",
    "description",
    "starts_at",
    "ends_at",
    "room",
    "place_name",
    "address",
    "district",
    "capacity",
    "opens_at",
    "closes_at",
    "accessibility",
    "cost_yen",
    "asks_real_name",
    "asks_phone",
)


def _require(actor: Any, perm: str, obj: Any = None) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def _event_url(event: Event) -> str:
    return reverse("events:detail", args=[event.pk])


# ---------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------


def _validate_event(values: Mapping[str, Any]) -> None:
    errors: dict[str, str] = {}
    starts, ends = values.get("starts_at"), values.get("ends_at")
    opens, closes = values.get("opens_at"), values.get("closes_at")
    if starts and ends and ends < starts:
        errors["ends_at"] = _("The end must be after the start.")
    if opens and closes and closes <= opens:
        errors["closes_at"] = _("Registration must close after it opens.")
    if closes and ends and closes > ends:
        errors["closes_at"] = _("Registration must close before the event ends.")
    project = values.get("project")
    organization = values.get("organization")
    if (
        project is not None
        and organization is not None
        and not project.partners.filter(organization=organization).exists()
    ):
        errors["project"] = _("Choose a project your organization takes part in.")
    if not values.get("room") and not values.get("place_name"):
        errors["place_name"] = _("Choose a room at an activity base or enter the place.")
    if errors:
        raise ValidationError(errors)


def _hold_room(event: Event) -> None:
    """Under the room's row lock (the same lock a booking takes), refuse an event whose room
    slot is already used by another group: a room slot holds at most one confirmed use."""
    if event.room_id is None or event.status == EventStatus.CANCELLED:
        return
    Room.objects.select_for_update().get(pk=event.room_id)
    problem = selectors.event_room_problem(
        room_id=event.room_id,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        organization_id=event.organization_id,
        exclude_event_id=event.pk,
    )
    if problem:
        raise ValidationError({"room": problem})


def create_event(
    *,
    actor: User,
    organization: Organization,
    values: Mapping[str, Any],
    fields: Iterable[Field] = (),
) -> Event:
    """A draft event organised by `organization` (`values` holds the EVENT_FIELDS)."""
    _require(actor, "events.add_event")
    if not (actor.is_superuser or can_organise_for(actor, organization)):
        raise PermissionDenied
    _validate_event({**values, "organization": organization})
    with transaction.atomic():
        event = Event(organization=organization, created_by=actor, status=EventStatus.DRAFT)
        for name in EVENT_FIELDS:
            if name in values:
                setattr(event, name, values[name])
        if event.room is not None and event.district_id is None:
            event.district_id = event.room.facility.district_id
        event.full_clean(exclude=["created_by"])
        _hold_room(event)
        event.save()
        event.fields.set(list(fields))
        record_event(actor=actor, verb="events.event.create", target=event, to_state=event.status)
        content_changed(event)
    return event


def update_event(
    *, actor: User, event: Event, values: Mapping[str, Any], fields: Iterable[Field] | None = None
) -> Event:
    """Change an event's details. A bigger capacity moves people up from the waiting list."""
    _require(actor, "events.change_event", event)
    _validate_event({**values, "organization": event.organization})
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        confirmed = locked.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        new_capacity = values.get("capacity", locked.capacity)
        if new_capacity < confirmed:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(n)d people are already confirmed: the capacity cannot be lower than that."
                    )
                    % {"n": confirmed}
                }
            )
        changed = []
        for name in EVENT_FIELDS:
            if name in values and getattr(locked, name) != values[name]:
                setattr(locked, name, values[name])
                changed.append(name)
        locked.full_clean(exclude=["created_by"])
        if {"room", "starts_at", "ends_at"} & set(changed):
            _hold_room(locked)
        locked.save()
        if fields is not None:
            locked.fields.set(list(fields))
        record_event(
            actor=actor, verb="events.event.update", target=locked, data={"changed": changed}
        )
        _fill_from_waitlist(locked, actor=actor)
        content_changed(locked)
    return locked


def publish_event(*, actor: User, event: Event) -> Event:
    _require(actor, "events.publish_event", event)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if not can_transition(EVENT_TRANSITIONS, locked.status, EventStatus.PUBLISHED):
            raise ValidationError(_("This event cannot be published."))
        previous = locked.status
        locked.status = EventStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        record_event(
            actor=actor,
            verb="events.event.publish",
            target=locked,
            from_state=previous,
            to_state=locked.status,
        )
        content_changed(locked)
    return locked


def cancel_event(*, actor: User, event: Event, reason: str) -> Event:
    """Cancel the event and tell everyone who registered (confirmed or waiting)."""
    _require(actor, "events.cancel_event", event)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the event is cancelled.")})
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if not can_transition(EVENT_TRANSITIONS, locked.status, EventStatus.CANCELLED):
            raise ValidationError(_("This event is already cancelled."))
        previous = locked.status
        locked.status = EventStatus.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.cancel_reason = reason.strip()[:200]
        locked.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        record_event(
            actor=actor,
            verb="events.event.cancel",
            target=locked,
            from_state=previous,
            to_state=locked.status,
            data={"reason": locked.cancel_reason},
        )
        people = User.objects.filter(
            event_registrations__event=locked,
            event_registrations__status__in=[
                RegistrationStatus.CONFIRMED,
                RegistrationStatus.WAITLISTED,
            ],
        )
        notify(
            recipients=people,
            kind="events.event_cancelled",
            subject=_("Cancelled: %(title)s") % {"title": locked.title},
            body=_("The event on %(when)s has been cancelled. Reason: %(reason)s")
            % {"when": datetime_ja(locked.starts_at), "reason": locked.cancel_reason},
            url=_event_url(locked),
            always_email=True,
        )
        content_changed(locked)
    return locked


def add_question(
    *,
    actor: User,
    event: Event,
    label: str,
    help_text: str = "",
    required: bool = False,
    choices: str = "",
) -> Question:
    _require(actor, "events.change_event", event)
    if not label.strip():
        raise ValidationError({"label": _("Enter the question.")})
    with transaction.atomic():
        order = (
            event.questions.order_by("-order").values_list("order", flat=True).first() or 0
        ) + 1
        question = Question.objects.create(
            event=event,
            order=order,
            label=label.strip(),
            help_text=help_text.strip(),
            required=required,
            choices=choices.strip(),
        )
        record_event(
            actor=actor, verb="events.question.add", target=event, data={"question": question.label}
        )
    return question


def remove_question(*, actor: User, question: Question) -> None:
    _require(actor, "events.change_event", question.event)
    with transaction.atomic():
        record_event(
            actor=actor,
            verb="events.question.remove",
            target=question.event,
            data={"question": question.label},
        )
        question.delete()


# ---------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------


def _clean_answers(event: Event, answers: Mapping[int, str]) -> dict[int, str]:
    cleaned: dict[int, str] = {}
    errors: dict[str, str] = {}
    if getattr(event, "kyodo_asks_questions", None) is False:
        return cleaned  # selectors.get_event_to_register found no questions: nothing to check
    for question in event.questions.all():
        value = str(answers.get(question.pk, "") or "").strip()
        if question.required and not value:
            errors[f"q{question.pk}"] = _("Answer this question.")
        elif value and question.choice_list and value not in question.choice_list:
            errors[f"q{question.pk}"] = _("Choose one of the options.")
        cleaned[question.pk] = value[:2000]
    if errors:
        raise ValidationError(errors)
    return cleaned


def register_for_event(
    *,
    actor: User,
    event: Event,
    answers: Mapping[int, str] | None = None,
    share_real_name: bool = False,
    share_phone: bool = False,
) -> Registration:
    """Confirm a seat while seats remain, otherwise join the waiting list.

    Idempotent: registering twice returns the same registration."""
    _require(actor, "events.add_registration", event)
    if not event.registration_is_open():
        raise ValidationError(_("Registration for this event is not open."))
    # Validated before the lock: the write transaction (one at a time on SQLite) holds only
    # what must be decided under it.
    cleaned = _clean_answers(event, answers or {})
    # What the notification says about the event, worked out before the lock too.
    when, place, url = datetime_ja(event.starts_at), event.place_label, _event_url(event)
    with transaction.atomic():
        locked = Event.objects.select_for_update().only(*REGISTRATION_FIELDS).get(pk=event.pk)
        # Counted in a statement of its own, after the lock: on PostgreSQL a statement sees
        # the data as of its start, so counts read in the locking statement itself would miss
        # the registration of the transaction it waited for (measured: overbooking).
        # One query: the seats taken, the waiting list, and whether this person registered.
        counts = Registration.objects.filter(event=locked).aggregate(
            confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
            waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
            mine=Max("pk", filter=Q(user=actor)),
        )
        existing = Registration.objects.get(pk=counts["mine"]) if counts["mine"] else None
        if existing is not None and existing.status != RegistrationStatus.CANCELLED:
            return existing
        if not locked.registration_is_open():
            raise ValidationError(_("Registration for this event is not open."))
        confirmed, waiting = counts["confirmed"], counts["waiting"]
        now = timezone.now()
        seat = confirmed < locked.capacity
        status = RegistrationStatus.CONFIRMED if seat else RegistrationStatus.WAITLISTED
        registration = existing or Registration(event=locked, user=actor)
        previous = registration.status if existing else ""
        registration.status = status
        registration.queued_at = now
        registration.confirmed_at = now if seat else None
        registration.cancelled_at = None
        registration.share_real_name = bool(share_real_name and locked.asks_real_name)
        registration.share_phone = bool(share_phone and locked.asks_phone)
        registration.save()
        if existing is not None:
            Answer.objects.filter(registration=registration).delete()
        given = [
            Answer(registration=registration, question_id=qid, value=v)
            for qid, v in cleaned.items()
            if v
        ]
        if given:
            Answer.objects.bulk_create(given)
        locked.confirmed_count = confirmed + (1 if seat else 0)
        locked.waitlist_count = waiting + (0 if seat else 1)
        locked.save(update_fields=["confirmed_count", "waitlist_count"])
        record_event(
            actor=actor,
            verb="events.registration.create",
            target=registration,
            from_state=previous,
            to_state=status,
        )
        if seat:
            subject = _("Your place is confirmed: %(title)s") % {"title": locked.title}
            body = _("You are registered for %(title)s on %(when)s at %(place)s.") % {
                "title": locked.title,
                "when": when,
                "place": place,
            }
        else:
            registration.kyodo_waitlist_position = waiting + 1  # type: ignore[attr-defined]
            subject = _("You are on the waiting list: %(title)s") % {"title": locked.title}
            body = _(
                "The event is full. You are number %(n)d on the waiting list; we will tell you if a place frees up."
            ) % {"n": waiting + 1}
        notify(
            recipients=[actor],
            kind="events.registration",
            subject=subject,
            body=body,
            url=url,
            always_email=True,
        )
    return registration


def _fill_from_waitlist(event: Event, *, actor: User | None) -> list[Registration]:
    """Move people up from the waiting list while seats remain. `event` must be locked."""
    if event.status != EventStatus.PUBLISHED or event.starts_at <= timezone.now():
        return []
    confirmed = Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED
    ).count()
    free = event.capacity - confirmed
    promoted: list[Registration] = []
    if free > 0:
        promoted = list(
            Registration.objects.select_for_update()
            .filter(event=event, status=RegistrationStatus.WAITLISTED)
            .select_related("user")
            .order_by("queued_at", "id")[:free]
        )
    now = timezone.now()
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        record_event(
            actor=actor,
            verb="events.registration.promote",
            target=registration,
            from_state=RegistrationStatus.WAITLISTED,
            to_state=RegistrationStatus.CONFIRMED,
        )
        notify(
            recipients=[registration.user],
            kind="events.registration_promoted",
            subject=_("A place has freed up: %(title)s") % {"title": event.title},
            body=_("You have moved up from the waiting list. Your place on %(when)s is confirmed.")
            % {"when": datetime_ja(event.starts_at)},
            url=_event_url(event),
            always_email=True,
        )
    event.confirmed_count = confirmed + len(promoted)
    event.waitlist_count = Registration.objects.filter(
        event=event, status=RegistrationStatus.WAITLISTED
    ).count()
    event.save(update_fields=["confirmed_count", "waitlist_count"])
    return promoted


def cancel_registration(*, actor: User, registration: Registration) -> Registration:
    """Cancel (idempotent). A freed seat goes to the first person on the waiting list."""
    _require(actor, "events.cancel_registration", registration)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status == RegistrationStatus.CANCELLED:
            return locked
        previous = locked.status
        locked.status = RegistrationStatus.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["status", "cancelled_at"])
        record_event(
            actor=actor,
            verb="events.registration.cancel",
            target=locked,
            from_state=previous,
            to_state=locked.status,
        )
        _fill_from_waitlist(event, actor=actor)
        if event.status != EventStatus.PUBLISHED or event.starts_at <= timezone.now():
            event.confirmed_count = event.registrations.filter(
                status=RegistrationStatus.CONFIRMED
            ).count()
            event.waitlist_count = event.registrations.filter(
                status=RegistrationStatus.WAITLISTED
            ).count()
            event.save(update_fields=["confirmed_count", "waitlist_count"])
    return locked


def check_in(*, actor: User, registration: Registration, present: bool = True) -> Registration:
    """Mark a confirmed registrant as present (or undo it)."""
    _require(actor, "events.checkin_registration", registration)
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status != RegistrationStatus.CONFIRMED:
            raise ValidationError(_("Only people with a confirmed place can be checked in."))
        if present and locked.checked_in_at is None:
            locked.checked_in_at = timezone.now()
            locked.checked_in_by = actor
        elif not present:
            locked.checked_in_at = None
            locked.checked_in_by = None
        locked.save(update_fields=["checked_in_at", "checked_in_by"])
        record_event(
            actor=actor,
            verb="events.registration.check_in",
            target=locked,
            data={"present": present},
        )
    return locked


def message_registrants(
    *, actor: User, event: Event, subject: str, body: str, include_waitlist: bool = False
) -> int:
    """Send a message to the confirmed registrants (and the waiting list if asked)."""
    _require(actor, "events.message_registration", event)
    if not subject.strip() or not body.strip():
        raise ValidationError(_("Enter a subject and a message."))
    statuses = [RegistrationStatus.CONFIRMED]
    if include_waitlist:
        statuses.append(RegistrationStatus.WAITLISTED)
    with transaction.atomic():
        people = User.objects.filter(
            event_registrations__event=event, event_registrations__status__in=statuses
        )
        sent = notify(
            recipients=people,
            kind="events.message",
            subject=f"[{event.title}] {subject.strip()}"[:200],
            body=body.strip(),
            url=_event_url(event),
            exclude=actor,
        )
        record_event(
            actor=actor,
            verb="events.event.message",
            target=event,
            data={"subject": subject.strip()[:200], "recipients": len(sent)},
        )
    return len(sent)


def send_event_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind confirmed registrants of tomorrow's events (once each). Run daily."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    end = start + dt.timedelta(days=1)
    sent = 0
    with transaction.atomic():
        due = list(
            Registration.objects.select_for_update(of=("self",))
            .filter(
                event__status=EventStatus.PUBLISHED,
                event__starts_at__gte=start,
                event__starts_at__lt=end,
                status=RegistrationStatus.CONFIRMED,
                reminded_at__isnull=True,
            )
            .select_related("event", "event__room__facility", "user")
            .order_by("event_id", "id")
        )
        for registration in due:
            event = registration.event
            notify(
                recipients=[registration.user],
                kind="events.reminder",
                subject=_("Tomorrow: %(title)s") % {"title": event.title},
                body=_("A reminder: %(title)s starts at %(when)s, at %(place)s.")
                % {
                    "title": event.title,
                    "when": datetime_ja(event.starts_at),
                    "place": event.place_label,
                },
                url=_event_url(event),
                always_email=True,
            )
            sent += 1
        Registration.objects.filter(pk__in=[r.pk for r in due]).update(reminded_at=now)
        if sent:
            record_event(
                actor=None,
                verb="events.reminders.send",
                data={"date": tomorrow.isoformat(), "sent": sent},
            )
    return sent


def give_feedback(*, actor: User, event: Event, rating: int, comment: str = "") -> Feedback:
    """Satisfaction after the event, once per person (a second time updates it)."""
    _require(actor, "events.add_feedback", event)
    if not took_part(actor, event):
        # Superusers pass every rule: a rating still has to come from a participant.
        raise PermissionDenied
    if rating not in range(1, 6):
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")})
    with transaction.atomic():
        feedback, created = Feedback.objects.select_for_update().get_or_create(
            event=event, user=actor, defaults={"rating": rating, "comment": comment.strip()}
        )
        if not created:
            feedback.rating = rating
            feedback.comment = comment.strip()
            feedback.save(update_fields=["rating", "comment"])
        record_event(
            actor=actor,
            verb="events.feedback.give",
            target=event,
            data={"rating": rating, "updated": not created},
        )
    return feedback


def calendar_token_for(*, actor: User, renew: bool = False) -> CalendarToken:
    """The person's private calendar feed token; `renew` replaces it (old links stop working)."""
    with transaction.atomic():
        token, created = CalendarToken.objects.get_or_create(user=actor)
        if renew and not created:
            token.token = secrets.token_urlsafe(24)
            token.save(update_fields=["token"])
            record_event(actor=actor, verb="events.calendar_token.renew", target=token)
    return token


def release_registrations_of(user: User) -> None:
    """Account deletion: cancel the person's future registrations, so others move up."""
    now = timezone.now()
    for registration in Registration.objects.filter(
        user=user,
        event__starts_at__gt=now,
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
    ).select_related("event"):
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=registration.event_id)
            Registration.objects.filter(pk=registration.pk).update(
                status=RegistrationStatus.CANCELLED, cancelled_at=now
            )
            record_event(
                actor=None,
                verb="events.registration.cancel",
                target=registration,
                from_state=registration.status,
                to_state=RegistrationStatus.CANCELLED,
                data={"reason": "account deleted"},
            )
            _fill_from_waitlist(event, actor=None)


# ---------------------------------------------------------------------------------------
# Activity bases
# ---------------------------------------------------------------------------------------


def request_room_booking(
    *,
    actor: User,
    room: Room,
    organization: Organization,
    date: dt.date,
    slot: str,
    purpose: str,
    expected_people: int,
) -> RoomBooking:
    """A registered group asks for a room slot. Requests made on the opening day of the
    booking window wait for that day's lottery; later ones wait for a staff decision."""
    _require(actor, "events.add_roombooking", room)
    if (
        not manages(actor, organization)
        or not organization.is_verified
        or organization.is_department
    ):
        raise PermissionDenied
    facility = room.facility
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not room.is_bookable:
        errors["room"] = _("This room cannot be booked by groups.")
    if expected_people > room.capacity:
        errors["expected_people"] = _("The room holds at most %(n)d people.") % {"n": room.capacity}
    if date <= today:
        errors["date"] = _("Choose a date from tomorrow onwards.")
    elif facility.closed_weekday is not None and date.weekday() == facility.closed_weekday:
        errors["date"] = _("The activity base is closed on that day of the week.")
    else:
        opens_on = facility.window_opens_on(date)
        if today < opens_on:
            errors["date"] = _("Requests for this date can be made from %(day)s.") % {
                "day": date_ja(opens_on)
            }
    if not purpose.strip():
        errors["purpose"] = _("Say what the room is for.")
    if errors:
        raise ValidationError(errors)
    opens_on = facility.window_opens_on(date)
    with transaction.atomic():
        Room.objects.select_for_update().get(pk=room.pk)
        if RoomBooking.objects.filter(
            room=room, date=date, slot=slot, status=BookingStatus.CONFIRMED
        ).exists():
            raise ValidationError(
                _("This slot is already booked. Choose another date, slot or room.")
            )
        problem = selectors.room_slot_problem(
            room_id=room.pk, date=date, slot=slot, organization_id=organization.pk
        )
        if problem:
            raise ValidationError(problem)
        try:
            with transaction.atomic():
                booking = RoomBooking.objects.create(
                    room=room,
                    date=date,
                    slot=slot,
                    organization=organization,
                    requested_by=actor,
                    purpose=purpose.strip()[:200],
                    expected_people=expected_people,
                    lottery_day=opens_on if today == opens_on else None,
                )
        except IntegrityError:
            raise ValidationError(_("Your group has already asked for this slot.")) from None
        record_event(
            actor=actor,
            verb="events.roombooking.request",
            target=booking,
            to_state=booking.status,
            data={"lottery_day": opens_on.isoformat() if booking.in_lottery else None},
        )
    return booking


def _decide(
    booking: RoomBooking,
    *,
    actor: User | None,
    to_state: str,
    note: str = "",
    lottery: BookingLottery | None = None,
) -> RoomBooking:
    previous = booking.status
    if not can_transition(BOOKING_TRANSITIONS, previous, to_state):
        raise ValidationError(_("This request has already been decided."))
    booking.status = to_state
    booking.decided_at = timezone.now()
    booking.decided_by = actor
    booking.decision_note = note[:200]
    if lottery is not None:
        booking.lottery = lottery
    try:
        with transaction.atomic():
            booking.save(
                update_fields=[
                    "status",
                    "decided_at",
                    "decided_by",
                    "decision_note",
                    "lottery",
                    "updated_at",
                ]
            )
    except IntegrityError:
        raise ValidationError(_("This slot is already booked by another group.")) from None
    record_event(
        actor=actor,
        verb=f"events.roombooking.{to_state}",
        target=booking,
        from_state=previous,
        to_state=to_state,
        data={"note": note[:200]} if note else None,
    )
    labels: dict[str, str] = {
        BookingStatus.CONFIRMED: _("Your room booking is confirmed"),
        BookingStatus.REFUSED: _("Your room booking request was refused"),
        BookingStatus.LOST_LOTTERY: _("Your room booking request was not drawn in the lottery"),
        BookingStatus.CANCELLED: _("A room booking was cancelled"),
    }
    if booking.requested_by is not None:
        notify(
            recipients=[booking.requested_by],
            kind="events.room_booking",
            subject=f"{labels.get(to_state, '')}: {booking.room} {date_ja(booking.date)}",
            body=note,
            url=reverse("events:booking-list"),
            always_email=True,
            exclude=actor,
        )
    return booking


def confirm_room_booking(*, actor: User, booking: RoomBooking) -> RoomBooking:
    """Staff confirm a request; other requests for the same slot are refused."""
    _require(actor, "events.confirm_roombooking", booking)
    with transaction.atomic():
        Room.objects.select_for_update().get(pk=booking.room_id)
        locked = (
            RoomBooking.objects.select_for_update(of=("self",))
            .select_related("room", "requested_by")
            .get(pk=booking.pk)
        )
        if locked.in_lottery and locked.lottery_id is None:
            raise ValidationError(
                _("This request was made on the opening day and is decided by the lottery.")
            )
        problem = selectors.room_slot_problem(
            room_id=locked.room_id,
            date=locked.date,
            slot=locked.slot,
            organization_id=locked.organization_id,
            exclude_booking_id=locked.pk,
        )
        if problem:
            raise ValidationError(problem)
        _decide(locked, actor=actor, to_state=BookingStatus.CONFIRMED)
        for other in (
            RoomBooking.objects.select_for_update(of=("self",))
            .select_related("room", "requested_by")
            .filter(
                room_id=locked.room_id,
                date=locked.date,
                slot=locked.slot,
                status=BookingStatus.REQUESTED,
            )
        ):
            _decide(
                other,
                actor=actor,
                to_state=BookingStatus.REFUSED,
                note=_("The slot was given to another group."),
            )
    return locked


def refuse_room_booking(*, actor: User, booking: RoomBooking, note: str) -> RoomBooking:
    _require(actor, "events.refuse_roombooking", booking)
    if not note.strip():
        raise ValidationError({"note": _("Say why the request is refused.")})
    with transaction.atomic():
        locked = (
            RoomBooking.objects.select_for_update(of=("self",))
            .select_related("room", "requested_by")
            .get(pk=booking.pk)
        )
        return _decide(locked, actor=actor, to_state=BookingStatus.REFUSED, note=note.strip())


def cancel_room_booking(*, actor: User, booking: RoomBooking) -> RoomBooking:
    _require(actor, "events.cancel_roombooking", booking)
    with transaction.atomic():
        locked = (
            RoomBooking.objects.select_for_update(of=("self",))
            .select_related("room", "requested_by")
            .get(pk=booking.pk)
        )
        return _decide(locked, actor=actor, to_state=BookingStatus.CANCELLED)


def run_booking_lottery(
    *, actor: User | None, facility: Facility, opening_day: dt.date, seed: str | None = None
) -> BookingLottery:
    """Decide the requests made on `opening_day` by a recorded, seeded random draw.

    Per (room, date, slot) the requests are ordered by id, shuffled with
    random.Random(f"{seed}:{room}:{date}:{slot}"), and the first one drawn wins. The seed
    and the full drawn order are stored, so anyone can repeat the draw. Runs once per
    facility and opening day, after that day is over. `actor` None is the scheduled task."""
    if actor is not None:
        _require(actor, "events.run_bookinglottery", facility)
    if opening_day >= timezone.localdate():
        raise ValidationError(_("The lottery is drawn after the opening day is over."))
    seed = seed or secrets.token_hex(8)
    with transaction.atomic():
        Facility.objects.select_for_update().get(pk=facility.pk)
        if BookingLottery.objects.filter(facility=facility, opening_day=opening_day).exists():
            raise ValidationError(_("The lottery for this day has already been drawn."))
        lottery = BookingLottery.objects.create(
            facility=facility, opening_day=opening_day, seed=seed, run_by=actor
        )
        pending = (
            RoomBooking.objects.select_for_update(of=("self",))
            .select_related("room", "requested_by")
            .filter(
                room__facility=facility, lottery_day=opening_day, status=BookingStatus.REQUESTED
            )
            .order_by("room_id", "date", "slot", "id")
        )
        groups: dict[tuple[int, dt.date, str], list[RoomBooking]] = defaultdict(list)
        for booking in pending:
            groups[(booking.room_id, booking.date, booking.slot)].append(booking)
        results = []
        for (room_id, date, slot), candidates in sorted(
            groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])
        ):
            order = list(candidates)
            random.Random(f"{seed}:{room_id}:{date.isoformat()}:{slot}").shuffle(order)
            # The first drawn whose group may take the slot (no other group's confirmed
            # booking or event holds it) wins; the draw stays repeatable from the seed.
            Room.objects.select_for_update().get(pk=room_id)
            taken = RoomBooking.objects.filter(
                room_id=room_id, date=date, slot=slot, status=BookingStatus.CONFIRMED
            ).exists()
            winner = (
                None
                if taken
                else next(
                    (
                        b
                        for b in order
                        if selectors.room_slot_problem(
                            room_id=room_id, date=date, slot=slot, organization_id=b.organization_id
                        )
                        is None
                    ),
                    None,
                )
            )
            for booking in order:
                if booking is winner:
                    _decide(
                        booking,
                        actor=actor,
                        to_state=BookingStatus.CONFIRMED,
                        lottery=lottery,
                        note=_("Drawn in the lottery."),
                    )
                else:
                    _decide(
                        booking,
                        actor=actor,
                        to_state=BookingStatus.LOST_LOTTERY,
                        lottery=lottery,
                        note=_("Another group was drawn in the lottery."),
                    )
            results.append(
                {
                    "room": room_id,
                    "date": date.isoformat(),
                    "slot": slot,
                    "order": [b.pk for b in order],
                    "winner": winner.pk if winner else None,
                }
            )
        lottery.results = results
        lottery.save(update_fields=["results"])
        record_event(
            actor=actor,
            verb="events.bookinglottery.run",
            target=lottery,
            data={"seed": seed, "opening_day": opening_day.isoformat(), "slots": len(results)},
        )
    return lottery


def run_due_booking_lotteries(*, today: dt.date | None = None) -> list[BookingLottery]:
    """The scheduled task: draw every lottery whose opening day is over and not yet drawn."""
    today = today or timezone.localdate()
    due = (
        RoomBooking.objects.filter(
            lottery_day__lt=today, status=BookingStatus.REQUESTED, lottery__isnull=True
        )
        .values_list("room__facility_id", "lottery_day")
        .distinct()
    )
    drawn = []
    for facility_id, day in sorted((f, d) for f, d in set(due) if d is not None):
        if BookingLottery.objects.filter(facility_id=facility_id, opening_day=day).exists():
            continue
        drawn.append(
            run_booking_lottery(
                actor=None, facility=Facility.objects.get(pk=facility_id), opening_day=day
            )
        )
    return drawn
