"""Statistics through the API: the annual report's own figures (kyodo.reports), public."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from kyodo.core.formatting import current_fiscal_year
from kyodo.guideline.models import CollaborationForm, District, EvaluationItem, Field
from kyodo.organizations.tests.factories import DepartmentFactory, OrganizationFactory
from kyodo.projects.models import Evaluation, EvaluationScore, Project, ProjectPartner
from kyodo.reports import selectors

from .conftest import bearer

pytestmark = pytest.mark.django_db
FY = 2025
URL = "/api/v1/statistics/annual"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The report page caches a year's report for 10 minutes; tests build their own data.
    cache.clear()
    yield
    cache.clear()


def _project(title: str, fy: int, fy_end: int, status: str = "in_progress", **kw: Any) -> Project:
    p = Project.objects.create(
        title=title,
        purpose="目的",
        status=status,
        fiscal_year=fy,
        fiscal_year_end=fy_end,
        origin="citizen",
        city_share_yen=kw.pop("city", 0),
        **kw,
    )
    p.forms.set(CollaborationForm.objects.filter(code__in=["subsidy", "co-hosting"]))
    p.fields.set(Field.objects.filter(code="welfare"))
    p.districts.set(District.objects.filter(code="yoshino"))
    return p


def _collaboration(title: str, fy: int, fy_end: int, **kw: Any) -> Project:
    """A project with a partner that is not the city: only these are counted (issue 20)."""
    p = _project(title, fy, fy_end, **kw)
    ProjectPartner.objects.create(project=p, organization=OrganizationFactory(), is_lead=True)
    return p


def _city(n: int = 2) -> None:
    department = DepartmentFactory(name="福祉推進課")
    for i in range(n):
        group = OrganizationFactory()
        p = _project(f"見守り{i}", FY, FY + 1, city=100_000 * (i + 1))
        ProjectPartner.objects.create(project=p, organization=group, is_lead=True, share_yen=10_000)
        ProjectPartner.objects.create(project=p, organization=department)
        submitted = timezone.make_aware(dt.datetime(FY + 1, 2, 1, 10))
        for org, score in ((group, 4), (department, 3)):
            ev = Evaluation.objects.create(
                project=p,
                kind="final",
                organization=org,
                overall_satisfaction=4,
                submitted_at=submitted,
            )
            EvaluationScore.objects.bulk_create(
                EvaluationScore(evaluation=ev, item=item, score=score)
                for item in EvaluationItem.objects.all()
            )
    _project("下書き", FY, FY, status="draft")  # not counted


def test_fiscal_years(client, assert_conforms):
    _city(1)
    _collaboration("昔の事業", 2022, 2022, status="closed")
    body = assert_conforms(
        client.get("/api/v1/statistics/fiscal-years"), "GET", "/api/v1/statistics/fiscal-years"
    )
    years = [y["fiscal_year"] for y in body["items"]]
    assert years == selectors.report_years() == [2026, 2025, 2022]
    assert body["items"][1]["url"] == reverse("reports:annual", args=[2025])
    assert body["items"][1]["label"] == "令和7年度"


def test_years_beyond_the_reports_range_are_left_out(client):
    now = current_fiscal_year()
    _collaboration("長期の事業", now - 1, now + 3)
    years = [
        y["fiscal_year"] for y in client.get("/api/v1/statistics/fiscal-years").json()["items"]
    ]
    assert years == [now + 1, now, now - 1]
    assert client.get(URL).json()["fiscal_year"] == now  # the latest that has begun


def test_fiscal_years_without_data_is_the_current_year(client):
    body = client.get("/api/v1/statistics/fiscal-years").json()
    assert [y["fiscal_year"] for y in body["items"]] == [current_fiscal_year()]


def test_annual_figures_are_the_reports_figures(client, assert_conforms):
    _city(2)
    body = assert_conforms(client.get(f"{URL}?fiscal_year={FY}"), "GET", URL)
    cache.clear()
    report = selectors.annual_report(FY)
    assert body["fiscal_year"] == FY and body["projects"] == report.projects == 2
    assert body["total"] == report.total and body["new"] == report.new == 2
    assert body["city_share_yen"] == report.city_share_yen == 300_000
    assert body["partner_share_yen"] == report.partner_share_yen == 20_000
    assert body["total_yen"] == report.total_yen
    assert body["departments_active"] == report.departments_active == 1
    breakdowns = {b["key"]: b for b in body["breakdowns"]}
    assert set(breakdowns) == set(report.breakdowns)
    for key, b in report.breakdowns.items():
        assert [(r["label"], r["count"]) for r in breakdowns[key]["rows"]] == [
            (str(label), n) for label, n in b.rows
        ]
        assert breakdowns[key]["total"] == b.total
    assert ("福祉推進課", 2) in [(r["label"], r["count"]) for r in breakdowns["department"]["rows"]]
    assert [(s["key"], s["count"]) for s in body["funnel"]] == [
        (k, n) for k, _l, n in report.funnel
    ]
    means = {m["principle"]: m for m in body["principle_means"]}
    for m in report.principle_means:
        got = means[m.principle.code]
        assert got["groups"] == (float(m.groups) if m.groups is not None else None)
        assert got["city"] == (float(m.city) if m.city is not None else None)
    with_scores = [m for m in body["principle_means"] if m["groups"] is not None]
    assert with_scores and all(m["groups"] == 4.0 and m["city"] == 3.0 for m in with_scores)
    assert all(m["gap"] == 1.0 for m in with_scores)
    assert [(s["key"], s["count"]) for s in body["steps"]] == [(k, n) for k, _l, n in report.steps]


def test_api_and_report_page_share_the_report(client):
    """The API serves the report page's cached report: both show the same figures even
    when data changed since (until the cache expires)."""
    _city(1)
    page = client.get(reverse("reports:annual", args=[FY]))
    assert page.status_code == 200
    _collaboration("後から追加", FY, FY)
    body = client.get(f"{URL}?fiscal_year={FY}").json()
    assert body["projects"] == 1
    cache.clear()
    assert client.get(f"{URL}?fiscal_year={FY}").json()["projects"] == 2
    # Out of the page's range: 404 from both.
    future = current_fiscal_year() + 2
    assert client.get(reverse("reports:annual", args=[future])).status_code == 404
    assert client.get(f"{URL}?fiscal_year={future}").status_code == 404


def test_default_year_and_bad_parameters(client, assert_conforms):
    _city(1)
    body = client.get(URL).json()
    assert body["fiscal_year"] == FY + 1 == selectors.report_years()[0]
    for bad in ("abc", "1999", "99999999999999999999"):
        response = client.get(f"{URL}?fiscal_year={bad}")
        assert response.status_code == 422, bad
        assert_conforms(response, "GET", URL)


def test_public_for_every_kind_of_caller(client, person, token_for):
    assert client.get(f"{URL}?fiscal_year={FY}").status_code == 200
    assert client.get(f"{URL}?fiscal_year={FY}", **bearer(token_for(person))).status_code == 200
    client.force_login(person)
    assert client.get("/api/v1/statistics/fiscal-years").status_code == 200


@pytest.mark.parametrize("rows", [2, 30])
def test_annual_query_count_does_not_depend_on_rows(client, django_assert_max_num_queries, rows):
    _city(rows)
    with django_assert_max_num_queries(40):
        assert client.get(f"{URL}?fiscal_year={FY}").status_code == 200
