"""Public annual report (web page, PDF, Excel) and the staff dashboards."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from kyodo.core.exports import XLSX_TYPE
from kyodo.core.formatting import current_fiscal_year
from kyodo.guideline.selectors import site_municipality
from kyodo.organizations.predicates import department_ids
from kyodo.reports import documents, selectors


def _report(fiscal_year: int) -> selectors.AnnualReport:
    report = selectors.cached_annual_report(fiscal_year)
    if report is None:
        raise Http404
    return report


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    years = selectors.report_years()
    if not years:
        years = [current_fiscal_year()]
    return render(request, "reports/index.html", {"years": years})


@require_safe
def annual(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    report = _report(fiscal_year)
    years = selectors.report_years()
    breakdown_titles = documents.BREAKDOWN_TITLES
    means = [m for m in report.principle_means if m.groups is not None or m.city is not None]
    return render(
        request,
        "reports/annual.html",
        {
            "report": report,
            "years": years,
            "breakdown_titles": breakdown_titles,
            "means": means,
        },
    )


def _download_name(fiscal_year: int, ext: str) -> str:
    return f"kyodo-annual-report-{fiscal_year}.{ext}"


@require_safe
def annual_pdf(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    report = _report(fiscal_year)
    muni = site_municipality()
    data = documents.annual_report_pdf(
        report, municipality=muni.name if muni else "", generated_on=timezone.localdate()
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(fiscal_year, "pdf")}"'
    return response


@require_safe
def annual_xlsx(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    report = _report(fiscal_year)
    response = HttpResponse(documents.annual_report_xlsx(report), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{_download_name(fiscal_year, "xlsx")}"'
    )
    return response


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("reports.view_dashboard"):
        raise PermissionDenied
    citywide = (
        request.user.has_perm("reports.view_citywide_dashboard")
        and request.GET.get("scope") != "mine"
    )
    ids = None if citywide else department_ids(request.user)
    return render(
        request,
        "reports/dashboard.html",
        {"dash": selectors.dashboard(department_ids=ids), "citywide": citywide},
    )
