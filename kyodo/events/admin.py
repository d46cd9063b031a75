from django.contrib import admin

from kyodo.events.models import (
    BookingLottery,
    Event,
    Facility,
    Feedback,
    Question,
    Registration,
    Room,
    RoomBooking,
)


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "managed_by", "booking_opens_day", "booking_months_ahead"]
    inlines = [RoomInline]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "status",
        "organization",
        "starts_at",
        "capacity",
        "confirmed_count",
        "waitlist_count",
    ]
    list_filter = ["kind", "status", "district"]
    search_fields = ["title"]
    raw_id_fields = ["organization", "room", "created_by"]
    # Seat counters are kept by the services; editing them by hand would break them.
    readonly_fields = [
        "confirmed_count",
        "waitlist_count",
        "status",
        "published_at",
        "cancelled_at",
    ]
    inlines = [QuestionInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "status", "queued_at", "checked_in_at"]
    list_filter = ["status"]
    raw_id_fields = ["event", "user", "checked_in_by"]
    readonly_fields = ["status", "event", "user"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "rating", "created_at"]
    raw_id_fields = ["event", "user"]


@admin.register(RoomBooking)
class RoomBookingAdmin(admin.ModelAdmin):
    list_display = ["room", "date", "slot", "organization", "status", "lottery_day"]
    list_filter = ["status", "slot"]
    raw_id_fields = ["room", "organization", "requested_by", "decided_by", "lottery"]
    readonly_fields = ["status"]


@admin.register(BookingLottery)
class BookingLotteryAdmin(admin.ModelAdmin):
    list_display = ["facility", "opening_day", "seed", "run_at"]
    readonly_fields = ["facility", "opening_day", "seed", "run_at", "run_by", "results"]
