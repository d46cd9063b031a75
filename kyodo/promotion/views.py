"""Internal pages for city staff. Every view checks `promotion.view_internal` or a stricter rule."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kyodo.accounts.models import User
from kyodo.core import params
from kyodo.core.formatting import current_fiscal_year
from kyodo.core.pagination import keyset_paginate
from kyodo.organizations.models import Organization
from kyodo.organizations.predicates import department_ids
from kyodo.promotion import importing, selectors, services
from kyodo.promotion.forms import (
    AnswerForm,
    CoordinationRequestForm,
    LiaisonForm,
    SelfCheckForm,
    SurveyImportForm,
    SurveyOpenForm,
    SurveyRecordForm,
)
from kyodo.promotion.models import CoordinationRequest, Liaison, SurveyPeriod, SurveyRecord


def _user(request: HttpRequest) -> User:
    """The signed-in person (views that call services are behind login_required or a rule)."""
    return cast(User, request.user)


def _internal(request: HttpRequest, perm: str = "promotion.view_internal", obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _my_departments(request: HttpRequest) -> Any:
    if request.user.has_perm("promotion.manage_survey"):
        return Organization.objects.departments().order_by("kana")
    return Organization.objects.filter(pk__in=department_ids(request.user)).order_by("kana")


def _error_messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _internal(request)
    overview = selectors.liaison_overview()
    return render(
        request,
        "promotion/index.html",
        {
            "without_liaison": [d for d, liaisons in overview if not liaisons],
            "deadlines": selectors.calendar(days_back=0, days_ahead=30)[:10],
            "learning": selectors.my_learning(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def liaisons(request: HttpRequest) -> HttpResponse:
    _internal(request)
    departments = _my_departments(request)
    form = LiaisonForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            services.name_liaison(
                actor=_user(request),
                department=form.cleaned_data["department"],
                user=form.cleaned_data["user"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, _error_messages(exc))
        else:
            messages.success(request, _("The liaison was named."))
            return redirect("promotion:liaisons")
    return render(
        request,
        "promotion/liaison_list.html",
        {"overview": selectors.liaison_overview(), "form": form},
    )


@login_required
@require_POST
def liaison_remove(request: HttpRequest, pk: int) -> HttpResponse:
    liaison = get_object_or_404(Liaison.objects.select_related("department"), pk=pk)
    _internal(request, "promotion.name_liaison", liaison.department)
    services.remove_liaison(actor=_user(request), liaison=liaison)
    messages.success(request, _("The liaison was removed."))
    return redirect("promotion:liaisons")


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    _internal(request)
    everything = request.user.has_perm("promotion.manage_survey")
    qs = selectors.requests_for(request.user, department_ids(request.user), everything=everything)
    status = request.GET.get("status")
    if status:
        qs = qs.filter(status=status)
    page = keyset_paginate(
        qs, ordering=("-created_at", "-id"), cursor=request.GET.get("cursor"), page_size=30
    )
    return render(request, "promotion/request_list.html", {"page": page, "status": status or ""})


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    _internal(request, "promotion.create_coordinationrequest")
    own = Organization.objects.filter(pk__in=department_ids(request.user)).order_by("kana")
    form = CoordinationRequestForm(request.POST or None, own_departments=own)
    if request.method == "POST" and form.is_valid():
        try:
            req = services.request_coordination(actor=_user(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _error_messages(exc))
        else:
            messages.success(request, _("Your request was sent."))
            return redirect("promotion:request-detail", pk=req.pk)
    return render(request, "promotion/request_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(
        CoordinationRequest.objects.select_related("from_department", "to_department", "project"),
        pk=pk,
    )
    _internal(request, "promotion.view_coordinationrequest", req)
    can_answer = (
        request.user.has_perm("promotion.answer_coordinationrequest", req) and req.status == "open"
    )
    form = AnswerForm(request.POST or None) if can_answer else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.answer_coordination(
                    actor=_user(request),
                    request=req,
                    accept=form.cleaned_data["decision"] == "accept",
                    answer=form.cleaned_data["answer"],
                )
            except ValidationError as exc:
                form.add_error(None, _error_messages(exc))
            else:
                messages.success(request, _("Your answer was sent."))
                return redirect("promotion:request-detail", pk=req.pk)
    return render(request, "promotion/request_detail.html", {"req": req, "form": form})


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    _internal(request)
    return render(request, "promotion/calendar.html", {"deadlines": selectors.calendar()})


@login_required
def course(request: HttpRequest) -> HttpResponse:
    _internal(request, "promotion.take_course")
    return render(
        request,
        "promotion/course.html",
        {"modules": selectors.course_modules(), "learning": selectors.my_learning(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_module(request: HttpRequest, module: str) -> HttpResponse:
    _internal(request, "promotion.take_course")
    titles = {m["code"]: m["title"] for m in selectors.course_modules()}
    if module not in titles:
        raise Http404
    if request.method == "POST":
        services.complete_module(actor=_user(request), module=module)
        messages.success(request, _("Marked as done. Well done!"))
        return redirect("promotion:course")
    content = selectors.course_module(module)
    return render(
        request,
        "promotion/course_module.html",
        {
            "module": module,
            "title": titles[module],
            "content": content,
            "done": module in selectors.my_learning(request.user)["done"],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_check(request: HttpRequest) -> HttpResponse:
    _internal(request, "promotion.take_course")
    learning = selectors.my_learning(request.user)
    initial = {f"p{pid}": c.score for pid, c in learning["checks"].items()}
    form = SelfCheckForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_self_check(actor=_user(request), scores=form.scores())
        messages.success(request, _("Your self-check was saved. Only you can see your answers."))
        return redirect("promotion:self-check")
    return render(request, "promotion/self_check.html", {"form": form, "learning": learning})


@login_required
def learning_summary(request: HttpRequest) -> HttpResponse:
    _internal(request)
    rows = selectors.learning_summary()
    chart = [(r.department.name, r.percent) for r in rows]
    return render(request, "promotion/learning_summary.html", {"rows": rows, "chart": chart})


@login_required
@require_http_methods(["GET", "POST"])
def survey_index(request: HttpRequest) -> HttpResponse:
    _internal(request)
    can_manage = request.user.has_perm("promotion.manage_survey")
    form = (
        SurveyOpenForm(request.POST or None, initial={"fiscal_year": current_fiscal_year() - 1})
        if can_manage
        else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.open_survey(actor=_user(request), **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, _error_messages(exc))
            else:
                messages.success(request, _("The survey is open. Departments have been told."))
                return redirect("promotion:survey", fiscal_year=form.cleaned_data["fiscal_year"])
    return render(
        request,
        "promotion/survey_index.html",
        {"periods": SurveyPeriod.objects.all(), "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    _internal(request)
    period = get_object_or_404(SurveyPeriod, fiscal_year=fiscal_year)
    departments = _my_departments(request)
    department = None
    dept_param = params.pk(request.GET, "department") or params.pk(request.POST, "department")
    if dept_param:
        department = get_object_or_404(departments, pk=dept_param)
    elif departments.count() == 1 or not request.user.has_perm("promotion.manage_survey"):
        department = departments.first()
    form = None
    if (
        department is not None
        and period.status == "open"
        and request.user.has_perm("promotion.answer_survey", department)
    ):
        form = SurveyRecordForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.add_survey_record(
                    actor=_user(request),
                    department=department,
                    fiscal_year=fiscal_year,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                form.add_error(None, _error_messages(exc))
            else:
                messages.success(request, _("The collaboration was added."))
                return redirect(f"{request.path}?department={department.pk}")
    elif request.method == "POST":
        raise PermissionDenied
    records = SurveyRecord.objects.filter(fiscal_year=fiscal_year).select_related(
        "form", "partner_type", "field", "district"
    )
    if department is not None:
        records = records.filter(department=department)
    elif not request.user.has_perm("promotion.manage_survey"):
        records = records.none()
    return render(
        request,
        "promotion/survey.html",
        {
            "period": period,
            "department": department,
            "departments": departments,
            "form": form,
            "records": list(records.order_by("id")[:500]),
            "status_rows": selectors.survey_status(period)
            if request.user.has_perm("promotion.manage_survey")
            else None,
            "response": period.responses.filter(department=department).first()
            if department
            else None,
        },
    )


@login_required
@require_POST
def survey_submit(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    department = get_object_or_404(_my_departments(request), pk=request.POST.get("department"))
    try:
        services.submit_survey(actor=_user(request), department=department, fiscal_year=fiscal_year)
    except ValidationError as exc:
        messages.error(request, _error_messages(exc))
    else:
        messages.success(request, _("Your department's answer was submitted. Thank you."))
    return redirect(f"/internal/survey/{fiscal_year}/?department={department.pk}")


@login_required
@require_POST
def survey_close(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    _internal(request, "promotion.manage_survey")
    period = get_object_or_404(SurveyPeriod, fiscal_year=fiscal_year)
    try:
        services.close_survey(actor=_user(request), period=period)
    except ValidationError as exc:
        messages.error(request, _error_messages(exc))
    else:
        messages.success(request, _("The survey is closed."))
    return redirect("promotion:survey", fiscal_year=fiscal_year)


@login_required
@require_POST
def survey_remind(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    _internal(request, "promotion.manage_survey")
    period = get_object_or_404(SurveyPeriod, fiscal_year=fiscal_year)
    try:
        n = services.remind_survey(actor=_user(request), period=period)
    except ValidationError as exc:
        messages.error(request, _error_messages(exc))
    else:
        messages.success(request, _("Reminders were sent to %(n)s departments.") % {"n": n})
    return redirect("promotion:survey", fiscal_year=fiscal_year)


@login_required
@require_POST
def record_delete(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(SurveyRecord.objects.select_related("department"), pk=pk)
    _internal(request, "promotion.answer_survey", record.department)
    try:
        services.delete_survey_record(actor=_user(request), record=record)
    except ValidationError as exc:
        messages.error(request, _error_messages(exc))
    return redirect(f"/internal/survey/{record.fiscal_year}/?department={record.department_id}")


@login_required
@require_http_methods(["GET", "POST"])
def survey_import(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    period = get_object_or_404(SurveyPeriod, fiscal_year=fiscal_year)
    department = get_object_or_404(
        _my_departments(request),
        pk=params.pk(request.GET, "department") or params.pk(request.POST, "department"),
    )
    _internal(request, "promotion.answer_survey", department)
    form = SurveyImportForm(request.POST or None, request.FILES or None)
    rows = None
    if request.method == "POST" and form.is_valid():
        try:
            rows = importing.parse(
                form.cleaned_data["file"].read(), department=department, fiscal_year=fiscal_year
            )
            if form.cleaned_data["confirm"]:
                n = importing.import_rows(
                    actor=_user(request),
                    department=department,
                    fiscal_year=fiscal_year,
                    rows=rows,
                    valid_only=form.cleaned_data["valid_only"],
                )
                skipped = sum(1 for r in rows if r.ok and r.existing)
                messages.success(
                    request,
                    _(
                        "%(n)s collaborations were imported; %(skipped)s already recorded were left as they are."
                    )
                    % {"n": n, "skipped": skipped},
                )
                return redirect(f"/internal/survey/{fiscal_year}/?department={department.pk}")
        except (ValueError, ValidationError) as exc:
            form.add_error("file", " ".join(getattr(exc, "messages", [str(exc)])))
    return render(
        request,
        "promotion/survey_import.html",
        {
            "period": period,
            "department": department,
            "form": form,
            "rows": rows,
            "valid": sum(1 for r in rows if r.to_import) if rows else 0,
            "existing": sum(1 for r in rows if r.ok and r.existing) if rows else 0,
            "invalid": sum(1 for r in rows if not r.ok) if rows else 0,
        },
    )
