from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from kyodo.accounts.tests.factories import UserFactory
from kyodo.core.models import AuditEvent
from kyodo.guideline.models import Principle
from kyodo.guideline.tests import codes
from kyodo.notifications.models import Notification
from kyodo.organizations.tests.factories import (
    DepartmentFactory,
    OrganizationFactory,
    make_coordinator,
    make_member,
    make_staff,
)
from kyodo.promotion import importing, selectors, services
from kyodo.promotion.models import LearningCompletion, SelfCheck, SurveyRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    coordinator = make_coordinator()
    parks, welfare = DepartmentFactory(name="公園整備課"), DepartmentFactory(name="福祉推進課")
    return {
        "coordinator": coordinator,
        "parks": parks,
        "welfare": welfare,
        "parks_staff": make_staff(parks),
        "welfare_staff": make_staff(welfare),
        "resident": UserFactory(),
        "group_member": make_member(OrganizationFactory()),
    }


def record_fields():
    return {
        "title": "防災フェア",
        "form": codes.form("co-hosting"),
        "partner_name": "NPO法人防災ネット",
        "partner_type": codes.group_type("npo"),
    }


def test_liaisons_are_named_per_department_and_missing_ones_are_listed(city):
    services.name_liaison(
        actor=city["parks_staff"], department=city["parks"], user=city["parks_staff"]
    )
    overview = dict(selectors.liaison_overview())
    assert [li.user for li in overview[city["parks"]]] == [city["parks_staff"]]
    assert overview[city["welfare"]] == []
    with pytest.raises(PermissionDenied):  # another department's staff
        services.name_liaison(
            actor=city["welfare_staff"], department=city["parks"], user=city["parks_staff"]
        )
    with pytest.raises(ValidationError):  # not a member of the department
        services.name_liaison(
            actor=city["coordinator"], department=city["parks"], user=city["welfare_staff"]
        )
    assert AuditEvent.objects.filter(verb="promotion.liaison.name").count() == 1


def test_coordination_request_is_tracked_until_answered(city):
    req = services.request_coordination(
        actor=city["parks_staff"],
        from_department=city["parks"],
        to_department=city["welfare"],
        subject="見守り事業への参加",
        message="協議に参加してください",
    )
    assert Notification.objects.filter(
        recipient=city["welfare_staff"], kind="promotion.request_received"
    ).exists()
    with pytest.raises(PermissionDenied):
        services.answer_coordination(actor=city["parks_staff"], request=req, accept=True, answer="")
    with pytest.raises(ValidationError):
        services.answer_coordination(
            actor=city["welfare_staff"], request=req, accept=False, answer=""
        )
    req = services.answer_coordination(
        actor=city["welfare_staff"], request=req, accept=True, answer="参加します"
    )
    assert req.status == "accepted" and req.answered_at is not None
    with pytest.raises(ValidationError):
        services.answer_coordination(
            actor=city["welfare_staff"], request=req, accept=False, answer="やはり"
        )
    event = AuditEvent.objects.get(verb="promotion.request.answer")
    assert (event.from_state, event.to_state) == ("open", "accepted")


def test_survey_lifecycle_reminders_and_records(city):
    with pytest.raises(PermissionDenied):
        services.open_survey(
            actor=city["parks_staff"], fiscal_year=2025, closes_on=dt.date(2026, 5, 31)
        )
    period = services.open_survey(
        actor=city["coordinator"], fiscal_year=2025, closes_on=dt.date(2026, 5, 31)
    )
    services.add_survey_record(
        actor=city["parks_staff"], department=city["parks"], fiscal_year=2025, **record_fields()
    )
    with pytest.raises(PermissionDenied):
        services.add_survey_record(
            actor=city["parks_staff"],
            department=city["welfare"],
            fiscal_year=2025,
            **record_fields(),
        )
    services.submit_survey(actor=city["parks_staff"], department=city["parks"], fiscal_year=2025)
    missing = services.departments_without_answer(period)
    assert city["parks"] not in missing and city["welfare"] in missing
    reminded = services.remind_survey(actor=city["coordinator"], period=period)
    assert reminded == len(missing)
    assert Notification.objects.filter(
        recipient=city["welfare_staff"], kind="promotion.survey_reminder"
    ).exists()
    assert not Notification.objects.filter(
        recipient=city["parks_staff"], kind="promotion.survey_reminder"
    ).exists()
    services.close_survey(actor=city["coordinator"], period=period)
    with pytest.raises(ValidationError):
        services.add_survey_record(
            actor=city["parks_staff"], department=city["parks"], fiscal_year=2025, **record_fields()
        )


def _csv(rows, encoding="utf-8-sig"):
    text = "\n".join(",".join(r) for r in rows)
    return text.encode(encoding)


def test_import_dry_run_lists_every_problem_and_writes_nothing(city):
    services.open_survey(
        actor=city["coordinator"], fiscal_year=2025, closes_on=dt.date(2026, 5, 31)
    )
    data = _csv(
        [
            ["事業名", "協働の形態", "相手方", "相手方の種類", "市の負担額", "参加者数"],
            [
                "川越まつり",
                codes.form("endorsement", 1).name,
                "実行委員会",
                codes.group_type("committee", 2).name,
                "0",
                "5000",
            ],
            [
                "",
                codes.form("co-hosting").name,
                "NPO",
                codes.group_type("npo", 1).name,
                "1,000",
                "10",
            ],
            ["清掃", "ボランティア", "自治会", codes.group_type("jichikai").name, "abc", "3"],
        ],
        encoding="cp932",
    )
    rows = importing.parse(data)
    assert [r.number for r in rows if not r.ok] == [3, 4]
    assert any("事業名" in e for e in rows[1].errors)
    assert any("ボランティア" in e for e in rows[2].errors) and any(
        "abc" in e for e in rows[2].errors
    )
    with pytest.raises(ValueError):
        importing.import_rows(
            actor=city["parks_staff"],
            department=city["parks"],
            fiscal_year=2025,
            rows=rows,
            valid_only=False,
        )
    assert SurveyRecord.objects.count() == 0
    assert (
        importing.import_rows(
            actor=city["parks_staff"],
            department=city["parks"],
            fiscal_year=2025,
            rows=rows,
            valid_only=True,
        )
        == 1
    )
    assert SurveyRecord.objects.get().city_share_yen == 0


def test_import_reads_excel(city):
    services.open_survey(
        actor=city["coordinator"], fiscal_year=2025, closes_on=dt.date(2026, 5, 31)
    )
    wb = Workbook()
    wb.active.append(["事業名", "協働の形態", "相手方", "相手方の種類", "市の負担額"])
    wb.active.append(
        [
            "防災訓練",
            codes.form("co-hosting").name,
            "霞ケ関自治会",
            codes.group_type("jichikai").name,
            120000,
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    rows = importing.parse(out.getvalue())
    assert rows[0].ok and rows[0].values["city_share_yen"] == 120000


def test_learning_results_are_private_and_summarised_per_department(city, client):
    for module in services.COURSE_MODULES:
        services.complete_module(actor=city["parks_staff"], module=module)
    services.complete_module(actor=city["parks_staff"], module="steps")  # twice is fine
    scores = {p.pk: 4 for p in Principle.objects.all()}
    services.save_self_check(actor=city["parks_staff"], scores=scores)
    with pytest.raises(PermissionDenied):
        services.complete_module(actor=city["resident"], module="steps")
    summary = {r.department: r for r in selectors.learning_summary()}
    assert (
        summary[city["parks"]].staff,
        summary[city["parks"]].completed_course,
        summary[city["parks"]].self_checked,
    ) == (1, 1, 1)
    assert summary[city["welfare"]].completed_course == 0
    assert LearningCompletion.objects.filter(user=city["parks_staff"]).count() == 4
    # Another staff member sees counts, never the person's answers.
    client.force_login(city["welfare_staff"])
    html = client.get("/internal/learning/summary/").content.decode()
    assert city["parks_staff"].public_name not in html
    assert SelfCheck.objects.filter(user=city["parks_staff"]).count() == Principle.objects.count()


@pytest.mark.parametrize(
    "path",
    [
        "/internal/",
        "/internal/liaisons/",
        "/internal/requests/",
        "/internal/requests/new/",
        "/internal/calendar/",
        "/internal/learning/",
        "/internal/learning/principles/",
        "/internal/learning/tiers/",
        "/internal/learning/forms/",
        "/internal/learning/steps/",
        "/internal/learning/self-check/",
        "/internal/learning/summary/",
        "/internal/survey/",
    ],
)
def test_internal_pages_are_for_city_staff_only(city, client, path):
    assert client.get(path).status_code == 302  # anonymous → log in
    for role in ("resident", "group_member"):
        client.force_login(city[role])
        assert client.get(path).status_code == 403, role
    for role in ("parks_staff", "coordinator"):
        client.force_login(city[role])
        assert client.get(path).status_code == 200, role


def test_survey_page_permissions_and_query_bound(city, client, django_assert_max_num_queries):
    services.open_survey(
        actor=city["coordinator"], fiscal_year=2025, closes_on=dt.date(2026, 5, 31)
    )
    for i in range(5):
        services.add_survey_record(
            actor=city["parks_staff"],
            department=city["parks"],
            fiscal_year=2025,
            **{**record_fields(), "title": f"防災フェア{i}"},
        )
    client.force_login(city["coordinator"])
    with django_assert_max_num_queries(40):
        response = client.get("/internal/survey/2025/")
    assert response.status_code == 200 and "公園整備課" in response.content.decode()
    client.force_login(city["welfare_staff"])
    assert client.get(f"/internal/survey/2025/?department={city['parks'].pk}").status_code == 404
    response = client.post(
        f"/internal/survey/2025/import/?department={city['welfare'].pk}",
        {
            "department": city["welfare"].pk,
            "confirm": "on",
            "file": SimpleUploadedFile(
                "s.csv",
                _csv(
                    [
                        ["事業名", "協働の形態", "相手方", "相手方の種類"],
                        [
                            "講座",
                            codes.form("co-hosting").name,
                            "大学",
                            codes.group_type("school", 3).name,
                        ],
                    ]
                ),
            ),
        },
    )
    assert response.status_code == 302
    assert SurveyRecord.objects.filter(department=city["welfare"], imported=True).count() == 1


def test_request_pages_refuse_outsiders(city, client):
    req = services.request_coordination(
        actor=city["parks_staff"],
        from_department=city["parks"],
        to_department=city["welfare"],
        subject="相談",
        message="お願いします",
    )
    other = make_staff(DepartmentFactory(name="観光課"))
    client.force_login(other)
    assert client.get(f"/internal/requests/{req.pk}/").status_code == 403
    client.force_login(city["welfare_staff"])
    response = client.post(f"/internal/requests/{req.pk}/", {"decision": "decline", "answer": ""})
    assert response.status_code == 200 and "理由" in response.content.decode()
    response = client.post(
        f"/internal/requests/{req.pk}/", {"decision": "accept", "answer": "参加します"}
    )
    assert response.status_code == 302
