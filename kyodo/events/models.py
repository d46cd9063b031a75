"""Events (イベント, ボランティア募集, 講座, 交流会), registrations with a waiting list,
satisfaction feedback (笑), and activity bases (活動拠点) with rooms and bookings."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyodo.core.models import TimeStampedModel
from kyodo.events.workflow import (
    REGISTRATION_OPEN_STATES,
    BookingStatus,
    EventStatus,
    RegistrationState,
    RegistrationStatus,
)
from kyodo.guideline.models import District, Field
from kyodo.organizations.models import Organization


class EventKind(models.TextChoices):
    EVENT = "event", _("Event")
    VOLUNTEER = "volunteer", _("Volunteer recruitment")
    COURSE = "course", _("Course")
    EXCHANGE = "exchange", _("Exchange meeting between groups")


class Slot(models.TextChoices):
    MORNING = "morning", _("Morning (9:00–12:00)")
    AFTERNOON = "afternoon", _("Afternoon (13:00–17:00)")
    EVENING = "evening", _("Evening (18:00–21:30)")


# ---------------------------------------------------------------------------------------
# Activity bases
# ---------------------------------------------------------------------------------------


class Facility(TimeStampedModel):
    """An activity base (活動拠点): a building with rooms that registered groups may book."""

    name = models.CharField(_("name"), max_length=100)
    kana = models.CharField(_("name in kana"), max_length=200, blank=True)
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.SET_NULL
    )
    address = models.CharField(_("address"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    closed_weekday = models.PositiveSmallIntegerField(
        _("closed weekday"),
        null=True,
        blank=True,
        help_text=_("0 = Monday … 6 = Sunday; empty when open every day."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    managed_by = models.ForeignKey(
        Organization,
        verbose_name=_("managing department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_facilities",
    )
    # Booking rules: the window for a date opens on `booking_opens_day` of the month that
    # is `booking_months_ahead` months before the date's month; requests made on that
    # opening day are decided by lottery.
    booking_opens_day = models.PositiveSmallIntegerField(
        _("booking window opens on day"), default=1
    )
    booking_months_ahead = models.PositiveSmallIntegerField(_("months ahead bookable"), default=3)
    booking_rules = models.TextField(_("booking rules"), blank=True)

    class Meta:
        verbose_name = _("activity base")
        verbose_name_plural = _("activity bases")
        ordering = ["kana", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(booking_opens_day__gte=1, booking_opens_day__lte=28),
                name="events_facility_opens_day_valid",
            ),
            models.CheckConstraint(
                condition=Q(closed_weekday__isnull=True) | Q(closed_weekday__lte=6),
                name="events_facility_closed_weekday_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def window_opens_on(self, day: dt.date) -> dt.date:
        """The day requests for `day` may first be made (the lottery day)."""
        month_index = day.year * 12 + (day.month - 1) - self.booking_months_ahead
        return dt.date(month_index // 12, month_index % 12 + 1, self.booking_opens_day)


class Room(models.Model):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=100)
    capacity = models.PositiveIntegerField(_("capacity"))
    equipment = models.TextField(_("equipment"), blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    fee_note = models.CharField(_("fees"), max_length=200, blank=True)
    is_bookable = models.BooleanField(_("can be booked by groups"), default=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["facility", "name", "id"]

    def __str__(self) -> str:
        return f"{self.facility.name} {self.name}"


class BookingLottery(models.Model):
    """One recorded lottery draw: the seed and the order drawn, so anyone can re-run it."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="lotteries")
    opening_day = models.DateField(_("opening day"))
    seed = models.CharField(_("seed"), max_length=64)
    run_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    results = models.JSONField(_("results"), default=list)

    class Meta:
        verbose_name = _("booking lottery")
        verbose_name_plural = _("booking lotteries")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "opening_day"], name="events_lottery_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.opening_day}"


class RoomBooking(TimeStampedModel):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="bookings")
    date = models.DateField(_("date"))
    slot = models.CharField(_("time slot"), max_length=10, choices=Slot.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="room_bookings",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    purpose = models.CharField(pgettext_lazy("room booking", "purpose"), max_length=200)
    expected_people = models.PositiveIntegerField(_("expected number of people"))
    status = models.CharField(
        _("status"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    # Set when the request was made on the opening day of its booking window: such
    # requests wait for the lottery of that day instead of a staff decision.
    lottery_day = models.DateField(_("lottery day"), null=True, blank=True)
    lottery = models.ForeignKey(
        BookingLottery, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.CharField(_("note on the decision"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("room booking")
        verbose_name_plural = _("room bookings")
        ordering = ["date", "slot", "id"]
        constraints = [
            # The clash rule: one confirmed booking per room, date and slot.
            models.UniqueConstraint(
                fields=["room", "date", "slot"],
                condition=Q(status="confirmed"),
                name="events_booking_no_clash",
            ),
            # A group asks once for a given slot.
            models.UniqueConstraint(
                fields=["room", "date", "slot", "organization"],
                condition=Q(status__in=["requested", "confirmed"]),
                name="events_booking_once_per_group",
            ),
            models.CheckConstraint(
                condition=Q(status__in=BookingStatus.values), name="events_booking_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(slot__in=Slot.values), name="events_booking_slot_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "date"]),
            models.Index(fields=["room", "date"]),
            models.Index(fields=["lottery_day", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.date} {self.get_slot_display()} ({self.organization})"

    @property
    def in_lottery(self) -> bool:
        return self.lottery_day is not None


# ---------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------


class EventQuerySet(models.QuerySet["Event"]):
    def published(self) -> EventQuerySet:
        return self.filter(status=EventStatus.PUBLISHED)

    def listed(self) -> EventQuerySet:
        """What the public list shows: published and cancelled (so people learn of it)."""
        return self.filter(status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED])


class Event(TimeStampedModel):
    title = models.CharField(_("title"), max_length=150)
    kind = models.CharField(
        _("kind"), max_length=20, choices=EventKind.choices, default=EventKind.EVENT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="events"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("part of the project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.ForeignKey(
        Room,
        verbose_name=_("room at an activity base"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    place_name = models.CharField(_("place"), max_length=150, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.SET_NULL
    )
    fields = models.ManyToManyField(Field, verbose_name=_("fields"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    # Seat counter, kept by the services under a row lock; the constraint below makes
    # overbooking impossible even if a bug slipped past the lock.
    confirmed_count = models.PositiveIntegerField(_("confirmed"), default=0)
    waitlist_count = models.PositiveIntegerField(_("waiting"), default=0)
    opens_at = models.DateTimeField(_("registration opens at"))
    closes_at = models.DateTimeField(_("registration closes at"))
    accessibility = models.TextField(_("accessibility"), blank=True)
    cost_yen = models.PositiveBigIntegerField(_("cost (yen)"), default=0)
    asks_real_name = models.BooleanField(_("asks for the real name"), default=False)
    asks_phone = models.BooleanField(_("asks for a phone number"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EventStatus.values), name="events_event_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="events_event_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="events_event_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_count__lte=F("capacity")),
                name="events_event_never_overbooked",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="events_event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="events_event_window_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at", "id"]),
            # The upcoming list (ends_at ≥ now, soonest first): reads only the events not yet
            # over instead of every published event of ten years (issue 12).
            models.Index(fields=["status", "ends_at"], name="events_event_upcoming"),
            models.Index(fields=["organization", "starts_at"]),
            models.Index(fields=["district", "starts_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.confirmed_count)

    @property
    def place_label(self) -> str:
        if self.room_id is not None and self.room is not None:
            return str(self.room)
        return self.place_name

    @property
    def place_address(self) -> str:
        if self.room_id is not None and self.room is not None:
            return self.room.facility.address
        return self.address

    def registration_state(self, now: dt.datetime | None = None) -> RegistrationState:
        """The one answer to "can people register now, and how?" (see RegistrationState)."""
        now = now or timezone.now()
        if self.status == EventStatus.CANCELLED:
            return RegistrationState.CANCELLED
        if self.status != EventStatus.PUBLISHED:
            return RegistrationState.DRAFT
        if now < self.opens_at:
            return RegistrationState.NOT_YET_OPEN
        if now >= self.closes_at or now >= self.starts_at:
            return RegistrationState.CLOSED
        return RegistrationState.WAITLIST if self.seats_left == 0 else RegistrationState.OPEN

    def registration_is_open(self, now: dt.datetime | None = None) -> bool:
        return self.registration_state(now) in REGISTRATION_OPEN_STATES

    def has_ended(self, now: dt.datetime | None = None) -> bool:
        return self.ends_at <= (now or timezone.now())


class Question(models.Model):
    """A question the organiser asks registrants (e.g. 「アレルギーはありますか」)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("question"), max_length=200)
    help_text = models.CharField(_("hint"), max_length=200, blank=True)
    required = models.BooleanField(_("answer required"), default=False)
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("One choice per line; leave empty for a free answer.")
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["event", "order", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    # Position in the queue: set when the person (re-)registers; the waiting list is
    # served in this order.
    queued_at = models.DateTimeField(_("registered at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    # Consent, per item of personal data, to share it with the organiser.
    share_real_name = models.BooleanField(_("share my real name with the organiser"), default=False)
    share_phone = models.BooleanField(_("share my phone number with the organiser"), default=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "queued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], name="events_registration_once_per_person"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RegistrationStatus.values),
                name="events_registration_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "queued_at", "id"]),
            models.Index(fields=["user", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.event} ({self.status})"

    @property
    def attended(self) -> bool:
        return self.checked_in_at is not None


class Answer(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["registration", "question"], name="events_answer_once")
        ]

    def __str__(self) -> str:
        return self.value[:50]


class Feedback(models.Model):
    """Satisfaction: a participant's 1–5 rating of an event, with an optional comment."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_feedback"
    )
    rating = models.PositiveSmallIntegerField(_("satisfaction"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("satisfaction feedback")
        verbose_name_plural = _("satisfaction feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], name="events_feedback_once_per_person"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="events_feedback_rating_1_5"
            ),
        ]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.event} {self.rating}"


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarToken(models.Model):
    """The secret in a person's private iCalendar feed URL (can be replaced at any time)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return f"calendar token #{self.user_id}"
