from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kyodo.accounts.models import User
from kyodo.core.formatting import current_fiscal_year
from kyodo.core.uploads import serve_upload
from kyodo.districts import documents, selectors, services
from kyodo.districts.forms import (
    AssignIssueForm,
    MeetingForm,
    MemberForm,
    RecordForm,
    StartEventForm,
    StartProjectForm,
    SubcommitteeForm,
)
from kyodo.districts.models import Council, CouncilMember, Meeting, MeetingAttachment, Subcommittee
from kyodo.districts.rules import MANAGER_ROLES
from kyodo.guideline.models import District
from kyodo.notifications.services import is_following
from kyodo.organizations.models import Organization
from kyodo.organizations.predicates import organization_ids


def _user(request: HttpRequest) -> User:
    """The signed-in person (views that call services are behind login_required or a rule)."""
    return cast(User, request.user)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@require_safe
def district_list(request: HttpRequest) -> HttpResponse:
    return render(request, "districts/district_list.html", {"rows": selectors.district_list()})


@require_safe
def district_detail(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(District, code=code)
    context = selectors.district_page(district)
    context["following"] = is_following(request.user, district)
    council = context["council"]
    context["can_draft"] = council is not None and request.user.has_perm(
        "districts.draft_record", council
    )
    context["can_manage"] = council is not None and request.user.has_perm(
        "districts.manage_council", council
    )
    context["meetings"] = (
        list(Meeting.objects.filter(council__district=district).order_by("-held_at", "-id")[:10])
        if council
        else []
    )
    context["fiscal_year"] = current_fiscal_year()
    return render(request, "districts/district_detail.html", context)


def _meeting_for(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related("council__district", "council__chair"), pk=pk
    )
    if not request.user.has_perm("districts.view_meeting", meeting):
        raise Http404
    return meeting


@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request, pk)
    can_draft = (
        request.user.has_perm("districts.draft_record", meeting.council)
        and meeting.status != "published"
    )
    form = (
        RecordForm(
            request.POST or None,
            request.FILES or None,
            initial={"record": meeting.record, "decisions": meeting.decisions},
        )
        if can_draft
        else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.draft_record(
                    actor=_user(request),
                    meeting=meeting,
                    record=form.cleaned_data["record"],
                    decisions=form.cleaned_data["decisions"],
                )
                if form.cleaned_data.get("attachment"):
                    services.add_attachment(
                        actor=_user(request),
                        meeting=meeting,
                        upload=form.cleaned_data["attachment"],
                    )
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("The record was saved as a draft."))
                return redirect("districts:meeting-detail", pk=meeting.pk)
    return render(
        request,
        "districts/meeting_detail.html",
        {
            "meeting": meeting,
            "form": form,
            "attachments": list(meeting.attachments.all()),
            "can_publish": request.user.has_perm("districts.publish_record", meeting.council)
            and meeting.status == "draft_record",
        },
    )


@login_required
@require_POST
def meeting_publish(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request, pk)
    try:
        services.publish_record(actor=_user(request), meeting=meeting)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The record is now public."))
    return redirect("districts:meeting-detail", pk=meeting.pk)


@require_safe
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(
        MeetingAttachment.objects.select_related("meeting__council"), pk=pk
    )
    if not request.user.has_perm("districts.view_meeting", attachment.meeting):
        raise Http404
    return serve_upload(attachment.file, download_name=attachment.original_name)


def _council_for(request: HttpRequest, code: str, perm: str) -> Council:
    council = get_object_or_404(Council.objects.select_related("district"), district__code=code)
    if not request.user.has_perm(perm, council):
        raise PermissionDenied
    return council


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, code: str) -> HttpResponse:
    council = _council_for(request, code, "districts.draft_record")
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.schedule_meeting(
                actor=_user(request), council=council, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("The meeting was added."))
            return redirect("districts:meeting-detail", pk=meeting.pk)
    return render(request, "districts/meeting_form.html", {"council": council, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def council_manage(request: HttpRequest, code: str) -> HttpResponse:
    council = _council_for(request, code, "districts.manage_council")
    member_form = MemberForm(
        request.POST if request.POST.get("form") == "member" else None, prefix="m"
    )
    sub_form = SubcommitteeForm(
        request.POST if request.POST.get("form") == "subcommittee" else None,
        council=council,
        prefix="s",
    )
    if request.method == "POST":
        try:
            if request.POST.get("form") == "member" and member_form.is_valid():
                services.add_member(
                    actor=_user(request), council=council, **member_form.cleaned_data
                )
                messages.success(request, _("The organization joined the council."))
                return redirect("districts:council-manage", code=code)
            if request.POST.get("form") == "subcommittee" and sub_form.is_valid():
                services.add_subcommittee(
                    actor=_user(request), council=council, **sub_form.cleaned_data
                )
                messages.success(request, _("The subcommittee was added."))
                return redirect("districts:council-manage", code=code)
            if request.POST.get("form") == "remove":
                member = get_object_or_404(
                    CouncilMember, pk=request.POST.get("member"), council=council
                )
                services.remove_member(actor=_user(request), member=member)
                messages.success(request, _("The organization left the council."))
                return redirect("districts:council-manage", code=code)
        except ValidationError as exc:
            (member_form if request.POST.get("form") == "member" else sub_form).add_error(
                None, _errors(exc)
            )
    return render(
        request,
        "districts/council_manage.html",
        {
            "council": selectors.council_for(council.district),
            "member_form": member_form,
            "sub_form": sub_form,
        },
    )


def _acting_orgs(request: HttpRequest, council: Council) -> Any:
    qs = Organization.objects.filter(council_memberships__council=council)
    if not request.user.is_superuser:
        qs = qs.filter(pk__in=organization_ids(request.user, MANAGER_ROLES))
    return qs.order_by("kana")


@require_http_methods(["GET", "POST"])
def subcommittee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sub = get_object_or_404(
        Subcommittee.objects.select_related("council__district", "field", "lead"), pk=pk
    )
    can_work = request.user.has_perm("districts.work_on_issues", sub.council)
    orgs = _acting_orgs(request, sub.council) if can_work else Organization.objects.none()
    action = request.POST.get("form")
    assign_form = AssignIssueForm(request.POST if action == "assign" else None, prefix="a")
    project_form = StartProjectForm(
        request.POST if action == "project" else None,
        subcommittee=sub,
        organizations=orgs,
        prefix="p",
    )
    event_form = StartEventForm(
        request.POST if action == "event" else None,
        subcommittee=sub,
        organizations=orgs,
        prefix="e",
    )
    if request.method == "POST":
        if not can_work:
            raise PermissionDenied
        Issue = apps.get_model("challenges", "Issue")
        try:
            if action == "assign" and assign_form.is_valid():
                issue = Issue.objects.filter(pk=assign_form.cleaned_data["issue"]).first()
                if issue is None:
                    assign_form.add_error("issue", _("There is no local issue with this number."))
                else:
                    services.assign_issue(actor=_user(request), subcommittee=sub, issue=issue)
                    messages.success(request, _("The subcommittee now owns this issue."))
                    return redirect("districts:subcommittee-detail", pk=sub.pk)
            elif action == "project" and project_form.is_valid():
                data = project_form.cleaned_data
                project = services.start_project_from_issue(
                    actor=_user(request),
                    subcommittee=sub,
                    issue=data["issue"],
                    organization=data["organization"],
                    title=data["title"],
                    purpose=data["purpose"],
                )
                messages.success(request, _("A draft project was started from the issue."))
                return redirect(project.get_absolute_url())
            elif action == "event" and event_form.is_valid():
                data = dict(event_form.cleaned_data)
                issue, org = data.pop("issue"), data.pop("organization")
                now = timezone.now()
                data.update(
                    opens_at=now, closes_at=data["starts_at"] - dt.timedelta(hours=1), kind="event"
                )
                event = services.start_event_from_issue(
                    actor=_user(request),
                    subcommittee=sub,
                    issue=issue,
                    organization=org,
                    values=data,
                )
                messages.success(
                    request,
                    _("A draft event was created from the issue. Publish it from its page."),
                )
                return redirect("events:detail", event.pk)
        except ValidationError as exc:
            form = {"assign": assign_form, "project": project_form, "event": event_form}.get(
                action or "", assign_form
            )
            form.add_error(None, _errors(exc))
    issues = sub.issues.select_related("tier", "field").order_by("-created_at", "-id")[:50]
    return render(
        request,
        "districts/subcommittee_detail.html",
        {
            "sub": sub,
            "issues": issues,
            "can_work": can_work,
            "assign_form": assign_form,
            "project_form": project_form,
            "event_form": event_form,
        },
    )


@require_safe
def annual_report(request: HttpRequest, code: str, fiscal_year: int) -> HttpResponse:
    district = get_object_or_404(District, code=code)
    if not 2000 <= fiscal_year <= current_fiscal_year() + 1:
        raise Http404
    return render(
        request, "districts/annual_report.html", selectors.annual_activity(district, fiscal_year)
    )


@require_safe
def annual_report_pdf(request: HttpRequest, code: str, fiscal_year: int) -> HttpResponse:
    district = get_object_or_404(District, code=code)
    if not 2000 <= fiscal_year <= current_fiscal_year() + 1:
        raise Http404
    data = documents.district_report_pdf(
        selectors.annual_activity(district, fiscal_year), generated_on=timezone.localdate()
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="district-{code}-{fiscal_year}.pdf"'
    return response
