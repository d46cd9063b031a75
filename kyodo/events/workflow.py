"""Statuses and allowed transitions of events, registrations and room bookings (data, not code)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", pgettext_lazy("event status", "Published")
    CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("registration status", "Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("booking status", "Requested")
    CONFIRMED = "confirmed", pgettext_lazy("booking status", "Confirmed")
    REFUSED = "refused", _("Refused")
    LOST_LOTTERY = "lost_lottery", _("Not drawn in the lottery")
    CANCELLED = "cancelled", pgettext_lazy("booking status", "Cancelled")


class RegistrationState(models.TextChoices):
    """Where an event's registration stands now, for everyone. One function
    (`Event.registration_state`) decides it; the list's badge, the event page, the API and
    `register_for_event` all read that one answer."""

    DRAFT = "draft", pgettext_lazy("registration state", "Not published")
    CANCELLED = "cancelled", pgettext_lazy("registration state", "Cancelled")
    NOT_YET_OPEN = "not_yet_open", pgettext_lazy("registration state", "Not yet open")
    OPEN = "open", pgettext_lazy("registration state", "Open")
    WAITLIST = "waitlist", pgettext_lazy("registration state", "Full (waiting list open)")
    CLOSED = "closed", pgettext_lazy("registration state", "Closed")


REGISTRATION_OPEN_STATES = (RegistrationState.OPEN, RegistrationState.WAITLIST)


EVENT_TRANSITIONS: dict[str, set[str]] = {
    EventStatus.DRAFT: {EventStatus.PUBLISHED, EventStatus.CANCELLED},
    EventStatus.PUBLISHED: {EventStatus.CANCELLED},
    EventStatus.CANCELLED: set(),
}

# A cancelled registration may be renewed (the same row, back in the queue).
REGISTRATION_TRANSITIONS: dict[str, set[str]] = {
    RegistrationStatus.CONFIRMED: {RegistrationStatus.CANCELLED},
    RegistrationStatus.WAITLISTED: {RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED},
    RegistrationStatus.CANCELLED: {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED},
}

BOOKING_TRANSITIONS: dict[str, set[str]] = {
    BookingStatus.REQUESTED: {
        BookingStatus.CONFIRMED,
        BookingStatus.REFUSED,
        BookingStatus.LOST_LOTTERY,
        BookingStatus.CANCELLED,
    },
    BookingStatus.CONFIRMED: {BookingStatus.CANCELLED},
    BookingStatus.REFUSED: set(),
    BookingStatus.LOST_LOTTERY: set(),
    BookingStatus.CANCELLED: set(),
}

ACTIVE_BOOKING_STATUSES = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED)


def can_transition(table: dict[str, set[str]], from_state: str, to_state: str) -> bool:
    return to_state in table.get(from_state, set())
