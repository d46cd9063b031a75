"""Collaboration projects (協働事業): the public list and page of a project (partners, the
role-division table of the signed agreement, milestones and reports, the mutual evaluation
once every partner has submitted), and submitting an evaluation.

Visibility is kyodo.projects' own: `selectors.visible_projects` for the list and
`selectors.get_project_for` (rule `projects.view_project`) for one project, so drafts are
seen only by their partners, their creator and the coordinators, exactly as on the website.
The private consultation (相談) is never part of the API. Evaluation scores come from
`selectors.evaluation_comparison` (hidden until every partner has submitted); submitting
calls `services.submit_evaluation` (rule `projects.evaluate_project`)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from kyodo.api.auth import SIGNED_IN, caller
from kyodo.api.errors import error_responses
from kyodo.api.schemas import CodeName, PageQuery, code_name, page_schema, paginate
from kyodo.guideline.models import EvaluationItem
from kyodo.organizations.models import Organization
from kyodo.projects import rules as project_rules
from kyodo.projects import selectors, services
from kyodo.projects.models import (
    AgreementVersion,
    CompletionReport,
    Evaluation,
    Project,
    ProjectPartner,
    Role,
)
from kyodo.projects.workflow import EvaluationKind, ProjectStatus

router = Router(tags=["projects"])

S = ProjectStatus
# A database integer: larger ids cannot exist (and would overflow SQLite's INTEGER).
MAX_ID = 2**63 - 1


# --- shapes ---------------------------------------------------------------------------------


class ProjectPartnerOut(Schema):
    organization: int = Field(description="id in /organizations")
    name: str
    is_lead: bool
    is_department: bool = Field(description="a city department (responsible department)")
    role_label: str
    share_yen: int | None = Field(description="the partner's share; null for departments")
    in_kind: str


class ProjectOut(Schema):
    id: int
    title: str
    purpose: str
    summary: str
    status: str = Field(
        description="draft, consultation, agreement_drafting, agreed, in_progress, "
        "completion_report, evaluation, closed or cancelled"
    )
    status_label: str
    origin: str = Field(description="citizen, city or other")
    fiscal_year: int = Field(description="first fiscal year")
    fiscal_year_end: int = Field(description="last fiscal year")
    forms: list[CodeName]
    fields: list[CodeName]
    districts: list[CodeName]
    partners: list[ProjectPartnerOut]
    city_share_yen: int
    url: str = Field(description="the project's page on the website")


class AgreementRoleOut(Schema):
    order: int
    phase: str = Field(description="planning, implementation or evaluation")
    phase_label: str
    task: str
    party: int = Field(description="organization id of the responsible party")
    party_name: str
    person: str | None = Field(description="public name of the person in charge")
    tier: CodeName = Field(description="自助・共助・公助")


class AgreementPartyOut(Schema):
    designation: str = Field(description="甲, 乙, 丙 …")
    organization: int
    name: str
    share_yen: int
    in_kind: str


class AgreementVersionOut(Schema):
    number: int
    created_at: dt.datetime
    change_note: str
    period_start: dt.date
    period_end: dt.date
    approved_by: list[str] = Field(description="names of the parties that approved it")
    is_current: bool
    is_signed: bool


class AgreementOut(Schema):
    signed_at: dt.datetime | None
    signed_version: int | None = Field(description="number of the signed version")
    current_version: int | None = Field(description="number of the latest version")
    purpose: str = Field(description="purpose in the signed version ('' before signing)")
    period_start: dt.date | None
    period_end: dt.date | None
    parties: list[AgreementPartyOut] = Field(description="parties of the signed version")
    roles: list[AgreementRoleOut] = Field(
        description="role-division table (役割分担表) of the signed version"
    )
    versions: list[AgreementVersionOut]


class ProjectTargetOut(Schema):
    description: str
    target_value: str
    actual_value: str
    achieved: bool | None


class ProjectIndicatorOut(Schema):
    name: str
    unit: str
    target_value: int
    actual_value: int | None
    achievement_percent: int | None


class ProjectMilestoneOut(Schema):
    title: str
    due_on: dt.date
    done_on: dt.date | None


class ProjectProgressReportOut(Schema):
    title: str
    body: str
    reported_on: dt.date
    participants: int | None
    organization: str | None = Field(description="name of the reporting partner")


class ProjectCompletionOut(Schema):
    summary: str
    results: str
    participants: int
    actual_city_yen: int
    actual_partner_yen: int
    actual_total_yen: int
    submitted_at: dt.datetime | None


class EvaluationMeanOut(Schema):
    groups: float | None = Field(description="mean of the group partners' scores")
    city: float | None = Field(description="mean of the departments' scores")
    gap: float | None = Field(description="groups minus city")


class EvaluationPrincipleMeanOut(EvaluationMeanOut):
    principle: str = Field(description="principle code (/guideline/principles)")
    number: int
    name: str


class EvaluationItemResultOut(EvaluationMeanOut):
    item: str = Field(description="evaluation item code (/guideline/evaluation-items)")
    name: str
    principle: str | None
    scores: list[int | None] = Field(description="one score per partner, in `partners` order")
    highlighted: bool = Field(description="the partners differ by 2 points or more")


class EvaluationPartnerOut(Schema):
    organization: int
    name: str
    is_department: bool
    submitted: bool = Field(description="this partner has submitted (shown before publication)")
    overall_satisfaction: int | None
    lessons: str


class EvaluationResultOut(Schema):
    kind: str = Field(description="midterm or final")
    published: bool = Field(
        description="every partner has submitted: only then are scores shown (to everyone)"
    )
    partners_total: int
    partners_submitted: int
    partners: list[EvaluationPartnerOut]
    items: list[EvaluationItemResultOut]
    principles: list[EvaluationPrincipleMeanOut] = Field(
        description="per-principle means, groups vs city"
    )
    overall_satisfaction: EvaluationMeanOut


class ProjectDetailOut(ProjectOut):
    predecessor: int | None = Field(description="id of the project this one follows on from")
    theme: int | None = Field(description="id of the city-proposed theme it answers")
    agreed_lessons: str = Field(description="shown once the final evaluation is published")
    consultation_started_at: dt.datetime | None
    agreed_at: dt.datetime | None
    started_at: dt.datetime | None
    closed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    cancel_reason: str
    agreement: AgreementOut | None
    targets: list[ProjectTargetOut]
    indicators: list[ProjectIndicatorOut]
    milestones: list[ProjectMilestoneOut]
    progress_reports: list[ProjectProgressReportOut] = Field(description="the 20 latest")
    completion_report: ProjectCompletionOut | None
    evaluations: list[EvaluationResultOut]


ProjectPage = page_schema(ProjectOut, "ProjectPage")


class ProjectFilters(Schema):
    status: str | None = Field(None, description="status code (see `status`)")
    form: str | None = Field(None, description="form of collaboration code")
    field: str | None = Field(None, description="field code")
    district: str | None = Field(None, description="district code")
    department: int | None = Field(
        None, ge=1, le=MAX_ID, description="organization id of a partner department"
    )
    organization: int | None = Field(
        None, ge=1, le=MAX_ID, description="organization id of any partner (group or department)"
    )
    fiscal_year: int | None = Field(
        None, ge=1900, le=2200, description="projects running in this fiscal year"
    )
    origin: str | None = Field(None, description="citizen, city or other")
    q: str | None = Field(None, max_length=100, description="words in the title or purpose")


# --- serializers ----------------------------------------------------------------------------


def _is_department(partner: ProjectPartner) -> bool:
    return bool(partner.organization.org_type.actor_type.is_government)


def partner_out(partner: ProjectPartner) -> dict[str, Any]:
    department = _is_department(partner)
    return {
        "organization": partner.organization_id,
        "name": partner.organization.name,
        "is_lead": partner.is_lead,
        "is_department": department,
        "role_label": partner.role_label,
        "share_yen": None if department else int(partner.share_yen),
        "in_kind": partner.in_kind,
    }


def project_out(project: Project) -> dict[str, Any]:
    return {
        "id": project.pk,
        "title": project.title,
        "purpose": project.purpose,
        "summary": project.summary,
        "status": project.status,
        "status_label": str(S(project.status).label),
        "origin": project.origin,
        "fiscal_year": project.fiscal_year,
        "fiscal_year_end": project.fiscal_year_end,
        "forms": [code_name(f) for f in project.forms.all()],
        "fields": [code_name(f) for f in project.fields.all()],
        "districts": [code_name(d) for d in project.districts.all()],
        "partners": [partner_out(p) for p in project.partners.all()],
        "city_share_yen": int(project.city_share_yen),
        "url": project.get_absolute_url(),
    }


def _partners_prefetch() -> Prefetch:
    return Prefetch(
        "partners",
        queryset=ProjectPartner.objects.select_related("organization__org_type__actor_type"),
    )


def _filtered(user: Any, f: ProjectFilters) -> QuerySet[Project]:
    """`selectors.visible_projects` (who may see what) with the list filters of
    `selectors.project_list`, plus `organization` (any partner)."""
    qs = selectors.visible_projects(user)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.form:
        qs = qs.filter(forms__code=f.form)
    if f.department:
        qs = qs.filter(partners__organization_id=f.department)
    if f.organization:
        qs = qs.filter(
            pk__in=ProjectPartner.objects.filter(organization_id=f.organization).values(
                "project_id"
            )
        )
    if f.district:
        qs = qs.filter(districts__code=f.district)
    if f.field:
        qs = qs.filter(fields__code=f.field)
    if f.fiscal_year:
        qs = qs.filter(fiscal_year__lte=f.fiscal_year, fiscal_year_end__gte=f.fiscal_year)
    if f.origin:
        qs = qs.filter(origin=f.origin)
    if f.q and f.q.strip():
        words = f.q.strip()
        qs = qs.filter(Q(title__icontains=words) | Q(purpose__icontains=words))
    return qs.distinct().prefetch_related("forms", "fields", "districts", _partners_prefetch())


def _round(value: Decimal | None) -> float | None:
    if value is None:
        return None
    return float(value.quantize(Decimal("0.01"), ROUND_HALF_UP))


def _mean(values: list[int]) -> Decimal | None:
    return Decimal(sum(values)) / len(values) if values else None


def _means(groups: list[int], city: list[int]) -> dict[str, float | None]:
    g, c = _mean(groups), _mean(city)
    return {
        "groups": _round(g),
        "city": _round(c),
        "gap": _round(g - c) if g is not None and c is not None else None,
    }


def evaluation_result(user: Any, project: Project, kind: str) -> dict[str, Any]:
    """The published results of one kind of evaluation (`selectors.evaluation_comparison`):
    nothing but the progress until every partner has submitted."""
    comparison = selectors.evaluation_comparison(user, project, kind)
    partners = comparison.partners
    out: dict[str, Any] = {
        "kind": kind,
        "published": comparison.complete,
        "partners_total": len(partners),
        "partners_submitted": len(
            comparison.submitted_org_ids & {p.organization_id for p in partners}
        ),
        "partners": [],
        "items": [],
        "principles": [],
        "overall_satisfaction": {"groups": None, "city": None, "gap": None},
    }
    city_side = [_is_department(p) for p in partners]
    sheets = {e.organization_id: e for e in comparison.evaluations} if comparison.complete else {}
    out["partners"] = [
        {
            "organization": p.organization_id,
            "name": p.organization.name,
            "is_department": city_side[i],
            "submitted": p.organization_id in comparison.submitted_org_ids,
            "overall_satisfaction": comparison.satisfaction[i] if comparison.complete else None,
            "lessons": sheets[p.organization_id].lessons if p.organization_id in sheets else "",
        }
        for i, p in enumerate(partners)
    ]
    if not comparison.complete:
        return out
    by_principle: dict[int, tuple[Any, list[int], list[int]]] = {}
    principles = {i.pk: i.principle for i in EvaluationItem.objects.select_related("principle")}
    for row in comparison.rows:
        groups = [
            s for s, city in zip(row.scores, city_side, strict=True) if s is not None and not city
        ]
        city = [s for s, c in zip(row.scores, city_side, strict=True) if s is not None and c]
        principle = principles.get(row.item.pk)
        out["items"].append(
            {
                "item": row.item.code,
                "name": row.item.name,
                "principle": principle.code if principle else None,
                "scores": row.scores,
                "highlighted": row.highlighted,
                **_means(groups, city),
            }
        )
        if principle is not None:
            entry = by_principle.setdefault(principle.pk, (principle, [], []))
            entry[1].extend(groups)
            entry[2].extend(city)
    out["principles"] = [
        {"principle": p.code, "number": p.number, "name": p.name, **_means(g, c)}
        for p, g, c in sorted(by_principle.values(), key=lambda e: e[0].number)
    ]
    sat = comparison.satisfaction
    out["overall_satisfaction"] = _means(
        [s for s, c in zip(sat, city_side, strict=True) if s is not None and not c],
        [s for s, c in zip(sat, city_side, strict=True) if s is not None and c],
    )
    return out


def role_out(role: Role) -> dict[str, Any]:
    return {
        "order": role.order,
        "phase": role.phase,
        "phase_label": role.get_phase_display(),
        "task": role.task,
        "party": role.party_id,
        "party_name": role.party.name,
        "person": role.person.public_name if role.person_id and role.person else None,
        "tier": code_name(role.tier),
    }


def agreement_out(project: Project) -> dict[str, Any] | None:
    agreement, current = selectors.current_agreement(project)
    if agreement is None:
        return None
    versions = list(
        AgreementVersion.objects.filter(agreement=agreement)
        .prefetch_related("approvals__organization")
        .order_by("-number")
    )
    signed = agreement.signed_version
    out: dict[str, Any] = {
        "signed_at": agreement.signed_at,
        "signed_version": signed.number if signed else None,
        "current_version": current.number if current else None,
        "purpose": "",
        "period_start": None,
        "period_end": None,
        "parties": [],
        "roles": [],
        "versions": [
            {
                "number": v.number,
                "created_at": v.created_at,
                "change_note": v.change_note,
                "period_start": v.period_start,
                "period_end": v.period_end,
                "approved_by": [a.organization.name for a in v.approvals.all()],
                "is_current": current is not None and v.pk == current.pk,
                "is_signed": signed is not None and v.pk == signed.pk,
            }
            for v in versions
        ],
    }
    if signed is not None:
        version = selectors.version_detail(signed)
        out.update(
            purpose=version.purpose,
            period_start=version.period_start,
            period_end=version.period_end,
            parties=[
                {
                    "designation": p.designation,
                    "organization": p.organization_id,
                    "name": p.organization.name,
                    "share_yen": int(p.share_yen),
                    "in_kind": p.in_kind,
                }
                for p in version.parties.all()
            ],
            roles=[role_out(r) for r in version.roles.all()],
        )
    return out


def _load(user: Any, project_id: int) -> Project:
    """The project if the user may see it (404 otherwise), with what the pages show."""
    project = selectors.get_project_for(user, project_id)
    # Reload with the relations the serializer reads (one query per relation).
    return (
        Project.objects.select_related("predecessor", "theme")
        .prefetch_related("forms", "fields", "districts", _partners_prefetch())
        .get(pk=project.pk)
    )


# --- reads ----------------------------------------------------------------------------------


@router.get("", response={200: ProjectPage, **error_responses(401, 403, 422, 429)})
def list_projects(
    request: HttpRequest, filters: Query[ProjectFilters], page: Query[PageQuery]
) -> Any:
    """Collaboration projects, latest fiscal year first. Drafts (構想) appear only to their
    partners, their creator and the coordinators, as on the website."""
    return paginate(
        _filtered(caller(request), filters),
        ordering=selectors.LIST_ORDERING,
        cursor=page.cursor,
        limit=page.limit,
        serialize=project_out,
    )


@router.get(
    "/{project_id}", response={200: ProjectDetailOut, **error_responses(401, 403, 404, 422, 429)}
)
def get_project(request: HttpRequest, project_id: int) -> Any:
    """One project: partners, the signed agreement's role-division table, targets,
    milestones, reports, and the mutual evaluation once every partner has submitted."""
    user = caller(request)
    project = _load(user, project_id)
    final = evaluation_result(user, project, EvaluationKind.FINAL)
    data = project_out(project)
    data.update(
        predecessor=project.predecessor_id
        if project.predecessor and project.predecessor.is_public
        else None,
        theme=project.theme_id,
        agreed_lessons=project.agreed_lessons if final["published"] else "",
        consultation_started_at=project.consultation_started_at,
        agreed_at=project.agreed_at,
        started_at=project.started_at,
        closed_at=project.closed_at,
        cancelled_at=project.cancelled_at,
        cancel_reason=project.cancel_reason,
        agreement=agreement_out(project),
        targets=[
            {
                "description": t.description,
                "target_value": t.target_value,
                "actual_value": t.actual_value,
                "achieved": t.achieved,
            }
            for t in project.targets.all()
        ],
        indicators=[
            {
                "name": i.name,
                "unit": i.unit,
                "target_value": i.target_value,
                "actual_value": i.actual_value,
                "achievement_percent": i.achievement_percent,
            }
            for i in project.indicators.all()
        ],
        milestones=[
            {"title": m.title, "due_on": m.due_on, "done_on": m.done_on}
            for m in project.milestones.all()
        ],
        progress_reports=[
            {
                "title": r.title,
                "body": r.body,
                "reported_on": r.reported_on,
                "participants": r.participants,
                "organization": r.organization.name if r.organization else None,
            }
            for r in project.progress_reports.select_related("organization")[:20]
        ],
        completion_report=_completion(project),
        evaluations=[evaluation_result(user, project, EvaluationKind.MIDTERM), final],
    )
    return data


def _completion(project: Project) -> dict[str, Any] | None:
    report = CompletionReport.objects.filter(project=project, submitted_at__isnull=False).first()
    if report is None:
        return None
    return {
        "summary": report.summary,
        "results": report.results,
        "participants": report.participants,
        "actual_city_yen": int(report.actual_city_yen),
        "actual_partner_yen": int(report.actual_partner_yen),
        "actual_total_yen": report.actual_total_yen,
        "submitted_at": report.submitted_at,
    }


# --- your evaluations -----------------------------------------------------------------------


class EvaluationItemToScoreOut(Schema):
    code: str
    name: str
    question: str
    principle: str | None


class EvaluationSheetOut(Schema):
    kind: str
    organization: int
    organization_name: str
    submitted_at: dt.datetime | None
    overall_satisfaction: int | None
    lessons: str
    scores: dict[str, int] = Field(description="item code → score")


class MyEvaluationsOut(Schema):
    open_kinds: list[str] = Field(
        description="kinds of evaluation you may submit now (midterm while in progress or "
        "writing the completion report; final during the evaluation)"
    )
    may_submit_for: dict[str, list[int]] = Field(
        description="kind → ids of your partner organizations that have not submitted yet"
    )
    items: list[EvaluationItemToScoreOut] = Field(description="the items to score, 1–5")
    sheets: list[EvaluationSheetOut] = Field(description="your organizations' evaluation sheets")


@router.get(
    "/{project_id}/evaluations/mine",
    auth=SIGNED_IN,
    response={200: MyEvaluationsOut, **error_responses(401, 403, 404, 422, 429)},
)
def my_evaluations(request: HttpRequest, project_id: int) -> Any:
    """What you may evaluate on this project, for which of your organizations, and your
    organizations' sheets (same choices as the website's evaluation form)."""
    user = caller(request)
    project = selectors.get_project_for(user, project_id)
    actions = selectors.available_actions(user, project)
    own = project_rules.manager_org_ids(user, project)
    open_kinds: list[str] = []
    may_submit_for: dict[str, list[int]] = {}
    for kind, action in (
        (EvaluationKind.MIDTERM, "evaluate_midterm"),
        (EvaluationKind.FINAL, "evaluate_final"),
    ):
        if not actions[action]:
            continue
        open_kinds.append(str(kind))
        submitted = set(
            Evaluation.objects.filter(
                project=project, kind=kind, submitted_at__isnull=False
            ).values_list("organization_id", flat=True)
        )
        may_submit_for[str(kind)] = sorted(own - submitted)
    sheets = (
        Evaluation.objects.filter(project=project, organization_id__in=own)
        .select_related("organization")
        .prefetch_related("scores__item")
        .order_by("kind", "organization_id")
    )
    return {
        "open_kinds": open_kinds,
        "may_submit_for": may_submit_for,
        "items": [
            {
                "code": i.code,
                "name": i.name,
                "question": i.question,
                "principle": i.principle.code if i.principle else None,
            }
            for i in EvaluationItem.objects.select_related("principle")
        ],
        "sheets": [_sheet_out(e) for e in sheets],
    }


def _sheet_out(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "kind": evaluation.kind,
        "organization": evaluation.organization_id,
        "organization_name": evaluation.organization.name,
        "submitted_at": evaluation.submitted_at,
        "overall_satisfaction": evaluation.overall_satisfaction,
        "lessons": evaluation.lessons,
        "scores": {s.item.code: s.score for s in evaluation.scores.all()},
    }


# --- submit an evaluation -------------------------------------------------------------------


class EvaluationScoreIn(Schema):
    score: int = Field(description="1 to 5")
    comment: str = ""
    reason: str = Field("", description="required for a score of 1 or 2")


class EvaluationIn(Schema):
    kind: Literal["midterm", "final"]
    organization: int = Field(
        ge=1, le=MAX_ID, description="id of the partner organization you evaluate for"
    )
    scores: dict[str, EvaluationScoreIn] = Field(description="evaluation item code → score")
    overall_satisfaction: int = Field(description="1 to 5 (笑)")
    lessons: str = Field("", description="required for the final evaluation")


class EvaluationSubmittedOut(Schema):
    sheet: EvaluationSheetOut
    result: EvaluationResultOut


def _remap_errors(exc: ValidationError, codes: dict[int, str]) -> ValidationError:
    """The service names fields `score_<item id>` / `reason_<item id>` (the web form's
    fields); the API names them after the body: `scores.<item code>.score` / `.reason`."""
    if not hasattr(exc, "error_dict"):
        if any(e.code == "already_submitted" for e in exc.error_list):
            return ValidationError(exc.messages[0], code="duplicate")
        return exc
    renamed: dict[str, list[Any]] = {}
    for name, errors in exc.error_dict.items():
        key = name
        prefix, _sep, pk = name.partition("_")
        if prefix in ("score", "reason") and pk.isdigit() and int(pk) in codes:
            key = f"scores.{codes[int(pk)]}.{prefix}"
        renamed[key] = errors
    return ValidationError(renamed)


@router.post(
    "/{project_id}/evaluations",
    auth=SIGNED_IN,
    response={201: EvaluationSubmittedOut, **error_responses(401, 403, 404, 409, 422, 429)},
)
def submit_evaluation(request: HttpRequest, project_id: int, payload: EvaluationIn) -> Any:
    """Submit your organization's evaluation sheet (projects.evaluate_project: a manager of a
    partner organization; mid-term while in progress, final during the evaluation). Every
    item 1–5; 1 or 2 needs a reason; the final one needs lessons. Once submitted a sheet
    cannot change; the scores are shown to everyone when every partner has submitted."""
    user = caller(request)
    project = selectors.get_project_for(user, project_id)
    organization = Organization.objects.filter(pk=payload.organization).first()
    if organization is None:
        if not user.has_perm("projects.evaluate_project", project):
            raise PermissionDenied("projects.evaluate_project")
        raise ValidationError(
            {"organization": [forms.ModelChoiceField.default_error_messages["invalid_choice"]]}
        )
    items = list(EvaluationItem.objects.all())
    by_code = {i.code: i.pk for i in items}
    scores = {
        by_code[code]: services.ScoreInput(entry.score, entry.comment, entry.reason)
        for code, entry in payload.scores.items()
        if code in by_code
    }
    try:
        evaluation = services.submit_evaluation(
            actor=user,
            project=project,
            organization=organization,
            kind=payload.kind,
            scores=scores,
            overall_satisfaction=payload.overall_satisfaction,
            lessons=payload.lessons,
        )
    except ValidationError as exc:
        raise _remap_errors(exc, {i.pk: i.code for i in items}) from exc
    evaluation = (
        Evaluation.objects.select_related("organization")
        .prefetch_related("scores__item")
        .get(pk=evaluation.pk)
    )
    project_rules.forget_partners(project)
    return Status(
        201,
        {
            "sheet": _sheet_out(evaluation),
            "result": evaluation_result(user, project, payload.kind),
        },
    )
