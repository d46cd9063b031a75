from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kyodo.accounts.models import User
from kyodo.core import params
from kyodo.core.exports import csv_response, xlsx_response
from kyodo.core.formatting import current_fiscal_year, fiscal_year_label
from kyodo.events import selectors, services
from kyodo.events.forms import (
    BookingRequestForm,
    CancelEventForm,
    EventFilterForm,
    EventForm,
    FeedbackForm,
    LotteryForm,
    MessageForm,
    QuestionForm,
    RefuseBookingForm,
    RegistrationForm,
)
from kyodo.events.ical import calendar_response
from kyodo.events.models import CalendarToken, Event, EventKind, Feedback, Question, Registration
from kyodo.events.rules import organising_organizations
from kyodo.events.workflow import BookingStatus, RegistrationStatus
from kyodo.organizations.models import Organization


def _actor(request: HttpRequest) -> User:
    """The signed-in person (every view calling a service is behind login_required)."""
    return cast(User, request.user)


def _apply_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _cursor(request: HttpRequest) -> str | None:
    return request.GET.get("cursor") or None


# ---------------------------------------------------------------------------------------
# Public pages
# ---------------------------------------------------------------------------------------


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    form, filters = _list_filters(request)
    page = selectors.event_list(filters, cursor=_cursor(request))
    return render(
        request,
        "events/event_list.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            "can_add": request.user.has_perm("events.add_event"),
        },
    )


def _list_filters(request: HttpRequest) -> tuple[EventFilterForm, selectors.EventFilters]:
    """The list's filters from the query string (invalid values are ignored, never a 500)."""
    form = EventFilterForm(request.GET or None)
    filters = selectors.EventFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.EventFilters(
            kind=data["kind"],
            district=data["district"],
            field=data["field"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            past=data["past"],
        )
    return form, filters


def _month(request: HttpRequest) -> dt.date:
    """?month=2026-12 (full-width digits accepted, through kyodo.core.params); this month in
    Japan when absent or not a month of 2000–2100."""
    today = timezone.localdate()
    parts = params.text(request.GET, "month", max_length=20).split("-")
    if len(parts) == 2:
        year, month = params.ascii_int(parts[0]), params.ascii_int(parts[1])
        if year is not None and month is not None and 2000 <= year <= 2100 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    return today.replace(day=1)


@require_safe
def event_calendar(request: HttpRequest) -> HttpResponse:
    """A month of events (a grid; a list of weeks on phones) with the list's filters."""
    form, filters = _list_filters(request)
    month = _month(request)
    prev_month = (month - dt.timedelta(days=1)).replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    query = urlencode(
        {
            k: v
            for k, v in (
                ("kind", filters.kind),
                ("district", filters.district),
                ("field", filters.field),
            )
            if v
        }
    )
    return render(
        request,
        "events/event_calendar.html",
        {
            "form": form,
            "filters": filters,
            "month": month,
            "prev_month": prev_month,
            "next_month": next_month,
            "today": timezone.localdate(),
            "weeks": selectors.month_calendar(filters, month),
            "query": query,
        },
    )


@require_safe
def ical_list(request: HttpRequest) -> HttpResponse:
    """An iCal subscription of the list's filters (kind, district, field, dates)."""
    _form, filters = _list_filters(request)
    return calendar_response(
        selectors.calendar_feed_events(filters),
        name=_("Events and volunteering"),
        filename="events",
        stamp=timezone.now(),
    )


@require_safe
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    registration = selectors.registration_of(request.user, event)
    return render(
        request, "events/event_detail.html", _detail_context(request, event, registration)
    )


def _detail_context(
    request: HttpRequest,
    event: Event,
    registration: Registration | None,
    *,
    form: RegistrationForm | None = None,
    feedback_form: FeedbackForm | None = None,
) -> dict[str, Any]:
    user = request.user
    can_register = (
        user.is_authenticated
        and user.has_perm("events.add_registration", event)
        and event.registration_is_open()
        and (registration is None or registration.status == RegistrationStatus.CANCELLED)
    )
    can_feedback = user.is_authenticated and user.has_perm("events.add_feedback", event)
    # Once sent, the page thanks the person instead of offering an empty form again.
    my_feedback = (
        Feedback.objects.filter(event=event, user_id=int(user.pk or 0)).first()
        if can_feedback
        else None
    )
    return {
        "event": event,
        "registration": registration,
        "position": selectors.waitlist_position(registration) if registration else None,
        "form": form or (RegistrationForm(event=event) if can_register else None),
        "can_register": can_register,
        "feedback_form": feedback_form
        or (FeedbackForm() if can_feedback and my_feedback is None else None),
        "my_feedback": my_feedback,
        "can_manage": user.has_perm("events.manage_event", event),
        "now": timezone.now(),
    }


@require_safe
def steps_stats(request: HttpRequest) -> HttpResponse:
    fiscal_year = params.fiscal_year(request.GET, "fy")
    key = f"events:steps-funnel:{fiscal_year}"
    funnel = cache.get(key)
    if funnel is None:
        funnel = selectors.steps_funnel(fiscal_year)
        cache.set(key, funnel, 600)
    return render(
        request,
        "events/steps_stats.html",
        {
            "funnel": funnel,
            "fiscal_years": selectors.available_fiscal_years(),
            "fiscal_year": fiscal_year,
            "fiscal_year_label": fiscal_year_label,
            "current_fiscal_year": current_fiscal_year(),
        },
    )


@login_required
@require_safe
def journey(request: HttpRequest) -> HttpResponse:
    token = CalendarToken.objects.filter(user=_actor(request)).first()
    return render(
        request,
        "events/journey.html",
        {
            "journey": selectors.journey_for(request.user),
            "upcoming": selectors.my_registrations(request.user),
            "to_rate": selectors.events_to_rate(request.user),
            "token": token,
        },
    )


# ---------------------------------------------------------------------------------------
# Organisers
# ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("events.add_event"):
        raise PermissionDenied
    orgs = organising_organizations(request.user)
    if request.user.is_superuser and not orgs:
        orgs = list(Organization.objects.all()[:200])
    form = EventForm(request.POST or None, organizations=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(
                actor=_actor(request),
                organization=form.cleaned_data["organization"],
                values=form.values(),
                fields=form.cleaned_data["topics"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, _("The event was saved as a draft. Add questions, then publish it.")
            )
            return redirect("events:manage", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": None})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    if not request.user.has_perm("events.change_event", event):
        raise PermissionDenied
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(
                actor=_actor(request),
                event=event,
                values=form.values(),
                fields=form.cleaned_data["topics"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The event was updated."))
            return redirect("events:manage", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def event_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser's page: status, questions, registrants, check-in, messages, results."""
    event = selectors.get_managed_event_for(request.user, pk)
    question_form = QuestionForm(request.POST if "add_question" in request.POST else None)
    message_form = MessageForm(request.POST if "send_message" in request.POST else None)
    cancel_form = CancelEventForm(request.POST if "cancel_event" in request.POST else None)
    if request.method == "POST":
        try:
            if "add_question" in request.POST and question_form.is_valid():
                services.add_question(
                    actor=_actor(request), event=event, **question_form.cleaned_data
                )
                messages.success(request, _("The question was added."))
                return redirect("events:manage", pk=pk)
            if "send_message" in request.POST and message_form.is_valid():
                n = services.message_registrants(
                    actor=_actor(request), event=event, **message_form.cleaned_data
                )
                messages.success(request, _("The message was sent to %(n)d people.") % {"n": n})
                return redirect("events:manage", pk=pk)
            if "cancel_event" in request.POST and cancel_form.is_valid():
                services.cancel_event(
                    actor=_actor(request), event=event, reason=cancel_form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("The event was cancelled and the registrants were told.")
                )
                return redirect("events:manage", pk=pk)
        except ValidationError as exc:
            target = (
                question_form
                if "add_question" in request.POST
                else (message_form if "send_message" in request.POST else cancel_form)
            )
            _apply_errors(target, exc)
    regs = list(selectors.registrants(event))
    questions = list(event.questions.all())
    answers = {r.pk: {a.question_id: a.value for a in r.answers.all()} for r in regs}
    return render(
        request,
        "events/event_manage.html",
        {
            "event": event,
            "registrations": regs,
            "questions": questions,
            "answers": answers,
            "question_form": question_form,
            "message_form": message_form,
            "cancel_form": cancel_form,
            "feedback": selectors.feedback_summary(event),
            "RegistrationStatus": RegistrationStatus,
        },
    )


@login_required
@require_POST
def event_publish(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    try:
        services.publish_event(actor=_actor(request), event=event)
        messages.success(request, _("The event is published."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("events:manage", pk=pk)


@login_required
@require_POST
def question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    question = get_object_or_404(Question, pk=question_pk, event=event)
    services.remove_question(actor=_actor(request), question=question)
    messages.success(request, _("The question was removed."))
    return redirect("events:manage", pk=pk)


@login_required
@require_POST
def registration_check_in(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    registration = get_object_or_404(
        Registration.objects.select_related("event"), pk=registration_pk, event=event
    )
    try:
        services.check_in(
            actor=_actor(request),
            registration=registration,
            present=request.POST.get("present") != "0",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{request.build_absolute_uri(_manage_url(pk))}#registrant-{registration_pk}")


def _manage_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("events:manage", args=[pk])


@login_required
@require_safe
def registrants_export(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    """CSV or Excel list of registrants: private data only where each person agreed."""
    event = selectors.get_managed_event_for(request.user, pk)
    if not request.user.has_perm("events.export_registration", event):
        raise PermissionDenied
    from kyodo.accounts.services import view_private_profile

    questions = list(event.questions.all())
    header = [_("Name"), _("Status"), _("Registered at"), _("Checked in")]
    if event.asks_real_name:
        header.append(_("Real name"))
    if event.asks_phone:
        header.append(_("Phone"))
    header += [q.label for q in questions]
    purpose = _("Participant list of %(title)s") % {"title": event.title}
    rows = []
    for reg in selectors.registrants(event).exclude(status=RegistrationStatus.CANCELLED):
        row: list[Any] = [
            reg.user.public_name,
            reg.get_status_display(),
            reg.queued_at,
            _("Yes") if reg.attended else "",
        ]
        profile = None
        if reg.share_real_name or reg.share_phone:
            profile = view_private_profile(actor=_actor(request), subject=reg.user, purpose=purpose)
        if event.asks_real_name:
            row.append(profile.real_name if profile is not None and reg.share_real_name else "")
        if event.asks_phone:
            row.append(profile.phone if profile is not None and reg.share_phone else "")
        answers = {a.question_id: a.value for a in reg.answers.all()}
        row += [answers.get(q.pk, "") for q in questions]
        rows.append(row)
    filename = f"event-{event.pk}-registrants"
    if request.GET.get("format") == "xlsx":
        return xlsx_response(filename, header, rows, sheet=_("Participants"))
    return csv_response(filename, header, rows)


# ---------------------------------------------------------------------------------------
# Residents: register, cancel, feedback
# ---------------------------------------------------------------------------------------


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    form = RegistrationForm(request.POST, event=event)
    if form.is_valid():
        try:
            registration = services.register_for_event(
                actor=_actor(request),
                event=event,
                answers=form.answers(),
                share_real_name=form.cleaned_data.get("share_real_name", False),
                share_phone=form.cleaned_data.get("share_phone", False),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if registration.status == RegistrationStatus.CONFIRMED:
                messages.success(request, _("Your place is confirmed."))
            else:
                messages.success(request, _("The event is full: you are on the waiting list."))
            return redirect("events:detail", pk=pk)
    current = selectors.registration_of(request.user, event)
    return render(
        request,
        "events/event_detail.html",
        _detail_context(request, event, current, form=form),
        status=400,
    )


@login_required
@require_POST
def cancel_registration(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    registration = selectors.registration_of(request.user, event)
    if registration is None:
        raise Http404
    services.cancel_registration(actor=_actor(request), registration=registration)
    messages.success(request, _("Your registration was cancelled."))
    return redirect("events:detail", pk=pk)


@login_required
@require_POST
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    if not request.user.has_perm("events.add_feedback", event):
        raise PermissionDenied
    form = FeedbackForm(request.POST)
    if form.is_valid():
        services.give_feedback(actor=_actor(request), event=event, **form.cleaned_data)
        messages.success(request, _("Thank you for your feedback."))
        return redirect("events:detail", pk=pk)
    registration = selectors.registration_of(request.user, event)
    return render(
        request,
        "events/event_detail.html",
        _detail_context(request, event, registration, feedback_form=form),
        status=400,
    )


# ---------------------------------------------------------------------------------------
# Calendars (iCalendar feeds)
# ---------------------------------------------------------------------------------------


@require_safe
def ical_event(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    return calendar_response(
        [event], name=event.title, filename=f"event-{event.pk}", stamp=timezone.now()
    )


@require_safe
def ical_organization(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = get_object_or_404(Organization.objects.public(), pk=org_pk)
    since = timezone.now() - dt.timedelta(days=90)
    events = (
        Event.objects.listed()
        .filter(organization=org, starts_at__gte=since)
        .select_related("organization", "room__facility")
        .order_by("starts_at", "id")[:500]
    )
    return calendar_response(
        events, name=org.name, filename=f"organization-{org.pk}", stamp=timezone.now()
    )


@require_safe
def ical_person(request: HttpRequest, token: str) -> HttpResponse:
    """A private feed: the token in the URL is the only key (replaceable on the steps page)."""
    owner = get_object_or_404(CalendarToken.objects.select_related("user"), token=token)
    if not owner.user.is_active or owner.user.deleted_at is not None:
        raise Http404
    events = selectors.events_of_person(owner.user).filter(
        starts_at__gte=timezone.now() - dt.timedelta(days=90)
    )[:500]
    response = calendar_response(
        events, name=_("My events"), filename="my-events", stamp=timezone.now()
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def calendar_token(request: HttpRequest) -> HttpResponse:
    services.calendar_token_for(actor=_actor(request), renew=request.POST.get("renew") == "1")
    messages.success(request, _("Your private calendar link is ready."))
    return redirect("events:journey")


# ---------------------------------------------------------------------------------------
# Activity bases
# ---------------------------------------------------------------------------------------


@require_safe
def facility_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "events/facility_list.html", {"facilities": list(selectors.facility_list())}
    )


@require_safe
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = selectors.get_facility(pk)
    start = params.date(request.GET, "from", default=timezone.localdate())
    return render(
        request,
        "events/facility_detail.html",
        {
            "facility": facility,
            "start": start,
            "availability": selectors.availability(facility, start),
            "can_book": request.user.has_perm("events.add_roombooking"),
            "previous_start": start - dt.timedelta(days=14),
            "next_start": start + dt.timedelta(days=14),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def booking_request(request: HttpRequest, room_pk: int) -> HttpResponse:
    room = selectors.get_room(room_pk)
    if not request.user.has_perm("events.add_roombooking", room):
        raise PermissionDenied
    orgs = [
        o for o in organising_organizations(request.user) if o.is_verified and not o.is_department
    ]
    form = BookingRequestForm(request.POST or None, organizations=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.request_room_booking(
                actor=_actor(request), room=room, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if booking.in_lottery:
                messages.success(
                    request,
                    _(
                        "Your request was received. Requests made on the opening day are decided by lottery."
                    ),
                )
            else:
                messages.success(
                    request, _("Your request was received. The staff will confirm it.")
                )
            return redirect("events:booking-list")
    return render(
        request, "events/booking_form.html", {"form": form, "room": room, "facility": room.facility}
    )


@login_required
@require_safe
def booking_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("events.list_roombooking"):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in BookingStatus.values:
        status = ""
    page = selectors.bookings_for(request.user, status=status, cursor=_cursor(request))
    return render(
        request,
        "events/booking_list.html",
        {
            "page": page,
            "status": status,
            "statuses": BookingStatus.choices,
            "refuse_form": RefuseBookingForm(),
            "lottery_form": LotteryForm(),
            "can_draw": request.user.has_perm("events.draw_bookinglottery"),
        },
    )


@login_required
@require_POST
def booking_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    booking = selectors.get_booking_for(request.user, pk)
    try:
        if action == "confirm":
            services.confirm_room_booking(actor=_actor(request), booking=booking)
            messages.success(request, _("The booking is confirmed."))
        elif action == "refuse":
            form = RefuseBookingForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            services.refuse_room_booking(actor=_actor(request), booking=booking, note=note)
            messages.success(request, _("The request was refused."))
        elif action == "cancel":
            services.cancel_room_booking(actor=_actor(request), booking=booking)
            messages.success(request, _("The booking was cancelled."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("events:booking-list")


@login_required
@require_POST
def booking_lottery(request: HttpRequest) -> HttpResponse:
    form = LotteryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the activity base and the opening day."))
        return redirect("events:booking-list")
    facility = form.cleaned_data["facility"]
    if not request.user.has_perm("events.run_bookinglottery", facility):
        raise PermissionDenied
    try:
        lottery = services.run_booking_lottery(
            actor=_actor(request), facility=facility, opening_day=form.cleaned_data["opening_day"]
        )
        messages.success(
            request,
            _("The lottery was drawn (seed %(seed)s, %(n)d slots).")
            % {"seed": lottery.seed, "n": len(lottery.results)},
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("events:booking-list")


KIND_LABELS = dict(EventKind.choices)
