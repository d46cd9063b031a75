"""The second city's own shape everywhere that used to assume Kawagoe's (issue 25)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse

from tests.second_city.conftest import KAWAGOE_TEXT

pytestmark = pytest.mark.django_db


def test_the_file_is_loaded_with_its_own_counts():
    from kyodo.guideline import models as m

    assert m.Municipality.objects.get().code == "kaku"
    assert m.Principle.objects.count() == 5
    assert list(m.Step.objects.values_list("character", flat=True)) == ["知", "結", "実"]
    assert m.Tier.objects.filter(name="互助").exists() and m.Tier.objects.count() == 4
    assert not m.OrganizationType.objects.filter(code="school").exists()


def test_departments_and_councils_come_from_the_file():
    from kyodo.districts.models import Council
    from kyodo.organizations.models import Organization

    departments = Organization.objects.departments()
    assert departments.count() == 6
    assert departments.get(is_coordinating_department=True).name == "協働推進室"
    names = dict(Council.objects.values_list("district__code", "name"))
    assert names["chuo"] == "中央地区まちづくり円卓会議"
    assert names["hamanome"] == "浜ノ目地区円卓会議"


def test_annual_report_excel_and_pdf_name_the_city_steps(client, second_city_demo):
    from kyodo.accounts.models import User
    from kyodo.core.formatting import current_fiscal_year
    from kyodo.reports import documents, selectors

    report = selectors.annual_report(current_fiscal_year())
    assert [label for _c, label, _n in report.steps] == ["知 知る", "結 結ぶ", "実 実る"]
    with zipfile.ZipFile(io.BytesIO(documents.annual_report_xlsx(report))) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert "協働のステップ" in xml and "知 知る" in xml
    assert not [t for t in KAWAGOE_TEXT if t in xml]
    pdf = documents.annual_report_pdf(
        report, municipality="架空市", generated_on=dt.date(2026, 1, 1)
    )
    assert pdf.startswith(b"%PDF")
    client.force_login(User.objects.get(email="coordinator@example.jp"))
    page = client.get(reverse("reports:annual", args=[current_fiscal_year()]))
    assert page.status_code == 200


def test_a_persons_steps_follow_the_files_evidence(second_city_demo):
    from kyodo.accounts.models import User
    from kyodo.events.selectors import journey_for, steps_counts

    journey = journey_for(User.objects.get(email="member@example.jp"))
    assert [s.code for s in journey.steps] == ["shiru", "musubu", "minoru"]
    # member@ belongs to a group: 結ぶ (membership) is reached.
    assert journey.steps[1].reached
    assert [c for c, _l, _n in steps_counts()] == ["shiru", "musubu", "minoru"]


def test_api_schema_and_open_data_have_no_kawagoe_text(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert not [t for t in KAWAGOE_TEXT if t in text]
