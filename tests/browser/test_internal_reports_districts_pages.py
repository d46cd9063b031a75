"""axe-core checks for the city-staff pages, the reports and the district spaces."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kyodo.districts.models import Council, Meeting
from kyodo.guideline.models import District
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import (
    DepartmentFactory,
    OrganizationFactory,
    make_coordinator,
    make_member,
    make_staff,
)
from kyodo.promotion import services as promotion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_pages_are_accessible(page, axe_check, login):
    coordinator = make_coordinator()
    dept = DepartmentFactory(name="公園整備課")
    make_staff(dept)
    promotion.open_survey(actor=coordinator, fiscal_year=2025, closes_on=dt.date(2026, 5, 31))
    login(page, coordinator)
    for path, name in [
        ("/internal/", "internal-home"),
        ("/internal/liaisons/", "liaisons"),
        ("/internal/requests/", "requests"),
        ("/internal/requests/new/", "request-form"),
        ("/internal/calendar/", "calendar"),
        ("/internal/learning/", "course"),
        ("/internal/learning/principles/", "course-principles"),
        ("/internal/learning/self-check/", "self-check"),
        ("/internal/learning/summary/", "learning-summary"),
        ("/internal/survey/", "survey-index"),
        ("/internal/survey/2025/", "survey"),
        ("/reports/dashboard/", "dashboard"),
    ]:
        axe_check(page, path, name=name)
    # A form showing errors, reached with the keyboard only.
    page.goto(page.url.split("/reports")[0] + "/internal/requests/new/")
    page.focus("#id_subject")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".error-summary").count() == 1
    axe_check(page, None, name="request-form-errors", widths=(360,))


def test_public_report_and_district_pages_are_accessible(page, axe_check):
    district = District.objects.get(code="yoshino")
    org = OrganizationFactory(name="芳野第一自治会")
    chair = make_member(org, MembershipRole.REPRESENTATIVE)
    council = Council.objects.create(district=district, name="芳野地区地域会議", chair=chair)
    council.members.create(organization=org, role="会長団体")
    council.subcommittees.create(name="防災部会", theme="地区防災訓練")
    meeting = Meeting.objects.create(
        council=council,
        title="定例会",
        held_at=timezone.now() - dt.timedelta(days=3),
        agenda="1. 防災訓練",
        record="10月に実施",
        status="published",
    )
    for path, name in [
        ("/reports/", "reports"),
        ("/reports/annual/2025/", "annual-report"),
        ("/districts/", "districts"),
        ("/districts/yoshino/", "district"),
        (f"/districts/meetings/{meeting.pk}/", "meeting"),
        (f"/districts/subcommittees/{council.subcommittees.get().pk}/", "subcommittee"),
        ("/districts/yoshino/report/2025/", "district-report"),
    ]:
        axe_check(page, path, name=name)
