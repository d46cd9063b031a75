"""The annual report's figures, checked against values worked out by hand for a small city."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from kyodo.accounts.tests.factories import UserFactory
from kyodo.events.models import Feedback, Registration
from kyodo.events.tests.factories import EventFactory
from kyodo.guideline.models import (
    CollaborationForm,
    District,
    EvaluationItem,
    Field,
    OrganizationType,
)
from kyodo.organizations.models import Organization
from kyodo.organizations.tests.factories import (
    DepartmentFactory,
    OrganizationFactory,
    make_coordinator,
    make_staff,
)
from kyodo.projects.models import Evaluation, EvaluationScore, Project, ProjectPartner
from kyodo.promotion.models import SurveyRecord
from kyodo.reports import selectors

pytestmark = pytest.mark.django_db
FY = 2025


def at(y, m, d):
    return timezone.make_aware(dt.datetime(y, m, d, 10))


def project(title, status, fy, fy_end, origin, forms, fields=(), districts=(), city=0, **kw):
    p = Project.objects.create(
        title=title,
        purpose="目的",
        status=status,
        fiscal_year=fy,
        fiscal_year_end=fy_end,
        origin=origin,
        city_share_yen=city,
        **kw,
    )
    p.forms.set(CollaborationForm.objects.filter(code__in=forms))
    p.fields.set(Field.objects.filter(code__in=fields))
    p.districts.set(District.objects.filter(code__in=districts))
    return p


@pytest.fixture
def city():
    make_coordinator()  # the coordinating department is a department too
    dept_a, dept_b = DepartmentFactory(name="A課"), DepartmentFactory(name="B課")
    npo = OrganizationFactory(name="NPO法人テスト")
    jichikai = OrganizationFactory(
        name="テスト自治会", org_type=OrganizationType.objects.get(code="jichikai")
    )
    p1 = project(
        "見守り",
        "in_progress",
        FY,
        FY,
        "citizen",
        ["subsidy", "co-hosting"],
        ["welfare"],
        ["yoshino"],
        city=500_000,
        consultation_started_at=at(2025, 5, 1),
        agreed_at=at(2025, 7, 1),
    )
    ProjectPartner.objects.create(project=p1, organization=npo, is_lead=True, share_yen=100_000)
    ProjectPartner.objects.create(project=p1, organization=dept_a)
    p2 = project(
        "清掃",
        "closed",
        FY - 1,
        FY,
        "city",
        ["commission"],
        ["environment"],
        ["yoshino", "furuya"],
        city=300_000,
    )
    ProjectPartner.objects.create(project=p2, organization=jichikai, is_lead=True)
    ProjectPartner.objects.create(project=p2, organization=dept_a)
    ProjectPartner.objects.create(project=p2, organization=dept_b)
    # Not counted: a draft, a cancelled project, and one of the next year.
    project("構想", "draft", FY, FY, "citizen", ["subsidy"])
    project("中止", "cancelled", FY, FY, "citizen", ["subsidy"])
    project("来年度", "agreed", FY + 1, FY + 1, "citizen", ["subsidy"])
    staff = make_staff(dept_b)
    SurveyRecord.objects.create(
        fiscal_year=FY,
        department=dept_b,
        title="音楽祭",
        form=CollaborationForm.objects.get(code="endorsement"),
        partner_name="実行委員会",
        partner_type=OrganizationType.objects.get(code="citizen-group"),
        is_new=False,
        partner_share_yen=20_000,
        created_by=staff,
    )
    items = {i.code: i for i in EvaluationItem.objects.all()}
    for org, s1, s2 in ((jichikai, 4, 2), (dept_a, 2, 5)):
        ev = Evaluation.objects.create(
            project=p2,
            kind="final",
            organization=org,
            overall_satisfaction=4,
            submitted_at=at(2026, 2, 1),
            submitted_by=staff,
        )
        EvaluationScore.objects.create(
            evaluation=ev, item=items["p1-information"], score=s1, reason="" if s1 >= 3 else "理由"
        )
        EvaluationScore.objects.create(
            evaluation=ev,
            item=items["p2-understanding"],
            score=s2,
            reason="" if s2 >= 3 else "理由",
        )
    event = EventFactory(
        organization=npo,
        starts_at=at(2025, 10, 1),
        ends_at=at(2025, 10, 1) + dt.timedelta(hours=2),
        opens_at=at(2025, 9, 1),
        closes_at=at(2025, 9, 30),
        kind="exchange",
    )
    for i in range(3):
        user = UserFactory()
        Registration.objects.create(
            event=event,
            user=user,
            status="confirmed",
            checked_in_at=at(2025, 10, 1) if i < 2 else None,
        )
        Feedback.objects.create(event=event, user=user, rating=4 + (i % 2))
    return {"dept_a": dept_a, "dept_b": dept_b}


def test_counts_and_breakdowns_match_hand_computed_figures(city):
    r = selectors.annual_report(FY)
    assert (r.projects, r.survey_records, r.total) == (2, 1, 3)
    b = {k: dict(v.rows) for k, v in r.breakdowns.items()}
    assert b["department"] == {"A課": 2, "B課": 2}
    assert b["form"] == {"補助・助成": 1, "共催": 1, "委託": 1, "後援": 1}
    assert b["partner_type"] == {"NPO法人": 1, "地域団体": 1, "市民活動団体・ボランティア": 1}
    assert b["field"] == {"福祉": 1, "環境": 1}
    assert b["district"] == {"芳野": 2, "古谷": 1}
    assert sum(b["origin"].values()) == 3
    assert (r.new, r.continuing) == (1, 2)
    assert (r.city_share_yen, r.partner_share_yen, r.total_yen) == (800_000, 120_000, 920_000)
    assert selectors.money_totals(FY) == {"city": 800_000, "partner": 120_000}
    departments = Organization.objects.departments().count()
    assert (r.departments_active, r.departments_total) == (2, departments)


def test_funnel_means_and_participation(city):
    r = selectors.annual_report(FY)
    funnel = {code: n for code, _label, n in r.funnel}
    assert funnel["consultations"] == 1 and funnel["agreed"] == 1 and funnel["evaluated"] == 1
    means = {m.principle.code: m for m in r.principle_means}
    assert means["information"].groups == Decimal("4.00") and means["information"].city == Decimal(
        "2.00"
    )
    assert means["information"].gap == Decimal("2.00")
    assert means["understanding"].gap == Decimal("-3.00")
    assert means["purpose"].groups is None and means["purpose"].gap is None
    p = r.participation
    assert (p["events"], p["exchange_events"], p["registrations"], p["attended"]) == (1, 1, 3, 2)
    assert p["satisfaction_mean"] == Decimal("4.33")


def test_report_page_pdf_and_excel(city, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        response = client.get(f"/reports/annual/{FY}/", HTTP_ACCEPT_LANGUAGE="ja")
    html = response.content.decode()
    assert response.status_code == 200 and "令和7年度" in html and "920,000円" in html
    assert "<svg" in html and "<table" in html
    pdf = client.get(f"/reports/annual/{FY}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "協働事業実施状況" in text and "920,000円" in text and "A課" in text
    xlsx = client.get(f"/reports/annual/{FY}/report.xlsx")
    wb = load_workbook(io.BytesIO(xlsx.content))
    summary = {row[0]: row[1] for row in wb["概要"].iter_rows(min_row=2, values_only=True)}
    assert summary["事業費の合計（円）"] == 920_000 and summary["協働事業の件数（合計）"] == 3
    assert {row[0]: row[1] for row in wb["担当課別"].iter_rows(min_row=2, values_only=True)} == {
        "A課": 2,
        "B課": 2,
    }


def test_report_query_count_does_not_grow_with_projects(city, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        selectors.annual_report(FY)
    npo = OrganizationFactory()
    for i in range(20):
        p = project(
            f"追加{i}", "in_progress", FY, FY, "citizen", ["subsidy"], ["welfare"], ["yoshino"]
        )
        ProjectPartner.objects.create(project=p, organization=npo, is_lead=True)
    with CaptureQueriesContext(connection) as large:
        selectors.annual_report(FY)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_index_and_unknown_year(client, city):
    assert client.get("/reports/").status_code == 200
    assert client.get("/reports/annual/1900/").status_code == 404


def test_dashboard_permissions_and_content(client, city):
    assert client.get("/reports/dashboard/").status_code == 302
    client.force_login(UserFactory())
    assert client.get("/reports/dashboard/").status_code == 403
    client.force_login(OrganizationFactory().memberships.create(user=UserFactory()).user)
    assert client.get("/reports/dashboard/").status_code == 403
    staff = make_staff(city["dept_a"])
    Project.objects.filter(title="見守り").update(
        status="agreement_drafting", agreement_drafting_at=at(2025, 6, 1)
    )
    client.force_login(staff)
    html = client.get("/reports/dashboard/").content.decode()
    assert "見守り" in html
    client.force_login(make_coordinator())
    assert client.get("/reports/dashboard/").status_code == 200
