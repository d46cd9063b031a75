"""Reads for the internal pages: the course built from the guideline, the shared calendar,
and per-department summaries (counts only — never one person's results)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.guideline.selectors import guideline_overview
from kyodo.organizations.models import Membership, MembershipStatus, Organization
from kyodo.promotion.models import (
    CoordinationRequest,
    LearningCompletion,
    Liaison,
    SelfCheck,
    SurveyPeriod,
)
from kyodo.promotion.services import COURSE_MODULES
from kyodo.promotion.workflow import RequestStatus


def course_modules() -> list[dict[str, Any]]:
    titles = {
        "principles": _("The principles of collaboration"),
        "tiers": _("Self-help, mutual help, public help"),
        "forms": _("Forms of collaboration"),
        "steps": _("The steps of collaboration"),
    }
    return [{"code": code, "title": titles[code]} for code in COURSE_MODULES]


def course_module(code: str) -> dict[str, Any]:
    """The module's content from the guideline data, with real examples from public projects."""
    data = guideline_overview()
    Project = apps.get_model("projects", "Project")
    public = Project.objects.public()
    examples: dict[Any, list[Any]] = {}
    if code == "principles":
        ChecklistAnswer = apps.get_model("projects", "ChecklistAnswer")
        rows = (
            ChecklistAnswer.objects.filter(project__in=public)
            .select_related("project", "principle")
            .order_by("principle__number", "-project__fiscal_year", "-id")
        )
        for row in rows[:200]:
            bucket = examples.setdefault(row.principle_id, [])
            if len(bucket) < 2:
                bucket.append(row)
        items = data["principles"]
    elif code == "tiers":
        Role = apps.get_model("projects", "Role")
        rows = (
            Role.objects.filter(version__agreement__project__in=public)
            .select_related("version__agreement__project", "party", "tier")
            .order_by("tier__order", "-id")
        )
        for row in rows[:300]:
            bucket = examples.setdefault(row.tier_id, [])
            if len(bucket) < 3:
                bucket.append(row)
        items = data["tiers"]
    elif code == "forms":
        for form in data["forms"]:
            examples[form.pk] = list(public.filter(forms=form).order_by("-fiscal_year", "-id")[:3])
        items = data["forms"]
    elif code == "steps":
        items = data["steps"]
    else:
        raise LookupError(code)
    return {
        "code": code,
        "items": items,
        "examples": examples,
        "municipality": data["municipality"],
    }


def my_learning(user: Any) -> dict[str, Any]:
    done = set(LearningCompletion.objects.filter(user=user).values_list("module", flat=True))
    checks = {c.principle_id: c for c in SelfCheck.objects.filter(user=user)}
    return {"done": done, "checks": checks, "complete": done >= set(COURSE_MODULES)}


@dataclass
class DepartmentLearning:
    department: Organization
    staff: int
    completed_course: int
    self_checked: int

    @property
    def percent(self) -> int:
        return round(100 * self.completed_course / self.staff) if self.staff else 0


def learning_summary() -> list[DepartmentLearning]:
    """Per department: staff, how many finished the whole course, how many did the self-check.
    Aggregates only; a constant number of queries."""
    departments = list(Organization.objects.departments().order_by("kana", "id"))
    members = Membership.objects.filter(
        organization__in=departments, status=MembershipStatus.ACTIVE
    )
    staff_by_dept: dict[int, set[int]] = {}
    for org_id, user_id in members.values_list("organization_id", "user_id"):
        staff_by_dept.setdefault(org_id, set()).add(user_id)
    all_staff = set().union(*staff_by_dept.values()) if staff_by_dept else set()
    completed = set(
        LearningCompletion.objects.filter(user_id__in=all_staff)
        .values("user_id")
        .annotate(n=Count("module"))
        .filter(n__gte=len(COURSE_MODULES))
        .values_list("user_id", flat=True)
    )
    checked = set(
        SelfCheck.objects.filter(user_id__in=all_staff).values_list("user_id", flat=True).distinct()
    )
    return [
        DepartmentLearning(
            department=d,
            staff=len(staff_by_dept.get(d.pk, ())),
            completed_course=len(staff_by_dept.get(d.pk, set()) & completed),
            self_checked=len(staff_by_dept.get(d.pk, set()) & checked),
        )
        for d in departments
    ]


def liaison_overview() -> list[tuple[Organization, list[Liaison]]]:
    departments = list(Organization.objects.departments().order_by("kana", "id"))
    by_dept: dict[int, list[Liaison]] = {}
    for liaison in Liaison.objects.select_related("user").order_by("id"):
        by_dept.setdefault(liaison.department_id, []).append(liaison)
    return [(d, by_dept.get(d.pk, [])) for d in departments]


def requests_for(user: Any, department_ids: set[int], *, everything: bool = False) -> Any:
    qs = CoordinationRequest.objects.select_related(
        "from_department", "to_department", "project", "created_by"
    )
    if not everything:
        qs = qs.filter(
            Q(from_department_id__in=department_ids) | Q(to_department_id__in=department_ids)
        )
    return qs.order_by("-created_at", "-id")


@dataclass
class Deadline:
    date: dt.date
    kind: str
    title: str
    url: str


def calendar(*, days_back: int = 30, days_ahead: int = 120) -> list[Deadline]:
    """Collaboration deadlines across the city: call rounds, presentations and decisions,
    evaluations in progress, the survey, and coordination requests awaiting an answer."""
    from django.urls import reverse

    today = timezone.localdate()
    start, end = today - dt.timedelta(days=days_back), today + dt.timedelta(days=days_ahead)
    items: list[Deadline] = []
    Round = apps.get_model("calls", "Round")
    for rnd in Round.objects.select_related("call").filter(
        Q(closes_at__date__range=(start, end))
        | Q(presentation_date__range=(start, end))
        | Q(decision_date__range=(start, end))
    ):
        url = reverse("calls:detail", args=[rnd.call_id])
        closes = timezone.localtime(rnd.closes_at).date()
        if start <= closes <= end:
            items.append(
                Deadline(closes, _("Applications close"), f"{rnd.call.title}（{rnd.name}）", url)
            )
        if rnd.presentation_date and start <= rnd.presentation_date <= end:
            items.append(
                Deadline(
                    rnd.presentation_date,
                    _("Public presentation"),
                    f"{rnd.call.title}（{rnd.name}）",
                    url,
                )
            )
        if rnd.decision_date and start <= rnd.decision_date <= end:
            items.append(
                Deadline(rnd.decision_date, _("Decision"), f"{rnd.call.title}（{rnd.name}）", url)
            )
    Project = apps.get_model("projects", "Project")
    for project in Project.objects.filter(status="evaluation").only(
        "id", "title", "evaluation_started_at"
    )[:200]:
        started = (
            timezone.localtime(project.evaluation_started_at).date()
            if project.evaluation_started_at
            else today
        )
        due = started + dt.timedelta(days=30)
        if start <= due <= end:
            items.append(
                Deadline(
                    due,
                    _("Evaluation due"),
                    project.title,
                    reverse("projects:detail", args=[project.pk]),
                )
            )
    for period in SurveyPeriod.objects.filter(closes_on__range=(start, end)):
        items.append(
            Deadline(
                period.closes_on,
                _("Survey answers due"),
                str(period),
                reverse("promotion:survey", args=[period.fiscal_year]),
            )
        )
    for req in CoordinationRequest.objects.filter(
        status=RequestStatus.OPEN, due_on__range=(start, end)
    ).select_related("to_department"):
        assert req.due_on is not None
        items.append(
            Deadline(
                req.due_on,
                _("Answer to a request"),
                f"{req.subject}（{req.to_department}）",
                reverse("promotion:request-detail", args=[req.pk]),
            )
        )
    return sorted(items, key=lambda d: (d.date, d.kind, d.title))


def survey_status(period: SurveyPeriod) -> list[dict[str, Any]]:
    """Per department: answered or not, number of records (one query each kind)."""
    from kyodo.promotion.models import SurveyRecord

    responses = {r.department_id: r for r in period.responses.select_related("submitted_by")}
    counts = dict(
        SurveyRecord.objects.filter(fiscal_year=period.fiscal_year)
        .values_list("department_id")
        .annotate(n=Count("id"))
        .values_list("department_id", "n")
    )
    return [
        {"department": d, "response": responses.get(d.pk), "records": counts.get(d.pk, 0)}
        for d in Organization.objects.departments().order_by("kana", "id")
    ]
