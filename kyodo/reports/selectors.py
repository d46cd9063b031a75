"""The annual collaboration report (協働事業実施状況) and the staff dashboards.

Reads only: this app owns no tables. Definitions (also in docs/reports.md):
- A project counts in fiscal year FY when it reached the agreement (協定締結 or later, not 中止)
  and FY lies within its fiscal years. Records of the annual survey (collaboration that did not go
  through a call: 後援, 共催 …) for FY are counted beside projects.
- Breakdowns by department, form, field and district are multi-valued: a project with two forms
  counts once under each. Partner type uses the guideline's report category of each partner that is
  not a city department.
- New: a project whose first fiscal year is FY and that does not follow on from another; continuing
  otherwise. Survey records carry their own new/continuing flag.
- Money: the city's share and the partners' shares of the counted projects and survey records.
- The funnel counts what happened during FY: consultations started, proposals submitted, passed the
  eligibility check, adopted by the city, agreements signed, completion reports submitted,
  projects with a final evaluation submitted.
- Evaluation means per principle use final evaluations submitted in FY, separately for the city
  (departments) and the groups; the gap is groups minus city.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.core.formatting import current_fiscal_year, fiscal_year_bounds
from kyodo.guideline.models import CollaborationForm, District, Field, Principle
from kyodo.organizations.models import Organization, RegistrationStatus

AGREED_STATUSES = ("agreed", "in_progress", "completion_report", "evaluation", "closed")
DEPARTMENT_TYPE = "department"


@dataclass
class Breakdown:
    key: str
    rows: list[tuple[str, int]]

    @property
    def total(self) -> int:
        return sum(n for _label, n in self.rows)


@dataclass
class PrincipleMean:
    principle: Principle
    groups: Decimal | None
    city: Decimal | None

    @property
    def gap(self) -> Decimal | None:
        if self.groups is None or self.city is None:
            return None
        return self.groups - self.city


@dataclass
class AnnualReport:
    fiscal_year: int
    projects: int
    survey_records: int
    breakdowns: dict[str, Breakdown]
    new: int
    continuing: int
    city_share_yen: int
    partner_share_yen: int
    funnel: list[tuple[str, str, int]]
    principle_means: list[PrincipleMean]
    participation: dict[str, Any]
    steps: list[tuple[str, str, int]]
    departments_total: int
    departments_active: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.projects + self.survey_records

    @property
    def total_yen(self) -> int:
        return self.city_share_yen + self.partner_share_yen

    @property
    def departments_share_percent(self) -> Decimal:
        if not self.departments_total:
            return Decimal(0)
        return (Decimal(100) * self.departments_active / self.departments_total).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )


def _bounds(fy: int) -> tuple[dt.datetime, dt.datetime]:
    start, end = fiscal_year_bounds(fy)
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def counted_projects(fy: int) -> Any:
    Project = apps.get_model("projects", "Project")
    # Only collaborations: a project whose partners are all the city is never counted
    # (the same rule approve_agreement holds when signing).
    return Project.objects.with_non_city_partner().filter(
        status__in=AGREED_STATUSES, fiscal_year__lte=fy, fiscal_year_end__gte=fy
    )


def _sorted(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def _choice_label(model: Any, field_name: str, value: str) -> str:
    return str(dict(model._meta.get_field(field_name).choices).get(value, value))


def annual_report(fy: int) -> AnnualReport:
    """Every figure of the report for one fiscal year, in a fixed number of queries."""
    Project = apps.get_model("projects", "Project")
    ProjectPartner = apps.get_model("projects", "ProjectPartner")
    SurveyRecord = apps.get_model("promotion", "SurveyRecord")
    projects_qs = counted_projects(fy)
    project_ids = list(projects_qs.values_list("id", flat=True))
    records = list(
        SurveyRecord.objects.filter(fiscal_year=fy).select_related(
            "department", "form", "partner_type", "field", "district"
        )
    )
    partners = list(
        ProjectPartner.objects.filter(project_id__in=project_ids).values_list(
            "project_id",
            "organization__name",
            "organization__org_type__code",
            "organization__org_type__report_category",
            "organization__org_type__name",
            "share_yen",
        )
    )
    by_department: Counter[str] = Counter()
    by_partner_type: Counter[str] = Counter()
    department_ids_active: set[str] = set()
    partner_share = 0
    seen_type: set[tuple[int, str]] = set()
    for project_id, org_name, type_code, category, type_name, share in partners:
        if type_code == DEPARTMENT_TYPE:
            by_department[org_name] += 1
            department_ids_active.add(org_name)
        else:
            label = category or type_name
            if (project_id, label) not in seen_type:
                seen_type.add((project_id, label))
                by_partner_type[label] += 1
            partner_share += int(share)
    form_names = dict(CollaborationForm.objects.values_list("id", "name"))
    field_names = dict(Field.objects.values_list("id", "name"))
    district_names = dict(District.objects.values_list("id", "name"))
    by_form = Counter(
        form_names[f]
        for f in Project.forms.through.objects.filter(project_id__in=project_ids).values_list(
            "collaborationform_id", flat=True
        )
    )
    by_field = Counter(
        field_names[f]
        for f in Project.fields.through.objects.filter(project_id__in=project_ids).values_list(
            "field_id", flat=True
        )
    )
    by_district = Counter(
        district_names[d]
        for d in Project.districts.through.objects.filter(project_id__in=project_ids).values_list(
            "district_id", flat=True
        )
    )
    by_origin: Counter[str] = Counter()
    new = continuing = 0
    city_share = 0
    for origin, first_fy, predecessor, share in projects_qs.values_list(
        "origin", "fiscal_year", "predecessor_id", "city_share_yen"
    ):
        by_origin[_choice_label(Project, "origin", origin)] += 1
        if first_fy == fy and predecessor is None:
            new += 1
        else:
            continuing += 1
        city_share += int(share)
    survey_label = str(_("Department survey (not through a call)"))
    for r in records:
        by_department[r.department.name] += 1
        department_ids_active.add(r.department.name)
        by_form[r.form.name] += 1
        by_partner_type[r.partner_type.report_category or r.partner_type.name] += 1
        if r.field_id:
            by_field[r.field.name] += 1
        if r.district_id:
            by_district[r.district.name] += 1
        by_origin[survey_label] += 1
        new += 1 if r.is_new else 0
        continuing += 0 if r.is_new else 1
        city_share += int(r.city_share_yen)
        partner_share += int(r.partner_share_yen)

    departments_total = Organization.objects.departments().count()
    return AnnualReport(
        fiscal_year=fy,
        projects=len(project_ids),
        survey_records=len(records),
        breakdowns={
            "department": Breakdown("department", _sorted(by_department)),
            "form": Breakdown("form", _sorted(by_form)),
            "partner_type": Breakdown("partner_type", _sorted(by_partner_type)),
            "field": Breakdown("field", _sorted(by_field)),
            "district": Breakdown("district", _sorted(by_district)),
            "origin": Breakdown("origin", _sorted(by_origin)),
        },
        new=new,
        continuing=continuing,
        city_share_yen=city_share,
        partner_share_yen=partner_share,
        funnel=funnel(fy),
        principle_means=principle_means(fy),
        participation=participation(fy),
        steps=_steps(fy),
        departments_total=departments_total,
        departments_active=len(department_ids_active),
    )


REPORT_CACHE_SECONDS = 600


def cached_annual_report(fy: int) -> AnnualReport | None:
    """The annual report as the web page, its PDF/Excel and the API serve it: cached for
    REPORT_CACHE_SECONDS; None for a year outside 2000 … next fiscal year."""
    if not 2000 <= fy <= current_fiscal_year() + 1:
        return None
    key = f"reports:annual:{fy}"
    report = cache.get(key)
    if report is None:
        report = annual_report(fy)
        cache.set(key, report, REPORT_CACHE_SECONDS)
    return report


def funnel(fy: int) -> list[tuple[str, str, int]]:
    from kyodo.calls import selectors as calls_selectors

    start, end = _bounds(fy)
    Project = apps.get_model("projects", "Project")
    Application = apps.get_model("calls", "Application")
    CompletionReport = apps.get_model("projects", "CompletionReport")
    Evaluation = apps.get_model("projects", "Evaluation")
    window = {"__gte": start, "__lt": end}

    def within(name: str) -> dict[str, dt.datetime]:
        return {f"{name}{k}": v for k, v in window.items()}

    return [
        (
            "consultations",
            _("Consultations"),
            Project.objects.filter(**within("consultation_started_at")).count(),
        ),
        (
            "proposals",
            _("Proposals and applications"),
            Application.objects.filter(**within("submitted_at")).count(),
        ),
        (
            "eligible",
            _("Passed the eligibility check"),
            Application.objects.filter(eligibility_outcome="pass", **within("checked_at")).count(),
        ),
        (
            "adopted",
            _("Adopted"),
            # The same source as the published results: the adoptions a fiscal year's
            # published results list (by the call's fiscal year), not decision timestamps.
            calls_selectors.published_adoptions(fy).count(),
        ),
        (
            "agreed",
            _("Agreements signed"),
            Project.objects.with_non_city_partner().filter(**within("agreed_at")).count(),
        ),
        (
            "completed",
            _("Completion reports"),
            CompletionReport.objects.filter(**within("submitted_at")).count(),
        ),
        (
            "evaluated",
            _("Evaluated"),
            Evaluation.objects.filter(kind="final", **within("submitted_at"))
            .values("project_id")
            .distinct()
            .count(),
        ),
    ]


def principle_means(fy: int) -> list[PrincipleMean]:
    start, end = _bounds(fy)
    EvaluationScore = apps.get_model("projects", "EvaluationScore")
    rows = (
        EvaluationScore.objects.filter(
            evaluation__kind="final",
            evaluation__submitted_at__gte=start,
            evaluation__submitted_at__lt=end,
            item__principle__isnull=False,
        )
        .values("item__principle_id", "evaluation__organization__org_type__code")
        .annotate(mean=Avg("score"))
    )
    means: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        side = (
            "city"
            if row["evaluation__organization__org_type__code"] == DEPARTMENT_TYPE
            else "groups"
        )
        means[row["item__principle_id"]][side] = Decimal(str(row["mean"])).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
    return [
        PrincipleMean(p, means[p.pk].get("groups"), means[p.pk].get("city"))
        for p in Principle.objects.all()
    ]


def participation(fy: int) -> dict[str, Any]:
    start, end = _bounds(fy)
    Event = apps.get_model("events", "Event")
    Registration = apps.get_model("events", "Registration")
    Feedback = apps.get_model("events", "Feedback")
    events = Event.objects.filter(starts_at__gte=start, starts_at__lt=end).exclude(
        status__in=["draft", "cancelled"]
    )
    by_kind = dict(events.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    regs = Registration.objects.filter(event__in=events).aggregate(
        confirmed=Count("id", filter=Q(status="confirmed")),
        attended=Count("id", filter=Q(checked_in_at__isnull=False)),
    )
    satisfaction = Feedback.objects.filter(event__in=events).aggregate(
        mean=Avg("rating"), n=Count("id")
    )
    return {
        "events": sum(by_kind.values()),
        "events_by_kind": [
            (_choice_label(Event, "kind", k), n) for k, n in sorted(by_kind.items())
        ],
        "exchange_events": by_kind.get("exchange", 0),
        "registrations": regs["confirmed"],
        "attended": regs["attended"],
        "satisfaction_mean": Decimal(str(satisfaction["mean"])).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
        if satisfaction["mean"]
        else None,
        "satisfaction_answers": satisfaction["n"],
        "registered_groups": Organization.objects.groups()
        .filter(registration_status=RegistrationStatus.VERIFIED)
        .count(),
    }


def _steps(fy: int) -> list[tuple[str, str, int]]:
    from kyodo.events.selectors import steps_counts

    return steps_counts(fiscal_year=fy)


def report_years() -> list[int]:
    """Fiscal years that have any counted project or survey record, newest first."""
    Project = apps.get_model("projects", "Project")
    SurveyRecord = apps.get_model("promotion", "SurveyRecord")
    years: set[int] = set()
    for first, last in (
        Project.objects.with_non_city_partner()
        .filter(status__in=AGREED_STATUSES)
        .values_list("fiscal_year", "fiscal_year_end")
        .distinct()
    ):
        years.update(range(first, last + 1))
    years.update(SurveyRecord.objects.values_list("fiscal_year", flat=True).distinct())
    return sorted(years, reverse=True)


def money_totals(fy: int) -> dict[str, int]:
    """Independent of annual_report: used by tests and the Excel sheet's check row."""
    ProjectPartner = apps.get_model("projects", "ProjectPartner")
    SurveyRecord = apps.get_model("promotion", "SurveyRecord")
    qs = counted_projects(fy)
    city = (qs.aggregate(s=Sum("city_share_yen"))["s"] or 0) + (
        SurveyRecord.objects.filter(fiscal_year=fy).aggregate(s=Sum("city_share_yen"))["s"] or 0
    )
    partner = (
        ProjectPartner.objects.filter(project__in=qs)
        .exclude(organization__org_type__code=DEPARTMENT_TYPE)
        .aggregate(s=Sum("share_yen"))["s"]
        or 0
    )
    partner += (
        SurveyRecord.objects.filter(fiscal_year=fy).aggregate(s=Sum("partner_share_yen"))["s"] or 0
    )
    return {"city": int(city), "partner": int(partner)}


@dataclass
class ActionItem:
    kind: str
    title: str
    url: str
    since: dt.datetime | None
    overdue: bool = False


@dataclass
class Dashboard:
    scope: str  # "city" for coordinators, else the departments' names
    actions: dict[str, list[ActionItem]]
    counts: dict[str, int]
    deadlines: list[Any]
    project_status: list[tuple[str, int]]
    issue_status: list[tuple[str, int]]


OVERDUE_DAYS = 30
UNANSWERED_DAYS = 14
ACTION_LIMIT = 20


def dashboard(*, department_ids: set[int] | None) -> Dashboard:
    """What needs action now, deadlines and statistics; department_ids=None means city-wide
    (coordinators). A fixed number of queries whatever the volume (each list is capped)."""
    from django.urls import reverse

    from kyodo.promotion.selectors import calendar

    now = timezone.now()
    Project = apps.get_model("projects", "Project")
    Application = apps.get_model("calls", "Application")
    Issue = apps.get_model("challenges", "Issue")
    projects = Project.objects.all()
    applications = Application.objects.filter(status="submitted")
    issues = Issue.objects.all()
    if department_ids is not None:
        projects = projects.filter(partners__organization_id__in=department_ids).distinct()
        applications = applications.filter(call__department_id__in=department_ids)
        issues = issues.filter(responsible_department_id__in=department_ids)

    def items(
        qs: Any, kind: str, when: str, url_name: str, overdue_days: int | None = None
    ) -> tuple[list[ActionItem], int]:
        total = qs.count()
        rows = []
        for obj in qs.order_by(when, "id")[:ACTION_LIMIT]:
            since = getattr(obj, when)
            overdue = bool(overdue_days and since and since < now - dt.timedelta(days=overdue_days))
            rows.append(
                ActionItem(kind, str(obj), reverse(url_name, args=[obj.pk]), since, overdue)
            )
        return rows, total

    checks, n_checks = items(
        applications.select_related("call"), "check", "submitted_at", "calls:application-check"
    )
    signatures, n_signatures = items(
        projects.filter(status="agreement_drafting"),
        "sign",
        "agreement_drafting_at",
        "projects:detail",
    )
    reports, n_reports = items(
        projects.filter(status="completion_report"),
        "report",
        "completion_started_at",
        "projects:detail",
        OVERDUE_DAYS,
    )
    evaluations, n_evaluations = items(
        projects.filter(status="evaluation"),
        "evaluate",
        "evaluation_started_at",
        "projects:detail",
        OVERDUE_DAYS,
    )
    unanswered, n_unanswered = items(
        issues.filter(status__in=["received", "reviewing"]),
        "answer",
        "created_at",
        "challenges:issue_detail",
        UNANSWERED_DAYS,
    )
    scope = "city" if department_ids is None else "departments"
    return Dashboard(
        scope=scope,
        actions={
            "check": checks,
            "sign": signatures,
            "report": reports,
            "evaluate": evaluations,
            "answer": unanswered,
        },
        counts={
            "check": n_checks,
            "sign": n_signatures,
            "report": n_reports,
            "evaluate": n_evaluations,
            "answer": n_unanswered,
        },
        deadlines=calendar(days_back=0, days_ahead=60)[:30],
        project_status=[
            (_choice_label(Project, "status", s), n)
            for s, n in projects.order_by()
            .values_list("status")
            .annotate(n=Count("id", distinct=True))
            .values_list("status", "n")
        ],
        issue_status=[
            (_choice_label(Issue, "status", s), n)
            for s, n in issues.order_by()
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        ],
    )
