"""Project pages. Each view fetches and authorises through a selector, then calls one service."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyodo.accounts.models import User
from kyodo.core.uploads import serve_upload
from kyodo.guideline.models import Principle
from kyodo.projects import rules as project_rules
from kyodo.projects import selectors, services
from kyodo.projects.forms import (
    AgreementForm,
    ApproveForm,
    CancelForm,
    ChangeRequestForm,
    ChecklistForm,
    CompletionForm,
    DecideChangeForm,
    EvaluationForm,
    FilterForm,
    IndicatorForm,
    InviteForm,
    LessonsForm,
    MessageForm,
    MilestoneForm,
    ProgressReportForm,
    ProjectForm,
    RoleFormSet,
    TargetForm,
    ThemeAnswerForm,
    ThemeForm,
)
from kyodo.projects.models import (
    AgreementVersion,
    ChangeRequest,
    ChecklistAnswer,
    CompletionReport,
    ConsultationMessage,
    Milestone,
    ProjectDocument,
    Theme,
)
from kyodo.projects.workflow import STAGES, ChangeRequestStatus, EvaluationKind, ProjectStatus

S = ProjectStatus


def _actor(request: HttpRequest) -> User:
    """The signed-in user (views that call services are behind login_required)."""
    return cast(User, request.user)


def _apply_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for e in errors:
                form.add_error(target, e.messages[0] if hasattr(e, "messages") else e)
    else:
        for m in exc.messages:
            form.add_error(None, m)


def _fail(request: HttpRequest, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


# --- list and detail -------------------------------------------------------------------


def project_list(request: HttpRequest) -> HttpResponse:
    departments = list(selectors.department_choices())
    form = FilterForm(request.GET or None, departments=departments)
    filters = selectors.ProjectFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.ProjectFilters(
            status=d["status"],
            form=d["form"],
            department=d["department"],
            district=d["district"],
            field=d["field"],
            fiscal_year=d["fiscal_year"],
            origin=d["origin"],
            q=d["q"].strip(),
        )
    page = selectors.project_list(request.user, filters, cursor=request.GET.get("cursor"))
    return render(request, "projects/project_list.html", {"form": form, "page": page})


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_project_for(request.user, pk)
    partners = selectors.partners_of(project)
    agreement, version = selectors.current_agreement(project)
    changes = list(
        project.change_requests.select_related("organization").prefetch_related(
            "approvals__organization"
        )
    )
    signer_orgs = (
        project_rules.signer_org_ids(request.user, project)
        if request.user.is_authenticated
        else set()
    )
    decidable = {
        c.pk
        for c in changes
        if c.status == ChangeRequestStatus.PENDING
        and signer_orgs - {a.organization_id for a in c.approvals.all()}
    }
    context = {
        "project": project,
        "partners": partners,
        "departments": [p for p in partners if p.organization.org_type.actor_type.is_government],
        "total_yen": project.city_share_yen
        + sum(
            p.share_yen for p in partners if not p.organization.org_type.actor_type.is_government
        ),
        "agreement": agreement,
        "version": version,
        "actions": selectors.available_actions(request.user, project),
        "stages": [(s, S(s).label) for s in STAGES],
        "stage_index": STAGES.index(project.status) if project.status in STAGES else -1,
        "targets": list(project.targets.all()),
        "indicators": list(project.indicators.all()),
        "milestones": list(project.milestones.all()),
        "reports": list(
            project.progress_reports.select_related("organization").prefetch_related(
                "photos",
                Prefetch("documents", queryset=ProjectDocument.objects.filter(is_private=False)),
            )[:20]
        ),
        "changes": changes,
        "decidable_changes": decidable,
        "completion": CompletionReport.objects.filter(
            project=project, submitted_at__isnull=False
        ).first(),
        "public_documents": list(
            project.documents.filter(
                is_private=False, message__isnull=True, progress_report__isnull=True
            )
        ),
        "final": selectors.evaluation_comparison(request.user, project, EvaluationKind.FINAL),
        "follow_ups": list(
            project.follow_ups.filter(status__in=[s for s in S.values if s != S.DRAFT])
        ),
        "forms": list(project.forms.all()),
        "fields": list(project.fields.all()),
        "districts": list(project.districts.all()),
        "issues": list(project.issues.all()[:20]),
        "cancel_form": CancelForm(),
    }
    return render(request, "projects/project_detail.html", context)


# --- create and edit ---------------------------------------------------------------------


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("projects.add_project"):
        raise PermissionDenied
    predecessor = None
    theme = None
    source = request.POST if request.method == "POST" else request.GET
    if source.get("predecessor"):
        predecessor = selectors.get_project_for(request.user, int(source["predecessor"]))
    if source.get("theme"):
        theme = get_object_or_404(Theme, pk=int(source["theme"]))
    initial: dict[str, Any] = {}
    if predecessor:
        initial.update(
            predecessor=predecessor.pk,
            title=predecessor.title,
            purpose=predecessor.purpose,
            fiscal_year=predecessor.fiscal_year_end + 1,
            fiscal_year_end=predecessor.fiscal_year_end + 1,
            forms_=list(predecessor.forms.values_list("code", flat=True)),
            fields_=list(predecessor.fields.values_list("code", flat=True)),
            districts=list(predecessor.districts.values_list("code", flat=True)),
        )
    form = ProjectForm(request.POST or None, user=_actor(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            project = services.create_project(
                actor=_actor(request),
                title=d["title"],
                purpose=d["purpose"],
                summary=d["summary"],
                origin=d["origin"],
                fiscal_year=d["fiscal_year"],
                fiscal_year_end=d["fiscal_year_end"],
                lead_organization=d["lead_organization"],
                departments=list(d["departments"]),
                form_codes=d["forms_"],
                field_codes=d["fields_"],
                district_codes=d["districts"],
                city_share_yen=d["city_share_yen"],
                lead_share_yen=d["lead_share_yen"],
                predecessor=predecessor,
                theme=theme,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("The project was saved as a draft. Only its partners can see it for now."),
            )
            return redirect(project)
    return render(
        request,
        "projects/project_form.html",
        {
            "form": form,
            "project": None,
            "lessons": selectors.predecessor_lessons(predecessor),
            "theme": theme,
        },
    )


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_project_for(request.user, pk)
    if not request.user.has_perm("projects.change_project", project):
        raise PermissionDenied
    initial = {
        "title": project.title,
        "purpose": project.purpose,
        "summary": project.summary,
        "fiscal_year_end": project.fiscal_year_end,
        "city_share_yen": project.city_share_yen,
        "forms_": list(project.forms.values_list("code", flat=True)),
        "fields_": list(project.fields.values_list("code", flat=True)),
        "districts": list(project.districts.values_list("code", flat=True)),
    }
    form = ProjectForm(request.POST or None, user=_actor(request), editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.update_project(
                actor=_actor(request),
                project=project,
                title=d["title"],
                purpose=d["purpose"],
                summary=d["summary"],
                form_codes=d["forms_"],
                field_codes=d["fields_"],
                district_codes=d["districts"],
                city_share_yen=d["city_share_yen"],
                fiscal_year_end=d["fiscal_year_end"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(project)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "project": project, "lessons": None, "theme": None},
    )


TRANSITION_SERVICES = {
    "consult": services.start_consultation,
    "draft_agreement": services.start_agreement_drafting,
    "start": services.start_implementation,
    "finish": services.start_completion_report,
    "submit_completion": services.submit_completion_report,
    "close": services.close_project,
}


@login_required
@require_POST
def project_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    project = selectors.get_project_for(request.user, pk)
    service = TRANSITION_SERVICES.get(action)
    if service is None:
        raise Http404
    try:
        changed = service(actor=_actor(request), project=project)  # type: ignore[operator]
    except ValidationError as exc:
        _fail(request, exc)
    else:
        # The state the service wrote, never the one this request read before it.
        messages.success(
            request,
            _("Done: the project is now “%(status)s”.") % {"status": S(changed.status).label},
        )
    return redirect(project)


@login_required
def project_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_project_for(request.user, pk)
    if not request.user.has_perm("projects.cancel_project", project):
        raise PermissionDenied
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_project(
                actor=_actor(request), project=project, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The project was cancelled."))
            return redirect(project)
    return render(request, "projects/project_cancel.html", {"form": form, "project": project})


# --- consultation ------------------------------------------------------------------------


@login_required
def consultation(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_consultation_for(request.user, pk)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("attachment")
        try:
            services.post_message(
                actor=_actor(request),
                project=project,
                body=form.cleaned_data["body"],
                attachments=[upload] if upload else [],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect("projects:consultation", pk=project.pk)
    thread = list(
        ConsultationMessage.objects.filter(project=project)
        .select_related("author", "organization")
        .prefetch_related("documents")
    )
    actions = selectors.available_actions(request.user, project)
    invite_form = (
        InviteForm(project=project, with_groups=actions["invite_partner"])
        if actions["invite"]
        else None
    )
    return render(
        request,
        "projects/consultation_detail.html",
        {
            "project": project,
            "thread": thread,
            "form": form,
            "invite_form": invite_form,
            "invite_groups": actions["invite_partner"],
            "private_documents": list(
                project.documents.filter(is_private=True, message__isnull=True)
            ),
        },
    )


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_consultation_for(request.user, pk)
    if not project_rules.can_act(request.user, project, "invite"):
        raise PermissionDenied
    form = InviteForm(
        request.POST,
        project=project,
        with_groups=project_rules.can_act(request.user, project, "invite_partner"),
    )
    if form.is_valid():
        org = form.cleaned_data["organization"]
        try:
            services.invite_partner(
                actor=_actor(request),
                project=project,
                organization=org,
                role_label=form.cleaned_data["role_label"],
            )
        except ValidationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("%(name)s was invited as a partner.") % {"name": org.name})
    else:
        messages.error(request, _("Choose an organization to invite."))
    return redirect("projects:consultation", pk=project.pk)


def document(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponseBase:
    doc = selectors.get_document_for(request.user, pk, doc_pk)
    return serve_upload(
        doc.file,
        download_name=doc.original_name,
        private=doc.is_private or doc.message_id is not None,
    )


def photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponseBase:
    project = selectors.get_project_for(request.user, pk)
    from kyodo.projects.models import ProgressPhoto

    item = get_object_or_404(ProgressPhoto, pk=photo_pk, report__project=project)
    return serve_upload(
        item.image,
        download_name=f"photo-{item.pk}.{item.image.name.rsplit('.', 1)[-1]}",
        inline=True,
    )


# --- agreement ---------------------------------------------------------------------------


def agreement_detail(request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
    project = selectors.get_project_for(request.user, pk)
    agreement, current = selectors.current_agreement(project)
    if agreement is None or current is None:
        raise Http404
    version = (
        current
        if number is None
        else get_object_or_404(AgreementVersion, agreement=agreement, number=number)
    )
    version = selectors.version_detail(version)
    actions = selectors.available_actions(request.user, project)
    signer_orgs = (
        project_rules.signer_org_ids(request.user, project)
        if request.user.is_authenticated
        else set()
    )
    approved = {a.organization_id for a in version.approvals.all()}
    approve_form = None
    blockers = (
        [m for e in services.approval_blockers(project, version) for m in e.messages]
        if project.status == S.AGREEMENT_DRAFTING and version.pk == current.pk
        else []
    )
    if actions["approve"] and version.pk == current.pk and signer_orgs - approved and not blockers:
        approve_form = ApproveForm(
            org_ids=signer_orgs - approved, initial={"version_number": version.number}
        )
    return render(
        request,
        "projects/agreement_detail.html",
        {
            "project": project,
            "agreement": agreement,
            "version": version,
            "is_current": version.pk == current.pk,
            "versions": list(agreement.versions.order_by("-number")),
            "approved": approved,
            "actions": actions,
            "approve_form": approve_form,
            "blockers": blockers,
            "changes": selectors.version_changes(version),
            "checklist_complete": services.checklist_complete(project),
            "checklist": list(
                ChecklistAnswer.objects.filter(project=project).select_related("principle")
            ),
        },
    )


def agreement_pdf(request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
    from kyodo.projects.pdf import agreement_pdf_bytes

    project = selectors.get_project_for(request.user, pk)
    agreement, current = selectors.current_agreement(project)
    if agreement is None or current is None:
        raise Http404
    version = (
        current
        if number is None
        else get_object_or_404(AgreementVersion, agreement=agreement, number=number)
    )
    data = agreement_pdf_bytes(
        selectors.version_detail(version), changes=selectors.version_changes(version)
    )
    response = HttpResponse(data, content_type="application/pdf")
    kind = "change-agreement" if version.change_request_id else "agreement"
    response["Content-Disposition"] = (
        f'attachment; filename="{kind}-{project.pk}-v{version.number}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_project_for(request.user, pk)
    if not request.user.has_perm("projects.change_agreement", project):
        raise PermissionDenied
    _agreement, version = selectors.current_agreement(project)
    if version is None or project.status != S.AGREEMENT_DRAFTING:
        messages.error(request, _("The agreement can only be edited while it is being drafted."))
        return redirect(project)
    version = selectors.version_detail(version)
    partners = selectors.partners_of(project)
    form = AgreementForm(request.POST or None, version=version, partners=partners)
    initial_roles = [
        {
            "task": r.task,
            "party": r.party_id,
            "phase": r.phase,
            "tier": r.tier.code,
            "person": r.person_id,
        }
        for r in version.roles.all()
    ]
    formset = RoleFormSet(
        request.POST or None,
        initial=initial_roles,
        form_kwargs={"project": project},
        prefix="roles",
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        roles = [
            services.RoleInput(
                task=r["task"],
                party=r["party"],
                phase=r["phase"],
                tier_code=r["tier"],
                person=r.get("person"),
            )
            for r in formset.cleaned_data
            if r and r.get("task")
        ]
        parties = [
            services.PartyInput(
                p.organization, d[f"share_{p.organization_id}"], d[f"inkind_{p.organization_id}"]
            )
            for p in partners
        ]
        try:
            services.revise_agreement(
                actor=_actor(request),
                project=project,
                purpose=d["purpose"],
                period_start=d["period_start"],
                period_end=d["period_end"],
                cost_note=d["cost_note"],
                clause_information=d["clause_information"],
                clause_responsibility=d["clause_responsibility"],
                clause_change=d["clause_change"],
                clause_results=d["clause_results"],
                roles=roles,
                parties=parties,
                change_note=d["change_note"],
                based_on=d["based_on"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, _("A new version was saved. Every party now approves it again.")
            )
            return redirect("projects:agreement", pk=project.pk)
    return render(
        request,
        "projects/agreement_form.html",
        {"project": project, "version": version, "form": form, "formset": formset},
    )


@login_required
@require_POST
def agreement_approve(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_project_for(request.user, pk)
    if not request.user.has_perm("projects.approve_agreement", project):
        raise PermissionDenied
    form = ApproveForm(request.POST, org_ids=project_rules.signer_org_ids(request.user, project))
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm you have read this version."))
        return redirect("projects:agreement", pk=project.pk)
    try:
        services.approve_agreement(
            actor=_actor(request),
            project=project,
            organization=form.cleaned_data["organization"],
            version_number=form.cleaned_data["version_number"],
        )
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Your approval was recorded."))
    return redirect("projects:agreement", pk=project.pk)


@login_required
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_project_for(request.user, pk)
    if not request.user.has_perm("projects.change_project", project):
        raise PermissionDenied
    answers = dict(
        ChecklistAnswer.objects.filter(project=project).values_list("principle_id", "answer")
    )
    form = ChecklistForm(request.POST or None, answers=answers)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_checklist(
                actor=_actor(request),
                project=project,
                answers={p.pk: form.cleaned_data[f"p{p.pk}"] for p in Principle.objects.all()},
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The checklist was saved."))
            return (
                redirect("projects:agreement", pk=project.pk)
                if hasattr(project, "agreement")
                else redirect(project)
            )
    return render(request, "projects/checklist_form.html", {"project": project, "form": form})


# --- implementation ------------------------------------------------------------------------


def _simple_form_view(
    request: HttpRequest,
    pk: int,
    *,
    perm: str,
    form_class: Any,
    template_title: str,
    run: Any,
    success: str,
) -> HttpResponse:
    project = selectors.get_project_for(request.user, pk)
    if not request.user.has_perm(perm, project):
        raise PermissionDenied
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run(project, form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(project)
    return render(
        request,
        "projects/simple_form.html",
        {"project": project, "form": form, "title": template_title},
    )


@login_required
def progress_create(request: HttpRequest, pk: int) -> HttpResponse:
    def run(project: Any, d: dict[str, Any]) -> None:
        services.add_progress_report(
            actor=_actor(request),
            project=project,
            title=d["title"],
            body=d["body"],
            reported_on=d["reported_on"],
            participants=d["participants"],
            photos=[(d["photo"], d["photo_alt"])] if d.get("photo") else [],
            attachments=[d["attachment"]] if d.get("attachment") else [],
        )

    return _simple_form_view(
        request,
        pk,
        perm="projects.add_progressreport",
        form_class=ProgressReportForm,
        template_title=_("Report progress"),
        run=run,
        success=_("The progress report was published."),
    )


@login_required
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    def run(project: Any, d: dict[str, Any]) -> None:
        services.add_milestone(
            actor=_actor(request), project=project, title=d["title"], due_on=d["due_on"]
        )

    return _simple_form_view(
        request,
        pk,
        perm="projects.change_project",
        form_class=MilestoneForm,
        template_title=_("Add a milestone"),
        run=run,
        success=_("The milestone was added."),
    )


@login_required
@require_POST
def milestone_complete(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    project = selectors.get_project_for(request.user, pk)
    milestone = get_object_or_404(Milestone, pk=milestone_pk, project=project)
    try:
        services.complete_milestone(actor=_actor(request), milestone=milestone)
    except ValidationError as exc:
        _fail(request, exc)
    return redirect(project)


@login_required
def target_create(request: HttpRequest, pk: int) -> HttpResponse:
    def run(project: Any, d: dict[str, Any]) -> None:
        services.add_target(
            actor=_actor(request),
            project=project,
            description=d["description"],
            target_value=d["target_value"],
        )

    return _simple_form_view(
        request,
        pk,
        perm="projects.change_project",
        form_class=TargetForm,
        template_title=_("Add an outcome target"),
        run=run,
        success=_("The outcome target was added."),
    )


@login_required
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    def run(project: Any, d: dict[str, Any]) -> None:
        services.add_indicator(
            actor=_actor(request),
            project=project,
            name=d["name"],
            target_value=d["target_value"],
            unit=d["unit"],
        )

    return _simple_form_view(
        request,
        pk,
        perm="projects.change_project",
        form_class=IndicatorForm,
        template_title=_("Add an activity indicator"),
        run=run,
        success=_("The activity indicator was added."),
    )


@login_required
def change_create(request: HttpRequest, pk: int) -> HttpResponse:
    def run(project: Any, d: dict[str, Any]) -> None:
        services.request_change(
            actor=_actor(request),
            project=project,
            summary=d["summary"],
            reason=d["reason"],
            new_period_end=d["new_period_end"],
            new_city_share_yen=d["new_city_share_yen"],
        )

    return _simple_form_view(
        request,
        pk,
        perm="projects.add_changerequest",
        form_class=ChangeRequestForm,
        template_title=_("Request a change"),
        run=run,
        success=_("The change request was sent to every partner."),
    )


@login_required
def change_decide(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    project = selectors.get_project_for(request.user, pk)
    if not request.user.has_perm("projects.decide_changerequest", project):
        raise PermissionDenied
    change = get_object_or_404(ChangeRequest, pk=change_pk, project=project)
    decided = set(change.approvals.values_list("organization_id", flat=True))
    form = DecideChangeForm(
        request.POST or None, org_ids=project_rules.signer_org_ids(request.user, project) - decided
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_change(
                actor=_actor(request),
                change_request=change,
                organization=form.cleaned_data["organization"],
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Your decision was recorded."))
            return redirect(project)
    return render(
        request, "projects/change_decide.html", {"project": project, "change": change, "form": form}
    )


@login_required
def completion(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_project_for(request.user, pk)
    if not request.user.has_perm("projects.submit_completionreport", project):
        raise PermissionDenied
    report = CompletionReport.objects.filter(project=project).first()
    initial = {}
    if report:
        initial = {
            "summary": report.summary,
            "results": report.results,
            "participants": report.participants,
            "actual_city_yen": report.actual_city_yen,
            "actual_partner_yen": report.actual_partner_yen,
        }
    form = CompletionForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.save_completion_report(
                actor=_actor(request),
                project=project,
                summary=d["summary"],
                results=d["results"],
                participants=d["participants"],
                actual_city_yen=d["actual_city_yen"],
                actual_partner_yen=d["actual_partner_yen"],
                indicator_actuals={i.pk: d[f"ind_{i.pk}"] for i in form.indicators},
                target_results={t.pk: (d[f"tgt_{t.pk}"], d[f"ach_{t.pk}"]) for t in form.targets},
            )
            if "submit" in request.POST:
                services.submit_completion_report(actor=_actor(request), project=project)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The completion report was saved."))
            return redirect(project)
    return render(request, "projects/completion_form.html", {"project": project, "form": form})


# --- evaluation ----------------------------------------------------------------------------


def evaluation(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in EvaluationKind.values:
        raise Http404
    project = selectors.get_project_for(request.user, pk)
    comparison = selectors.evaluation_comparison(request.user, project, kind)
    actions = selectors.available_actions(request.user, project)
    can_submit = actions["evaluate_final" if kind == EvaluationKind.FINAL else "evaluate_midterm"]
    form = None
    if can_submit:
        own = project_rules.manager_org_ids(request.user, project) - comparison.submitted_org_ids
        if own:
            form = EvaluationForm(request.POST or None, org_ids=own)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.submit_evaluation(
                    actor=_actor(request),
                    project=project,
                    organization=d["organization"],
                    kind=kind,
                    scores={
                        item.pk: services.ScoreInput(
                            d[f"score_{item.pk}"], d[f"comment_{item.pk}"], d[f"reason_{item.pk}"]
                        )
                        for item in form.items
                    },
                    overall_satisfaction=d["overall_satisfaction"],
                    lessons=d["lessons"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Your evaluation was submitted."))
                return redirect("projects:evaluation", pk=project.pk, kind=kind)
    lessons_form = (
        LessonsForm(initial={"lessons": project.agreed_lessons})
        if actions["lessons"] and comparison.complete
        else None
    )
    return render(
        request,
        "projects/evaluation_detail.html",
        {
            "project": project,
            "kind": kind,
            "kind_label": EvaluationKind(kind).label,
            "comparison": comparison,
            "chart": selectors.evaluation_chart_svg(comparison) if comparison.complete else None,
            "form": form,
            "lessons_form": lessons_form,
            "actions": actions,
        },
    )


@login_required
@require_POST
def lessons(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_project_for(request.user, pk)
    form = LessonsForm(request.POST)
    if form.is_valid():
        try:
            services.record_lessons(
                actor=_actor(request), project=project, lessons=form.cleaned_data["lessons"]
            )
        except ValidationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("The agreed lessons were saved."))
    return redirect("projects:evaluation", pk=project.pk, kind=EvaluationKind.FINAL)


@login_required
def overdue_evaluations(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("projects.view_overdue_evaluations"):
        raise PermissionDenied
    return render(
        request, "projects/evaluation_overdue.html", {"rows": selectors.overdue_evaluations()}
    )


# --- themes ----------------------------------------------------------------------------------


def theme_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "projects/theme_list.html", {"themes": list(selectors.theme_list()[:200])}
    )


def theme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_object_or_404(Theme.objects.select_related("department"), pk=pk)
    proposals = list(theme.projects.filter(status__in=[s for s in S.values if s != S.DRAFT]))
    return render(request, "projects/theme_detail.html", {"theme": theme, "proposals": proposals})


@login_required
def theme_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("projects.add_theme"):
        raise PermissionDenied
    form = ThemeForm(request.POST or None, user=_actor(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            theme = services.create_theme(
                actor=_actor(request),
                department=d["department"],
                title=d["title"],
                problem=d["problem"],
                target=d["target"],
                expected_outcome=d["expected_outcome"],
                budget_ceiling_yen=d["budget_ceiling_yen"],
                deadline=d["deadline"],
                fiscal_year=d["fiscal_year"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect(theme)
    return render(
        request,
        "projects/simple_form.html",
        {"project": None, "form": form, "title": _("Publish a theme")},
    )


@login_required
def theme_answer(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_object_or_404(Theme, pk=pk)
    if not request.user.has_perm("projects.answer_theme", theme):
        raise PermissionDenied
    form = ThemeAnswerForm(request.POST or None, user=_actor(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            project = services.answer_theme(
                actor=_actor(request),
                theme=theme,
                organization=d["organization"],
                title=d["title"],
                purpose=d["purpose"],
                summary=d["summary"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your proposal was saved as a draft. Start the consultation when you are ready."),
            )
            return redirect(project)
    return render(
        request,
        "projects/simple_form.html",
        {
            "project": None,
            "form": form,
            "title": _("Propose a project for “%(theme)s”") % {"theme": theme.title},
        },
    )


@login_required
@require_POST
def theme_close(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_object_or_404(Theme, pk=pk)
    try:
        services.close_theme(actor=_actor(request), theme=theme)
    except ValidationError as exc:
        _fail(request, exc)
    return HttpResponseRedirect(reverse("projects:theme-detail", args=[theme.pk]))
