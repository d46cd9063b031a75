"""Statistics: the annual collaboration report (協働事業実施状況) as JSON. The figures are
those of the public report page (kyodo.reports): the same `selectors.annual_report`, the same
cache and the same range of fiscal years, so the API and the page never disagree."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from kyodo.api.errors import error_responses
from kyodo.core.formatting import current_fiscal_year, fiscal_year_label
from kyodo.reports import selectors

router = Router(tags=["statistics"])


class StatisticsFiscalYearOut(Schema):
    fiscal_year: int
    label: str = Field(description="令和8年度 (Japanese) or FY2026 (English)")
    url: str = Field(description="the report page on the website")


class StatisticsFiscalYearList(Schema):
    items: list[StatisticsFiscalYearOut] = Field(description="newest first")


class StatisticsCountOut(Schema):
    label: str
    count: int


class StatisticsBreakdownOut(Schema):
    key: str = Field(description="department, form, partner_type, field, district or origin")
    rows: list[StatisticsCountOut] = Field(
        description="most first; multi-valued (see the report notes)"
    )
    total: int


class StatisticsStageOut(Schema):
    key: str
    label: str
    count: int


class StatisticsPrincipleMeanOut(Schema):
    principle: str = Field(description="principle code (/guideline/principles)")
    number: int
    name: str
    groups: float | None = Field(description="mean score of the groups (final evaluations)")
    city: float | None = Field(description="mean score of the departments")
    gap: float | None = Field(description="groups minus city")


class StatisticsParticipationOut(Schema):
    events: int
    events_by_kind: list[StatisticsCountOut]
    exchange_events: int
    registrations: int
    attended: int
    satisfaction_mean: float | None
    satisfaction_answers: int
    registered_groups: int


class AnnualStatisticsOut(Schema):
    fiscal_year: int
    label: str
    total: int = Field(description="projects + survey records")
    projects: int = Field(description="projects with a signed agreement running in the year")
    survey_records: int = Field(description="collaboration recorded by the departments' survey")
    new: int
    continuing: int
    city_share_yen: int
    partner_share_yen: int
    total_yen: int
    departments_total: int
    departments_active: int
    departments_share_percent: float
    breakdowns: list[StatisticsBreakdownOut]
    funnel: list[StatisticsStageOut] = Field(description="what happened during the year")
    principle_means: list[StatisticsPrincipleMeanOut]
    participation: StatisticsParticipationOut
    steps: list[StatisticsStageOut] = Field(
        description="people who reached each step of the guideline"
    )
    url: str


class AnnualStatisticsQuery(Schema):
    fiscal_year: int | None = Field(
        None,
        ge=2000,
        le=2100,
        description="the fiscal year (April to March); default: the latest one with figures "
        "that has begun",
    )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _url(fiscal_year: int) -> str:
    from django.urls import reverse

    return reverse("reports:annual", args=[fiscal_year])


def _years() -> list[int]:
    """The report page's years (`selectors.report_years`), without those the page does not
    serve (a multi-year project can run beyond next fiscal year)."""
    last = current_fiscal_year() + 1
    years = [y for y in selectors.report_years() if 2000 <= y <= last]
    return years or [current_fiscal_year()]


def _default_year() -> int:
    """The latest fiscal year with figures that has begun."""
    now = current_fiscal_year()
    return next((y for y in _years() if y <= now), now)


@router.get(
    "/fiscal-years", response={200: StatisticsFiscalYearList, **error_responses(401, 403, 429)}
)
def list_fiscal_years(request: HttpRequest) -> Any:
    """Fiscal years with an annual report (those with any counted project or survey record;
    the current one when there is none yet)."""
    return {
        "items": [
            {"fiscal_year": y, "label": fiscal_year_label(y), "url": _url(y)} for y in _years()
        ]
    }


@router.get(
    "/annual", response={200: AnnualStatisticsOut, **error_responses(401, 403, 404, 422, 429)}
)
def annual_statistics(request: HttpRequest, query: Query[AnnualStatisticsQuery]) -> Any:
    """The annual collaboration report: counts and breakdowns, money, the funnel from
    consultation to evaluation, the mean evaluation per principle (groups vs city), event
    participation and the guideline's steps. 404 for a year after next fiscal year."""
    fiscal_year = query.fiscal_year if query.fiscal_year is not None else _default_year()
    report = selectors.cached_annual_report(fiscal_year)  # the page's cache and year range
    if report is None:
        raise Http404
    p = report.participation
    return {
        "fiscal_year": report.fiscal_year,
        "label": fiscal_year_label(report.fiscal_year),
        "total": report.total,
        "projects": report.projects,
        "survey_records": report.survey_records,
        "new": report.new,
        "continuing": report.continuing,
        "city_share_yen": report.city_share_yen,
        "partner_share_yen": report.partner_share_yen,
        "total_yen": report.total_yen,
        "departments_total": report.departments_total,
        "departments_active": report.departments_active,
        "departments_share_percent": float(report.departments_share_percent),
        "breakdowns": [
            {
                "key": key,
                "rows": [{"label": str(label), "count": n} for label, n in b.rows],
                "total": b.total,
            }
            for key, b in report.breakdowns.items()
        ],
        "funnel": [{"key": k, "label": str(label), "count": n} for k, label, n in report.funnel],
        "principle_means": [
            {
                "principle": m.principle.code,
                "number": m.principle.number,
                "name": m.principle.name,
                "groups": _float(m.groups),
                "city": _float(m.city),
                "gap": _float(m.gap),
            }
            for m in report.principle_means
        ],
        "participation": {
            "events": p["events"],
            "events_by_kind": [{"label": str(k), "count": n} for k, n in p["events_by_kind"]],
            "exchange_events": p["exchange_events"],
            "registrations": p["registrations"],
            "attended": p["attended"],
            "satisfaction_mean": _float(p["satisfaction_mean"]),
            "satisfaction_answers": p["satisfaction_answers"],
            "registered_groups": p["registered_groups"],
        },
        "steps": [{"key": k, "label": str(label), "count": n} for k, label, n in report.steps],
        "url": _url(report.fiscal_year),
    }
