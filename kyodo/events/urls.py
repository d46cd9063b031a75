from django.urls import path

from kyodo.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("month/", views.event_calendar, name="calendar"),
    path("calendar.ics", views.ical_list, name="ical-list"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/manage/", views.event_manage, name="manage"),
    path("<int:pk>/publish/", views.event_publish, name="publish"),
    path(
        "<int:pk>/questions/<int:question_pk>/delete/",
        views.question_delete,
        name="question-delete",
    ),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/cancel-registration/", views.cancel_registration, name="registration-cancel"),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
    path(
        "<int:pk>/registrants/<int:registration_pk>/check-in/",
        views.registration_check_in,
        name="check-in",
    ),
    path("<int:pk>/registrants/export/", views.registrants_export, name="export"),
    path("<int:pk>/event.ics", views.ical_event, name="ical-event"),
    path(
        "organizations/<int:org_pk>/calendar.ics", views.ical_organization, name="ical-organization"
    ),
    path("calendar/<str:token>.ics", views.ical_person, name="ical-person"),
    path("calendar/link/", views.calendar_token, name="calendar-token"),
    path("my-steps/", views.journey, name="journey"),
    path("steps/", views.steps_stats, name="steps-stats"),
    path("bases/", views.facility_list, name="facility-list"),
    path("bases/<int:pk>/", views.facility_detail, name="facility-detail"),
    path("bases/rooms/<int:room_pk>/book/", views.booking_request, name="booking-request"),
    path("bases/bookings/", views.booking_list, name="booking-list"),
    path("bases/bookings/lottery/", views.booking_lottery, name="booking-lottery"),
    path("bases/bookings/<int:pk>/<str:action>/", views.booking_decide, name="booking-decide"),
]
