"""Survey import invariants: a re-import changes nothing, and no value is rounded or cut
without an error naming the row and the column (docs/promotion.md, "Invariants")."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from openpyxl import Workbook

from kyodo.guideline.tests import codes
from kyodo.organizations.tests.factories import DepartmentFactory, make_coordinator, make_staff
from kyodo.promotion import importing, services
from kyodo.promotion.models import SurveyRecord

pytestmark = pytest.mark.django_db

HEADER = ["事業名", "協働の形態", "相手方", "相手方の種類", "市の負担額", "参加者数", "備考"]


@pytest.fixture
def dept():
    coordinator = make_coordinator()
    parks = DepartmentFactory(name="公園整備課")
    services.open_survey(actor=coordinator, fiscal_year=2025, closes_on=dt.date(2026, 5, 31))
    return parks, make_staff(parks)


def _xlsx(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _import(data, parks, staff):
    rows = importing.parse(data, department=parks, fiscal_year=2025)
    n = importing.import_rows(
        actor=staff, department=parks, fiscal_year=2025, rows=rows, valid_only=False
    )
    return rows, n


def test_importing_the_same_xlsx_twice_changes_nothing_and_the_check_says_so(dept):
    parks, staff = dept
    data = _xlsx(
        [
            HEADER,
            [
                "防災訓練",
                codes.form("co-hosting").name,
                "霞ケ関自治会",
                codes.group_type("jichikai").name,
                120000,
                80,
                "",
            ],
            [
                "花いっぱい運動",
                codes.form("endorsement", 1).name,
                "緑の会",
                codes.group_type("npo", 1).name,
                31500,
                40,
                "",
            ],
        ]
    )
    _, first = _import(data, parks, staff)
    assert first == 2
    rows, second = _import(data, parks, staff)
    assert second == 0
    assert SurveyRecord.objects.count() == 2
    assert all(r.ok and r.existing and not r.to_import for r in rows)


def test_the_check_page_reports_rows_already_recorded_not_ok(dept, client):
    parks, staff = dept
    data = _xlsx(
        [
            HEADER,
            [
                "防災訓練",
                codes.form("co-hosting").name,
                "霞ケ関自治会",
                codes.group_type("jichikai").name,
                120000,
                80,
                "",
            ],
        ]
    )
    _import(data, parks, staff)
    client.force_login(staff)
    response = client.post(
        f"/internal/survey/2025/import/?department={parks.pk}",
        {"department": parks.pk, "file": SimpleUploadedFile("s.xlsx", data)},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "登録済み" in page and "問題なし" not in page


def test_a_row_repeated_within_one_file_is_an_error_naming_both_rows(dept):
    parks, _ = dept
    rows = importing.parse(
        _xlsx(
            [
                HEADER,
                [
                    "防災訓練",
                    codes.form("co-hosting").name,
                    "霞ケ関自治会",
                    codes.group_type("jichikai").name,
                    1,
                    1,
                    "",
                ],
                [
                    "防災訓練",
                    codes.form("co-hosting").name,
                    "霞ケ関自治会",
                    codes.group_type("jichikai").name,
                    1,
                    1,
                    "",
                ],
            ]
        ),
        department=parks,
        fiscal_year=2025,
    )
    assert rows[0].ok and not rows[1].ok
    assert "3" in rows[1].errors[0] and "2" in rows[1].errors[0]


@pytest.mark.parametrize("value", ["1500.5", "1.5e400", "-1", "2000000001", "NaN", "Infinity"])
def test_a_value_that_would_be_rounded_or_overflow_is_refused_naming_row_and_column(dept, value):
    parks, _ = dept
    rows = importing.parse(
        _xlsx(
            [
                HEADER,
                [
                    "防災訓練",
                    codes.form("co-hosting").name,
                    "霞ケ関自治会",
                    codes.group_type("jichikai").name,
                    value,
                    1,
                    "",
                ],
            ]
        ),
        department=parks,
        fiscal_year=2025,
    )
    assert not rows[0].ok
    assert any("2" in e and "市の負担額" in e for e in rows[0].errors)


def test_excel_whole_numbers_and_full_width_digits_are_read_exactly(dept):
    parks, _ = dept
    rows = importing.parse(
        _xlsx(
            [
                HEADER,
                [
                    "防災訓練",
                    codes.form("co-hosting").name,
                    "霞ケ関自治会",
                    codes.group_type("jichikai").name,
                    1500.0,
                    "１２",
                    "",
                ],
                [
                    "清掃",
                    codes.form("co-hosting").name,
                    "自治会",
                    codes.group_type("jichikai").name,
                    "151,500円",
                    "3",
                    "",
                ],
            ]
        ),
        department=parks,
        fiscal_year=2025,
    )
    assert [r.values["city_share_yen"] for r in rows] == [1500, 151500]
    assert rows[0].values["participants"] == 12


def test_text_longer_than_the_column_is_refused_not_cut(dept):
    parks, _ = dept
    rows = importing.parse(
        _xlsx(
            [
                HEADER,
                [
                    "あ" * 201,
                    codes.form("co-hosting").name,
                    "自治会",
                    codes.group_type("jichikai").name,
                    0,
                    0,
                    "い" * 301,
                ],
            ]
        ),
        department=parks,
        fiscal_year=2025,
    )
    assert not rows[0].ok
    assert any("事業名" in e and "201" in e for e in rows[0].errors)
    assert any("備考" in e and "301" in e for e in rows[0].errors)


def test_the_natural_key_is_unique_in_the_database(dept):
    parks, staff = dept
    fields = {
        "department": parks,
        "fiscal_year": 2025,
        "title": "防災フェア",
        "form": codes.form("co-hosting"),
        "partner_name": "NPO法人防災ネット",
        "partner_type": codes.group_type("npo"),
        "created_by": staff,
    }
    SurveyRecord.objects.create(**fields)
    with pytest.raises(IntegrityError):
        SurveyRecord.objects.create(**fields)
