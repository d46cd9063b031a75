"""Reads: the public list, fetch-and-authorise helpers, evaluation comparison, overdue list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kyodo.core.pagination import KeysetPage, keyset_paginate
from kyodo.guideline.models import EvaluationItem
from kyodo.organizations.models import Organization
from kyodo.projects import rules as project_rules
from kyodo.projects.models import (
    DEPARTMENT_ORG_TYPE,
    Agreement,
    AgreementVersion,
    Evaluation,
    Project,
    ProjectDocument,
    ProjectPartner,
    Theme,
)
from kyodo.projects.workflow import PUBLIC_STATUSES, EvaluationKind, ProjectStatus

S = ProjectStatus
OVERDUE_AFTER = dt.timedelta(days=30)
LIST_ORDERING = ("-fiscal_year", "-id")


@dataclass
class ProjectFilters:
    status: str = ""
    form: str = ""
    department: int | None = None
    district: str = ""
    field: str = ""
    fiscal_year: int | None = None
    origin: str = ""
    q: str = ""


def visible_projects(user: Any) -> QuerySet[Project]:
    """Public projects, plus drafts the user takes part in (or all, for coordinators)."""
    qs = Project.objects.all()
    from kyodo.organizations.predicates import is_admin, is_coordinator, organization_ids

    if is_coordinator(user) or is_admin(user):
        return qs
    cond = Q(status__in=PUBLIC_STATUSES)
    if getattr(user, "is_authenticated", False):
        orgs = organization_ids(user)
        cond |= Q(partners__organization_id__in=orgs) | Q(created_by=user)
        return qs.filter(pk__in=Project.objects.filter(cond).values("pk"))
    return qs.filter(cond)


def project_list(
    user: Any, filters: ProjectFilters, *, cursor: str | None, page_size: int = 20
) -> KeysetPage[Project]:
    qs = visible_projects(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.form:
        qs = qs.filter(forms__code=filters.form)
    if filters.department:
        qs = qs.filter(partners__organization_id=filters.department)
    if filters.district:
        qs = qs.filter(districts__code=filters.district)
    if filters.field:
        qs = qs.filter(fields__code=filters.field)
    if filters.fiscal_year:
        qs = qs.filter(
            fiscal_year__lte=filters.fiscal_year, fiscal_year_end__gte=filters.fiscal_year
        )
    if filters.origin:
        qs = qs.filter(origin=filters.origin)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(purpose__icontains=filters.q))
    qs = qs.distinct().prefetch_related(
        "forms",
        "districts",
        Prefetch(
            "partners", queryset=ProjectPartner.objects.select_related("organization__org_type")
        ),
    )
    return keyset_paginate(qs, ordering=LIST_ORDERING, cursor=cursor, page_size=page_size)


def department_choices() -> QuerySet[Organization]:
    return Organization.objects.filter(org_type__code=DEPARTMENT_ORG_TYPE).order_by("kana", "id")


def get_project_for(user: Any, pk: int) -> Project:
    """The project if the user may see it; 404 otherwise (drafts do not leak)."""
    project = get_object_or_404(
        Project.objects.select_related("predecessor", "theme", "theme__department"), pk=pk
    )
    if not user.has_perm("projects.view_project", project):
        raise Http404
    return project


def get_consultation_for(user: Any, pk: int) -> Project:
    project = get_project_for(user, pk)
    if not user.has_perm("projects.view_consultation", project):
        raise PermissionDenied
    return project


def get_document_for(user: Any, project_pk: int, doc_pk: int) -> ProjectDocument:
    project = get_project_for(user, project_pk)
    doc = get_object_or_404(ProjectDocument, pk=doc_pk, project=project)
    private = doc.is_private or doc.message_id is not None
    if private and not user.has_perm("projects.view_consultation", project):
        raise Http404
    return doc


def partners_of(project: Project) -> list[ProjectPartner]:
    """The partners, with their organization's type; loaded once per project object (the
    permission rules read the same rows, see rules.remember_partners)."""
    cached = getattr(project, "_kyodo_partners", None)
    if cached is None:
        cached = list(project.partners.select_related("organization__org_type__actor_type"))
        project._kyodo_partners = cached  # type: ignore[attr-defined]
        project_rules.remember_partners(project, cached)
    return cached


def current_agreement(project: Project) -> tuple[Agreement | None, AgreementVersion | None]:
    agreement = (
        Agreement.objects.filter(project=project)
        .select_related("current_version", "signed_version")
        .first()
    )
    if agreement is None:
        return None, None
    return agreement, agreement.current_version


def version_detail(version: AgreementVersion) -> AgreementVersion:
    """A version with parties, roles and approvals loaded."""
    return (
        AgreementVersion.objects.select_related("agreement__project")
        .prefetch_related(
            "parties__organization",
            "roles__party",
            "roles__tier",
            "roles__person",
            "approvals__organization",
            "approvals__approved_by",
        )
        .get(pk=version.pk)
    )


@dataclass
class VersionChange:
    label: str
    before: str
    after: str


def version_changes(version: AgreementVersion) -> list[VersionChange]:
    """What this version changed against the one before it (for a change agreement, the
    signed version it amends): the rows both parties see on the page and in the PDF."""
    from django.utils.translation import gettext as _

    from kyodo.core.formatting import date_ja

    # After signing nothing is drafted, so the version before a change agreement is the
    # signed version it amends.
    previous = (
        AgreementVersion.objects.filter(
            agreement_id=version.agreement_id, number__lt=version.number
        )
        .order_by("-number")
        .first()
    )
    if previous is None:
        return []
    out: list[VersionChange] = []

    def add(label: str, before: str, after: str) -> None:
        if before != after:
            out.append(VersionChange(label, before, after))

    add(_("Purpose"), previous.purpose, version.purpose)
    add(_("From"), date_ja(previous.period_start), date_ja(version.period_start))
    add(_("Until"), date_ja(previous.period_end), date_ja(version.period_end))
    old = {p.organization_id: p for p in previous.parties.select_related("organization")}
    new = {p.organization_id: p for p in version.parties.select_related("organization")}
    for org_id, party in new.items():
        before = old.get(org_id)
        label = _("Cost share of %(name)s") % {
            "name": f"{party.designation} {party.organization.name}"
        }
        add(label, f"{int(before.share_yen):,}円" if before else "—", f"{int(party.share_yen):,}円")
    for org_id, party in old.items():
        if org_id not in new:
            add(_("Party"), f"{party.designation} {party.organization.name}", "—")
    for name, label in (
        ("cost_note", _("Cost sharing")),
        ("clause_information", _("Information sharing and publication")),
        ("clause_responsibility", _("Responsibility and insurance")),
        ("clause_change", _("Change and termination")),
        ("clause_results", _("Ownership of results")),
    ):
        add(label, getattr(previous, name), getattr(version, name))
    old_roles = sorted((r.task, r.party_id, r.phase) for r in previous.roles.all())
    new_roles = sorted((r.task, r.party_id, r.phase) for r in version.roles.all())
    if old_roles != new_roles:
        add(
            _("Role-division table"),
            _("%(n)s rows") % {"n": len(old_roles)},
            _("%(n)s rows (changed)") % {"n": len(new_roles)},
        )
    return out


def available_actions(user: Any, project: Project) -> dict[str, bool]:
    """Which workflow buttons to show: the same table the services' guard reads."""
    from kyodo.projects.workflow import ACTIONS

    return {name: project_rules.can_act(user, project, name) for name in ACTIONS}


@dataclass
class ItemComparison:
    item: EvaluationItem
    scores: list[int | None]
    gap: int
    highlighted: bool


@dataclass
class EvaluationComparison:
    kind: str
    partners: list[ProjectPartner]
    evaluations: list[Evaluation]  # the sheets this user may read
    complete: bool  # every partner has submitted: all scores are shown
    submitted_org_ids: set[int]
    rows: list[ItemComparison] = field(default_factory=list)
    satisfaction: list[int | None] = field(default_factory=list)


GAP_HIGHLIGHT = 2


def evaluation_comparison(user: Any, project: Project, kind: str) -> EvaluationComparison:
    """Scores side by side. Until every partner has submitted, a user sees only the sheets
    of their own organizations (and nobody else's, coordinators included)."""
    partners = partners_of(project)
    evaluations = list(
        Evaluation.objects.filter(project=project, kind=kind)
        .select_related("organization", "submitted_by")
        .prefetch_related("scores")
    )
    submitted = {e.organization_id for e in evaluations if e.submitted_at is not None}
    complete = bool(partners) and submitted >= {p.organization_id for p in partners}
    if complete:
        visible = [e for e in evaluations if e.submitted_at is not None]
    else:
        own = (
            project_rules.manager_org_ids(user, project)
            if getattr(user, "is_authenticated", False)
            else set()
        )
        visible = [e for e in evaluations if e.organization_id in own]
    comparison = EvaluationComparison(
        kind=kind,
        partners=partners,
        evaluations=visible,
        complete=complete,
        submitted_org_ids=submitted,
    )
    if not complete:
        return comparison
    by_org = {e.organization_id: e for e in visible}
    ordered = [by_org.get(p.organization_id) for p in partners]
    for item in EvaluationItem.objects.all():
        scores: list[int | None] = []
        for ev in ordered:
            score = (
                next((s.score for s in ev.scores.all() if s.item_id == item.pk), None)
                if ev
                else None
            )
            scores.append(score)
        present = [s for s in scores if s is not None]
        gap = (max(present) - min(present)) if present else 0
        comparison.rows.append(
            ItemComparison(item=item, scores=scores, gap=gap, highlighted=gap >= GAP_HIGHLIGHT)
        )
    comparison.satisfaction = [ev.overall_satisfaction if ev else None for ev in ordered]
    return comparison


def evaluation_chart_svg(comparison: EvaluationComparison) -> dict[str, Any]:
    """Geometry for the server-rendered bar chart: one group per item, one bar per partner."""
    n_partners = max(len(comparison.partners), 1)
    bar_w, gap_w, label_w, top, row_h = 14, 4, 170, 10, n_partners * 18 + 14
    width = 560
    scale = (width - label_w - 40) / 5
    groups = []
    for i, row in enumerate(comparison.rows):
        y = top + i * row_h
        bars = []
        for j, score in enumerate(row.scores):
            bars.append(
                {
                    "x": label_w,
                    "y": y + j * (bar_w + gap_w),
                    "w": (score or 0) * scale,
                    "h": bar_w,
                    "score": score,
                    "series": j % 6,
                }
            )
        groups.append(
            {
                "label": row.item.name,
                "y": y,
                "label_y": y + bar_w,
                "bars": bars,
                "highlighted": row.highlighted,
            }
        )
    height = top + len(comparison.rows) * row_h + 30
    ticks = [{"x": label_w + k * scale, "label": k} for k in range(0, 6)]
    return {
        "width": width,
        "height": height,
        "groups": groups,
        "ticks": ticks,
        "axis_y": height - 22,
    }


@dataclass
class OverdueRow:
    project: Project
    missing: list[Organization]
    since: dt.datetime


def overdue_evaluations(*, now: dt.datetime | None = None) -> list[OverdueRow]:
    """Projects in evaluation for more than 30 days with a partner's final evaluation missing,
    and projects whose agreed period ended over 30 days ago but are still in progress."""
    now = now or timezone.now()
    cutoff = now - OVERDUE_AFTER
    projects = list(
        Project.objects.filter(status=S.EVALUATION, evaluation_started_at__lt=cutoff)
        .prefetch_related(
            Prefetch("partners", queryset=ProjectPartner.objects.select_related("organization")),
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.filter(
                    kind=EvaluationKind.FINAL, submitted_at__isnull=False
                ),
                to_attr="final_submitted",
            ),
        )
        .order_by("evaluation_started_at", "id")
    )
    rows = []
    for p in projects:
        done = {e.organization_id for e in p.final_submitted}  # type: ignore[attr-defined]
        missing = [pp.organization for pp in p.partners.all() if pp.organization_id not in done]
        if missing:
            assert p.evaluation_started_at is not None
            rows.append(OverdueRow(project=p, missing=missing, since=p.evaluation_started_at))
    return rows


def predecessor_lessons(project: Project | None) -> dict[str, Any] | None:
    """What a follow-up proposer should read: the agreed lessons and each partner's lessons."""
    if project is None:
        return None
    final = list(
        Evaluation.objects.filter(
            project=project, kind=EvaluationKind.FINAL, submitted_at__isnull=False
        )
        .select_related("organization")
        .order_by("organization__kana")
    )
    return {
        "project": project,
        "agreed": project.agreed_lessons,
        "by_partner": [(e.organization, e.lessons) for e in final],
    }


def open_themes() -> QuerySet[Theme]:
    return Theme.objects.filter(status="open", deadline__gte=timezone.localdate()).select_related(
        "department"
    )


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.select_related("department").order_by("-fiscal_year", "-deadline", "-id")
