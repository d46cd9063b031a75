"""Pages of calls, applications, screening and grants. Each view authorises through a
selector (`get_<thing>_for`) and writes through one service."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kyodo.accounts.models import User
from kyodo.calls import exports, forms, pdf, selectors, services
from kyodo.calls.models import (
    Application,
    ApplicationDocument,
    ChangeRequest,
    Conclusion,
    Decision,
    ReviewerAssignment,
    Round,
    SettlementLine,
)
from kyodo.calls.selectors import allowed
from kyodo.calls.workflow import ApplicationStatus, CallStatus
from kyodo.core.uploads import serve_upload
from kyodo.organizations.models import MembershipRole, MembershipStatus, Organization
from kyodo.organizations.predicates import is_coordinator

MANAGER_ROLES = (MembershipRole.REPRESENTATIVE, MembershipRole.OFFICER, MembershipRole.CLERK)


def _user(request: HttpRequest) -> User:
    """The signed-in user (views that write are behind login_required)."""
    return cast(User, request.user)


def _error_messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _now_in(label: str, status: str) -> str:
    """The message after a transition names the state the record is now in (read back from
    the record the service returned, never the state it was in before)."""
    return _("%(done)s Now: “%(status)s”.") % {"done": label, "status": status}


def _add_errors(form: Any, exc: ValidationError) -> None:
    """A service's error against the field it names (when the form has that field), so the
    person sees it beside what they typed; anything else at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                for message in error.messages:
                    form.add_error(target, message)
        return
    for message in _error_messages(exc):
        form.add_error(None, message)


def _rows(formset: Any, *, keep_empty: bool = False) -> list[dict[str, Any]]:
    """Cleaned rows of a formset, without deleted and untouched extra rows."""
    rows = []
    for form in formset.forms:
        if not form.has_changed() and not keep_empty:
            continue
        data = dict(form.cleaned_data)
        if not data or data.pop("DELETE", False):
            continue
        rows.append(data)
    return rows


def _form_page(
    request: HttpRequest,
    *,
    title: str,
    form: Any,
    submit: str,
    back: str | None = None,
    lead: str = "",
    multipart: bool = False,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        "calls/form_page.html",
        {
            "title": title,
            "form": form,
            "submit_label": submit,
            "back": back,
            "lead": lead,
            "multipart": multipart,
            **(extra or {}),
        },
    )


# --- public ---------------------------------------------------------------------------------


@require_safe
def call_list(request: HttpRequest) -> HttpResponse:
    page = selectors.call_list(user=request.user, cursor=request.GET.get("cursor"))
    return render(
        request,
        "calls/call_list.html",
        {
            "page": page,
            "now": timezone.now(),
            "can_manage": allowed(request.user, "calls.manage_call"),
        },
    )


@require_safe
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk)
    now = timezone.now()
    slots = (
        (
            Application.objects.filter(call=call, presentation__isnull=False)
            .exclude(status__in=[ApplicationStatus.WITHDRAWN, ApplicationStatus.INELIGIBLE])
            .select_related("presentation", "organization")
            .order_by("presentation__starts_at")
        )
        if call.is_public
        else []
    )
    return render(
        request,
        "calls/call_detail.html",
        {
            "call": call,
            "now": now,
            "open_rounds": selectors.open_rounds(call, now),
            "slots": slots,
            "has_results": any(r.results_published_at for r in call.rounds.all()),
            "can_apply": allowed(request.user, "calls.apply_to_call", call),
            "can_manage": allowed(request.user, "calls.manage_call", call),
        },
    )


@require_safe
def call_results(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk)
    results = selectors.published_results(call)
    criteria = selectors.criteria_of(call)
    return render(
        request, "calls/call_results.html", {"call": call, "results": results, "criteria": criteria}
    )


@require_safe
def adopted_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    call = selectors.get_call_for(request.user, pk)
    return exports.adopted_projects(call, request.GET.get("format", "csv"))


# --- applicants -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def call_apply(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk, perm="calls.apply_to_call")
    coordinator = bool(is_coordinator(request.user))
    orgs = Organization.objects.groups().public()
    if not coordinator:
        orgs = orgs.filter(
            memberships__user=_user(request),
            memberships__status=MembershipStatus.ACTIVE,
            memberships__role__in=MANAGER_ROLES,
        )
    form = forms.ApplicationStartForm(
        request.POST or None, call=call, organizations=orgs, coordinator=coordinator
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.create_application(
                actor=_user(request),
                call=call,
                round=form.cleaned_data["round"],
                organization=form.cleaned_data["organization"],
                title=form.cleaned_data["title"],
                on_paper=bool(form.cleaned_data.get("on_paper")),
                paper_received_on=form.cleaned_data.get("paper_received_on"),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("Your draft is saved. Fill in the plan and the budget next.")
            )
            return redirect("calls:application-edit", application.pk)
    lead = (
        ""
        if orgs.exists()
        else _(
            "You can apply for a group you represent or run as an officer. Register your group first."
        )
    )
    return _form_page(
        request,
        title=_("Apply to “%(call)s”") % {"call": call.title},
        form=form,
        submit=_("Start the application"),
        back=reverse("calls:detail", args=[call.pk]),
        lead=lead,
    )


@login_required
@require_safe
def my_applications(request: HttpRequest) -> HttpResponse:
    page = selectors.my_applications(user=request.user, cursor=request.GET.get("cursor"))
    return render(request, "calls/application_list.html", {"page": page})


@login_required
@require_safe
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk)
    user = request.user
    totals = selectors.budget_of(application)
    rule = selectors.funding_rule_for(application)
    editable = allowed(user, "calls.change_application", application)
    decision = Decision.objects.filter(application=application).first()
    can_decide = allowed(user, "calls.decide_application", application)
    return render(
        request,
        "calls/application_detail.html",
        {
            "application": application,
            "call": application.call,
            "totals": totals,
            "rule": rule,
            "income": list(application.income_lines.all()),
            "expenses": list(application.expense_lines.all()),
            "roles": list(application.roles.all()),
            "documents": list(application.documents.select_related("requirement")),
            "problems": selectors.submission_problems(application) if editable else [],
            "editable": editable,
            "can_submit": allowed(user, "calls.submit_application", application),
            "can_withdraw": allowed(user, "calls.withdraw_application", application),
            "can_check": allowed(user, "calls.check_application", application),
            "can_decide": can_decide,
            "can_score": allowed(user, "calls.score_application", application),
            "can_declare": allowed(user, "calls.declare_conflict", application),
            "decision": decision if (can_decide or (decision and decision.published_at)) else None,
            "grant": getattr(application, "grant", None) if hasattr(application, "grant") else None,
            "presentation": getattr(application, "presentation", None)
            if hasattr(application, "presentation")
            else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk, perm="calls.change_application")
    form = forms.ApplicationForm(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k in services.APPLICATION_FIELDS}
        try:
            services.update_application(
                actor=_user(request),
                application=application,
                changes=changes,
                co_applicants=form.cleaned_data.get("co_applicants") or [],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The application is saved."))
            return redirect("calls:application-budget", application.pk)
    return _form_page(
        request,
        title=_("The plan: %(title)s") % {"title": application.title},
        form=form,
        submit=_("Save the plan"),
        back=reverse("calls:application-detail", args=[application.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_budget(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk, perm="calls.change_application")
    call = application.call
    categories = [*call.eligible_categories, *call.excluded_categories]
    income_initial = [
        {"source": i.source, "description": i.description, "amount_yen": i.amount_yen}
        for i in application.income_lines.all()
    ]
    expense_initial = [
        {
            "category": e.category,
            "description": e.description,
            "unit_price_yen": e.unit_price_yen,
            "quantity": e.quantity,
            "is_eligible": e.is_eligible,
        }
        for e in application.expense_lines.all()
    ]
    data = request.POST or None
    income = forms.IncomeFormSet(data, prefix="income", initial=income_initial)
    expenses = forms.ExpenseFormSet(
        data, prefix="expense", initial=expense_initial, form_kwargs={"categories": categories}
    )
    if request.method == "POST" and income.is_valid() and expenses.is_valid():
        income_rows = [r for r in _rows(income, keep_empty=True) if r.get("amount_yen") is not None]
        expense_rows = [
            r for r in _rows(expenses, keep_empty=True) if r.get("unit_price_yen") is not None
        ]
        # Untouched extra rows come back empty; initial rows count even when unchanged.
        problems = services.save_budget(
            actor=_user(request), application=application, income=income_rows, expenses=expense_rows
        )
        if problems:
            messages.warning(
                request,
                _("The budget is saved as a draft. Correct the points below before submitting."),
            )
        else:
            messages.success(request, _("The budget is saved and meets the rules."))
        return redirect("calls:application-budget", application.pk)
    rule = selectors.funding_rule_for(application)
    return render(
        request,
        "calls/application_budget.html",
        {
            "application": application,
            "income": income,
            "expenses": expenses,
            "rule": rule,
            "totals": selectors.budget_of(application),
            "problems": selectors.budget_problems(application),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_roles(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk, perm="calls.change_application")
    initial = [
        {"phase": r.phase, "party": r.party, "role": r.role} for r in application.roles.all()
    ]
    formset = forms.RoleFormSet(request.POST or None, prefix="role", initial=initial)
    if request.method == "POST" and formset.is_valid():
        services.save_roles(
            actor=_user(request),
            application=application,
            rows=[r for r in _rows(formset, keep_empty=True) if r.get("party")],
        )
        messages.success(request, _("The division of roles is saved."))
        return redirect("calls:application-detail", application.pk)
    return render(
        request,
        "calls/formset_page.html",
        {
            "title": _("Proposed division of roles: %(title)s") % {"title": application.title},
            "lead": _(
                "Who does what in planning, implementation and evaluation: your group, the city and any partners."
            ),
            "formset": formset,
            "submit_label": _("Save the roles"),
            "back": reverse("calls:application-detail", args=[application.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_documents(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk, perm="calls.change_application")
    form = forms.DocumentForm(request.POST or None, request.FILES or None, call=application.call)
    if request.method == "POST":
        if "delete" in request.POST:
            doc = get_object_or_404(
                ApplicationDocument, pk=request.POST["delete"], application=application
            )
            services.delete_document(actor=_user(request), document=doc)
            messages.success(request, _("The file is removed."))
            return redirect("calls:application-documents", application.pk)
        if form.is_valid():
            try:
                services.upload_document(
                    actor=_user(request),
                    application=application,
                    requirement=form.cleaned_data["requirement"],
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                messages.success(request, _("The file is uploaded."))
                return redirect("calls:application-documents", application.pk)
    return render(
        request,
        "calls/application_documents.html",
        {
            "application": application,
            "form": form,
            "documents": list(application.documents.select_related("requirement")),
            "required": list(application.call.required_documents.all()),
        },
    )


@login_required
@require_safe
def document_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    doc = get_object_or_404(ApplicationDocument.objects.select_related("application"), pk=pk)
    selectors.get_application_for(request.user, doc.application_id)
    return serve_upload(doc.file, download_name=doc.original_name)


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk)
    try:
        services.submit_application(actor=_user(request), application=application)
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(
            request, _("The application is submitted. The city will check it and contact you.")
        )
    return redirect("calls:application-detail", application.pk)


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk, perm="calls.withdraw_application")
    services.withdraw_application(actor=_user(request), application=application)
    messages.success(request, _("The application is withdrawn."))
    return redirect("calls:application-detail", application.pk)


# --- coordinators: configuring calls ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request: HttpRequest) -> HttpResponse:
    if not allowed(request.user, "calls.manage_call"):
        raise PermissionDenied
    form = forms.CallCreateForm(
        request.POST or None, initial={"fiscal_year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        call = services.create_call(actor=_user(request), **form.cleaned_data)
        messages.success(
            request,
            _("The call is created with the city's default rules. Add a review round next."),
        )
        return redirect("calls:manage", call.pk)
    return _form_page(
        request,
        title=_("New call"),
        form=form,
        submit=_("Create the call"),
        back=reverse("calls:list"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk, perm="calls.manage_call")
    form = forms.CallForm(request.POST or None, instance=call)
    if request.method == "POST" and form.is_valid():
        services.update_call(
            actor=_user(request),
            call=call,
            changes=form.changes(),
            org_types=form.cleaned_data["eligible_org_types"],
        )
        messages.success(request, _("The call is saved."))
        return redirect("calls:manage", call.pk)
    return _form_page(
        request,
        title=_("Rules of “%(call)s”") % {"call": call.title},
        form=form,
        submit=_("Save the call"),
        back=reverse("calls:manage", args=[call.pk]),
    )


@login_required
@require_safe
def call_manage(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk, perm="calls.manage_call")
    applications = list(selectors.call_applications(call))
    counts = dict(
        Application.objects.filter(call=call).values_list("status").annotate(n=Count("id"))
    )
    return render(
        request,
        "calls/call_manage.html",
        {
            "call": call,
            "applications": applications,
            "counts": counts,
            "statuses": ApplicationStatus,
            "can_publish": call.status == CallStatus.DRAFT,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def call_publish(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk, perm="calls.manage_call")
    try:
        services.publish_call(actor=_user(request), call=call)
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("The call is published."))
    return redirect("calls:manage", call.pk)


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, pk: int, round_pk: int | None = None) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk, perm="calls.manage_call")
    rnd = get_object_or_404(Round, pk=round_pk, call=call) if round_pk else None
    form = forms.RoundForm(
        request.POST or None,
        instance=rnd,
        initial=None if rnd else {"order": call.rounds.count() + 1},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_round(actor=_user(request), call=call, round=rnd, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The round is saved."))
            return redirect("calls:manage", call.pk)
    return _form_page(
        request,
        title=_("Review round of “%(call)s”") % {"call": call.title},
        form=form,
        submit=_("Save the round"),
        back=reverse("calls:manage", args=[call.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_funding_rules(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk, perm="calls.manage_call")
    initial = [
        {
            "track": r.track,
            "continuation_year": r.continuation_year,
            "rate_percent": r.rate_percent_label.rstrip("%"),
            "cap_yen": r.cap_yen,
            "rounding_unit_yen": r.rounding_unit_yen,
        }
        for r in call.funding_rules.all()
    ]
    formset = forms.FundingRuleFormSet(request.POST or None, prefix="rule", initial=initial)
    error = None
    if request.method == "POST" and formset.is_valid():
        rows = [
            {
                "track": r["track"],
                "continuation_year": r["continuation_year"],
                "rate_basis_points": r["rate_percent"],
                "cap_yen": r["cap_yen"],
                "rounding_unit_yen": r["rounding_unit_yen"],
            }
            for r in _rows(formset, keep_empty=True)
            if r.get("track")
        ]
        try:
            services.replace_funding_rules(actor=_user(request), call=call, rows=rows)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The funding rules are saved."))
            return redirect("calls:manage", call.pk)
    return render(
        request,
        "calls/formset_page.html",
        {
            "title": _("Funding rules of “%(call)s”") % {"call": call.title},
            "lead": _(
                "For each track and year of continuation: the rate of the eligible costs, the cap, and the unit the amount is rounded down to."
            ),
            "formset": formset,
            "submit_label": _("Save the funding rules"),
            "error": error,
            "back": reverse("calls:manage", args=[call.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_criteria(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk, perm="calls.manage_call")
    initial = [
        {
            "id": c.pk,
            "code": c.code,
            "order": c.order,
            "name": c.name,
            "description": c.description,
            "max_score": c.max_score,
            "weight": c.weight,
        }
        for c in call.criteria.all()
    ]
    formset = forms.CriterionFormSet(request.POST or None, prefix="criterion", initial=initial)
    error = None
    if request.method == "POST" and formset.is_valid():
        try:
            services.replace_criteria(
                actor=_user(request),
                call=call,
                rows=[r for r in _rows(formset, keep_empty=True) if r.get("name")],
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The screening criteria are saved."))
            return redirect("calls:manage", call.pk)
    return render(
        request,
        "calls/formset_page.html",
        {
            "title": _("Screening criteria of “%(call)s”") % {"call": call.title},
            "lead": _(
                "Copied from the city's defaults when the call was created. Totals are normalised to %(n)s points."
            )
            % {"n": call.normalise_to},
            "formset": formset,
            "submit_label": _("Save the criteria"),
            "error": error,
            "back": reverse("calls:manage", args=[call.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_required_documents(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk, perm="calls.manage_call")
    initial = [
        {
            "id": d.pk,
            "order": d.order,
            "name": d.name,
            "description": d.description,
            "is_required": d.is_required,
        }
        for d in call.required_documents.all()
    ]
    formset = forms.RequiredDocumentFormSet(
        request.POST or None, prefix="document", initial=initial
    )
    if request.method == "POST" and formset.is_valid():
        services.replace_required_documents(
            actor=_user(request),
            call=call,
            rows=[r for r in _rows(formset, keep_empty=True) if r.get("name")],
        )
        messages.success(request, _("The list of documents is saved."))
        return redirect("calls:manage", call.pk)
    return render(
        request,
        "calls/formset_page.html",
        {
            "title": _("Documents to submit for “%(call)s”") % {"call": call.title},
            "lead": "",
            "formset": formset,
            "submit_label": _("Save the documents"),
            "back": reverse("calls:manage", args=[call.pk]),
        },
    )


# --- coordinators: screening -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def application_check(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk, perm="calls.check_application")
    form = forms.EligibilityCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            checked = services.check_eligibility(
                actor=_user(request), application=application, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _now_in(_("The eligibility check is recorded."), checked.get_status_display()),
            )
            return redirect("calls:manage", application.call_id)
    findings = selectors.eligibility_problems(application) + selectors.budget_problems(application)
    return _form_page(
        request,
        title=_("Eligibility check: %(title)s") % {"title": application.title},
        form=form,
        submit=_("Record the check"),
        back=reverse("calls:application-detail", args=[application.pk]),
        extra={"findings": findings, "show_findings": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_reviewers(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = selectors.get_round_for(request.user, pk)
    form = forms.AssignReviewerForm(request.POST or None)
    if request.method == "POST":
        if "remove" in request.POST:
            assignment = get_object_or_404(ReviewerAssignment, pk=request.POST["remove"], round=rnd)
            services.unassign_reviewer(actor=_user(request), assignment=assignment)
            messages.success(request, _("The reviewer is removed from this round."))
            return redirect("calls:round-reviewers", rnd.pk)
        if form.is_valid():
            services.assign_reviewer(
                actor=_user(request), round=rnd, reviewer=form.cleaned_data["email"]
            )
            messages.success(request, _("The reviewer is assigned."))
            return redirect("calls:round-reviewers", rnd.pk)
    apps = list(rnd.applications.submitted().select_related("organization").order_by("id"))
    conflicts = selectors.conflicts_for_round(rnd, [a.pk for a in apps])
    assignments = list(rnd.assignments.select_related("reviewer").order_by("id"))
    return render(
        request,
        "calls/round_reviewers.html",
        {
            "round": rnd,
            "form": form,
            "assignments": assignments,
            "applications": apps,
            "conflicts": conflicts,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_presentation(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk, perm="calls.decide_application")
    slot = (
        getattr(application, "presentation", None) if hasattr(application, "presentation") else None
    )
    initial = (
        {"starts_at": slot.starts_at, "minutes": slot.minutes, "place": slot.place}
        if slot
        else None
    )
    form = forms.PresentationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.schedule_presentation(
            actor=_user(request), application=application, **form.cleaned_data
        )
        messages.success(request, _("The presentation is scheduled."))
        return redirect("calls:manage", application.call_id)
    return _form_page(
        request,
        title=_("Presentation slot: %(title)s") % {"title": application.title},
        form=form,
        submit=_("Save the slot"),
        back=reverse("calls:manage", args=[application.call_id]),
    )


@login_required
@require_safe
def round_ranking(request: HttpRequest, pk: int) -> HttpResponseBase:
    rnd = selectors.get_round_for(request.user, pk)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return exports.screening_sheet(rnd, fmt)
    criteria, rows = selectors.round_ranking(rnd)
    return render(
        request,
        "calls/round_ranking.html",
        {
            "round": rnd,
            "call": rnd.call,
            "criteria": criteria,
            "rows": rows,
            "allocated_total": sum(r.allocation.amount for r in rows),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk, perm="calls.decide_application")
    decision = Decision.objects.filter(application=application).first()
    committee = forms.CommitteeForm(
        request.POST if request.POST.get("step") == "committee" else None,
        initial={
            "conclusion": decision.committee_conclusion,
            "comment": decision.committee_comment,
            "conditions": decision.committee_conditions,
        }
        if decision
        else None,
        prefix="committee",
    )
    requested = selectors.budget_of(application).requested
    city = forms.CityDecisionForm(
        request.POST if request.POST.get("step") == "city" else None,
        initial={"amount_yen": requested},
        prefix="city",
    )
    if request.method == "POST":
        form = committee if request.POST.get("step") == "committee" else city
        if form.is_valid():
            try:
                if form is committee:
                    services.record_committee_conclusion(
                        actor=_user(request), application=application, **form.cleaned_data
                    )
                else:
                    services.record_city_decision(
                        actor=_user(request),
                        application=application,
                        decision=form.cleaned_data["decision"],
                        amount_yen=form.cleaned_data.get("amount_yen") or 0,
                        reason=form.cleaned_data.get("reason") or "",
                    )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                application.refresh_from_db(fields=["status"])
                messages.success(
                    request,
                    _now_in(_("The decision is recorded."), application.get_status_display()),
                )
                return redirect("calls:application-decide", application.pk)
    return render(
        request,
        "calls/application_decide.html",
        {
            "application": application,
            "decision": decision,
            "committee": committee,
            "city": city,
            "requested": requested,
            "conclusions": Conclusion,
        },
    )


@login_required
@require_POST
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = selectors.get_round_for(request.user, pk)
    try:
        count = services.publish_round_results(actor=_user(request), round=rnd)
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
        return redirect("calls:round-ranking", rnd.pk)
    messages.success(
        request, _("The results of %(count)s applications are published.") % {"count": count}
    )
    return redirect("calls:results", rnd.call_id)


# --- reviewers -------------------------------------------------------------------------------


@login_required
@require_safe
def my_reviews(request: HttpRequest) -> HttpResponse:
    return render(
        request, "calls/review_list.html", {"items": selectors.my_review_items(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_score(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk, perm="calls.score_application")
    criteria = selectors.criteria_of(application.call)
    sheet = (
        application.score_sheets.filter(reviewer=_user(request)).prefetch_related("scores").first()
    )
    initial: dict[str, Any] = {}
    if sheet:
        initial["comment"] = sheet.comment
        for s in sheet.scores.all():
            initial[f"score_{s.criterion_id}"] = s.score
            initial[f"comment_{s.criterion_id}"] = s.comment
    form = forms.ScoreForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_scores(
                actor=_user(request),
                application=application,
                scores=form.scores(),
                comment=form.cleaned_data.get("comment", ""),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect("calls:my-reviews")
    return render(
        request,
        "calls/application_score.html",
        {
            "application": application,
            "form": form,
            "criteria": criteria,
            "expenses": list(application.expense_lines.all()),
            "income": list(application.income_lines.all()),
            "roles": list(application.roles.all()),
            "totals": selectors.budget_of(application),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    application = Application.objects.select_related("call", "round").filter(pk=pk).first()
    if application is None or not allowed(request.user, "calls.declare_conflict", application):
        raise Http404
    form = forms.ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.declare_conflict(
            actor=_user(request), application=application, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            _("Your conflict of interest is recorded. You will not score this application."),
        )
        return redirect("calls:my-reviews")
    return _form_page(
        request,
        title=_("Declare a conflict of interest: %(title)s") % {"title": application.title},
        form=form,
        submit=_("Declare the conflict"),
        back=reverse("calls:my-reviews"),
        lead=_(
            "Declare a conflict if you or your family belong to, advise or work with this group, or would gain from its project."
        ),
    )


# --- grants ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def grant_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk, perm="calls.decide_application")
    allocated = application.decision.city_amount_yen if hasattr(application, "decision") else 0
    form = forms.GrantForm(request.POST or None, initial={"amount_yen": allocated})
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.decide_grant(
                actor=_user(request), application=application, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("The grant is decided. Download the notice and send it to the group.")
            )
            return redirect("calls:grant-detail", grant.pk)
    return _form_page(
        request,
        title=_("Grant decision: %(title)s") % {"title": application.title},
        form=form,
        submit=_("Decide the grant"),
        back=reverse("calls:application-detail", args=[application.pk]),
    )


@login_required
@require_safe
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant = selectors.get_grant_for(request.user, pk)
    lines = list(grant.settlement_lines.all())
    return render(
        request,
        "calls/grant_detail.html",
        {
            "grant": grant,
            "application": grant.application,
            "lines": lines,
            "eligible": sum(line.amount_yen for line in lines if line.is_eligible),
            "changes": list(grant.change_requests.all()),
            "can_report": allowed(request.user, "calls.report_settlement", grant),
            "can_manage": allowed(request.user, "calls.manage_grant", grant),
            "return_form": forms.ReturnForm(),
            "payment_form": forms.PaymentForm(
                initial={"amount_yen": grant.confirmed_amount_yen, "paid_on": timezone.localdate()}
            ),
            "change_form": forms.ChangeDecisionForm(),
        },
    )


@login_required
@require_safe
def grant_notice(request: HttpRequest, pk: int) -> HttpResponse:
    grant = selectors.get_grant_for(request.user, pk)
    response = HttpResponse(pdf.grant_notice(grant), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="grant-notice-{grant.pk}.pdf"'
    return response


@login_required
@require_safe
def grant_confirmed_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """額の確定通知書, for the applicant and staff once the amount is confirmed."""
    grant = selectors.get_grant_for(request.user, pk)
    if grant.confirmed_amount_yen is None:
        raise Http404
    body = pdf.confirmed_notice(grant, eligible_cost=selectors.settlement_eligible_cost(grant))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="confirmed-notice-{grant.pk}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def grant_change_request(request: HttpRequest, pk: int) -> HttpResponse:
    grant = selectors.get_grant_for(request.user, pk, perm="calls.request_change")
    form = forms.ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_change(actor=_user(request), grant=grant, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your change request is sent to the city."))
            return redirect("calls:grant-detail", grant.pk)
    return _form_page(
        request,
        title=_("Ask to change the plan or budget"),
        form=form,
        submit=_("Send the change request"),
        back=reverse("calls:grant-detail", args=[grant.pk]),
    )


@login_required
@require_POST
def change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(ChangeRequest.objects.select_related("grant"), pk=pk)
    selectors.get_grant_for(request.user, change.grant_id, perm="calls.manage_grant")
    form = forms.ChangeDecisionForm(request.POST)
    if form.is_valid():
        try:
            change = services.decide_change(
                actor=_user(request),
                change=change,
                approve=form.cleaned_data["approve"],
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as exc:
            for message in _error_messages(exc):
                messages.error(request, message)
        else:
            messages.success(
                request,
                _now_in(_("The change request is decided."), change.get_status_display()),
            )
    else:
        messages.error(request, _("Choose whether to approve the change."))
    return redirect("calls:grant-detail", change.grant_id)


@login_required
@require_http_methods(["GET", "POST"])
def grant_settlement(request: HttpRequest, pk: int) -> HttpResponse:
    grant = selectors.get_grant_for(request.user, pk, perm="calls.report_settlement")
    call = grant.application.call
    categories = [*call.eligible_categories, *call.excluded_categories]
    existing = list(grant.settlement_lines.all())
    if not existing:
        planned = [
            {
                "category": e.category,
                "description": e.description,
                "amount_yen": e.amount_yen,
                "is_eligible": e.is_eligible,
            }
            for e in grant.application.expense_lines.all()
        ]
    else:
        planned = [
            {
                "keep": line.pk,
                "category": line.category,
                "description": line.description,
                "amount_yen": line.amount_yen,
                "is_eligible": line.is_eligible,
            }
            for line in existing
        ]
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = forms.SettlementForm(
        data,
        initial={
            "results": grant.settlement_results,
            "participants": grant.settlement_participants,
        },
    )
    formset = forms.SettlementLineFormSet(
        data, files, prefix="line", initial=planned, form_kwargs={"categories": categories}
    )
    receipts = {line.pk: line for line in existing}
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = []
        for row in _rows(formset, keep_empty=True):
            if row.get("amount_yen") is None:
                continue
            row["keep_receipt_from"] = row.pop("keep", None)
            rows.append(row)
        try:
            services.save_settlement(
                actor=_user(request),
                grant=grant,
                results=form.cleaned_data["results"],
                participants=form.cleaned_data.get("participants"),
                lines=rows,
            )
            if "submit" in request.POST:
                services.submit_settlement(actor=_user(request), grant=grant)
        except ValidationError as exc:
            for message in _error_messages(exc):
                messages.error(request, message)
            return redirect("calls:grant-settlement", grant.pk)
        messages.success(
            request,
            _("The settlement report is submitted.")
            if "submit" in request.POST
            else _("The settlement report is saved."),
        )
        return redirect("calls:grant-detail", grant.pk)
    return render(
        request,
        "calls/grant_settlement.html",
        {
            "grant": grant,
            "form": form,
            "formset": formset,
            "receipts": receipts,
        },
    )


@login_required
@require_safe
def receipt_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    line = get_object_or_404(SettlementLine, pk=pk)
    selectors.get_grant_for(request.user, line.grant_id)
    return serve_upload(line.receipt, download_name=line.receipt_name or "receipt")


@login_required
@require_POST
def grant_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    grant = selectors.get_grant_for(request.user, pk, perm="calls.manage_grant")
    try:
        if action == "confirm":
            grant = services.confirm_amount(actor=_user(request), grant=grant)
            messages.success(
                request, _now_in(_("The amount is confirmed."), grant.get_status_display())
            )
        elif action == "return":
            form = forms.ReturnForm(request.POST)
            grant = services.return_settlement(
                actor=_user(request), grant=grant, reason=form.data.get("reason", "")
            )
            messages.success(
                request,
                _now_in(_("The report is returned to the group."), grant.get_status_display()),
            )
        elif action == "pay":
            pay = forms.PaymentForm(request.POST)
            if not pay.is_valid():
                for errors in pay.errors.values():
                    for e in errors:
                        messages.error(request, str(e))
                return redirect("calls:grant-detail", grant.pk)
            grant = services.record_payment(actor=_user(request), grant=grant, **pay.cleaned_data)
            messages.success(
                request, _now_in(_("The payment is recorded."), grant.get_status_display())
            )
        else:
            raise Http404
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
    return redirect("calls:grant-detail", grant.pk)
