"""The city's set-up without a shell (issue 25): departments and the coordinating
department from the guideline file, the CSV import and the administrators' page. Written
against whatever guideline file is loaded (it runs in the Kawagoe and the second-city pass)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kyodo.accounts.tests.factories import UserFactory
from kyodo.core.models import AuditEvent
from kyodo.guideline.models import District, OrganizationType
from kyodo.organizations import city_setup
from kyodo.organizations.csv_import import import_organizations, parse_organizations_csv
from kyodo.organizations.models import Organization, RegistrationStatus
from kyodo.organizations.tests.factories import (
    DepartmentFactory,
    OrganizationFactory,
    make_coordinator,
    make_member,
)

pytestmark = pytest.mark.django_db


def _admin():  # type: ignore[no-untyped-def]
    return UserFactory(is_staff=True, is_superuser=True)


def _city_type() -> OrganizationType:
    return OrganizationType.objects.filter(actor_type__is_government=True).order_by("order")[0]


def test_admin_adds_and_edits_a_department_with_audit_events():
    admin = _admin()
    dept = city_setup.save_department(actor=admin, name="移住定住課", kana="いじゅうていじゅうか")
    assert dept.is_department and dept.registration_status == RegistrationStatus.VERIFIED
    city_setup.save_department(
        actor=admin, department=dept, name="移住定住推進課", kana="いじゅうていじゅうすいしんか"
    )
    dept.refresh_from_db()
    assert dept.name == "移住定住推進課"
    verbs = list(
        AuditEvent.objects.filter(target_id=str(dept.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["organizations.department.create", "organizations.department.edit"]


def test_department_rules_refuse_others_and_bad_input():
    with pytest.raises(PermissionDenied):
        city_setup.save_department(actor=make_coordinator(), name="勝手課", kana="かってか")
    admin = _admin()
    with pytest.raises(ValidationError):
        city_setup.save_department(actor=admin, name="", kana="")
    group_type = OrganizationType.objects.filter(actor_type__is_government=False).first()
    with pytest.raises(ValidationError):
        city_setup.save_department(
            actor=admin, name="団体課", kana="だんたいか", org_type=group_type
        )
    existing = DepartmentFactory()
    with pytest.raises(ValidationError):
        city_setup.save_department(actor=admin, name=existing.name, kana="おなじ")


def test_only_one_department_coordinates():
    admin = _admin()
    make_coordinator()  # creates the coordinating department if the file gave none
    first = Organization.objects.get(is_coordinating_department=True)
    second = DepartmentFactory()
    city_setup.set_coordinating_department(actor=admin, department=second)
    assert list(
        Organization.objects.filter(is_coordinating_department=True).values_list("pk", flat=True)
    ) == [second.pk]
    first.refresh_from_db()
    assert not first.is_coordinating_department
    with pytest.raises(ValidationError):
        city_setup.set_coordinating_department(actor=admin, department=OrganizationFactory())
    with pytest.raises(PermissionDenied):
        city_setup.set_coordinating_department(actor=make_member(second), department=first)


def test_departments_come_from_the_guideline_file(tmp_path, settings):
    from kyodo.guideline.loader import load_guideline

    source = Path(settings.KYODO_GUIDELINE_FILE).read_text(encoding="utf-8")
    type_code = _city_type().code
    extra = f"""
[[departments]]
code = "t-a"
order = 91
name = "テスト協働課"
kana = "てすときょうどうか"
org_type = "{type_code}"
coordinating = true
[[departments]]
code = "t-b"
order = 92
name = "テスト防災課"
kana = "てすとぼうさいか"
"""
    if "[[departments]]" in source:  # the file's own would make two coordinating ones
        source = source.replace("coordinating = true", "coordinating = false")
    path = tmp_path / "city.toml"
    path.write_text(source + extra, encoding="utf-8")
    load_guideline(path)
    load_guideline(path)  # idempotent: matched by name
    assert Organization.objects.filter(name="テスト協働課").count() == 1
    assert Organization.objects.get(is_coordinating_department=True).name == "テスト協働課"
    assert Organization.objects.get(name="テスト防災課").is_department


def test_csv_import_accepts_departments():
    type_name = _city_type().name
    data = (
        "団体名,ふりがな,種別\n"
        f"空き家対策課,あきやたいさくか,{type_name}\n"
        "税務課,ぜいむか,department\n"
    ).encode()
    parsed = parse_organizations_csv(data)
    if not OrganizationType.objects.filter(code="department").exists():
        assert not parsed.rows[1].ok  # the code is the file's: only its own codes are known
        return
    assert parsed.all_valid, [r.errors for r in parsed.rows]
    created = import_organizations(actor=make_coordinator(), parsed=parsed)
    for org in created:
        assert org.is_department
        assert org.registration_status == RegistrationStatus.VERIFIED
        assert org.registration_expires_on is None
    events = AuditEvent.objects.filter(
        verb="organizations.department.create", target_id__in=[str(o.pk) for o in created]
    )
    assert events.count() == 2


def test_setup_page_for_admins_only(client, django_assert_max_num_queries):
    DepartmentFactory.create_batch(3)
    url = reverse("organizations:city-setup")
    client.force_login(make_coordinator())
    assert client.get(url).status_code == 403
    client.force_login(_admin())
    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert page.status_code == 200
    DepartmentFactory.create_batch(10)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": "", "kana": "", "org_type": _city_type().pk}, HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert response.status_code == 200
    response = client.post(
        url, {"name": "広聴課", "kana": "こうちょうか", "org_type": _city_type().pk}
    )
    assert response.status_code == 302
    dept = Organization.objects.get(name="広聴課")
    assert (
        client.post(reverse("organizations:city-setup-coordinate", args=[dept.pk])).status_code
        == 302
    )
    dept.refresh_from_db()
    assert dept.is_coordinating_department
    edit = reverse("organizations:city-setup-edit", args=[dept.pk])
    assert client.get(edit).status_code == 200
    group = OrganizationFactory()
    assert client.get(reverse("organizations:city-setup-edit", args=[group.pk])).status_code == 404


def test_setup_page_sets_up_a_district_council(client):
    from kyodo.districts.models import Council

    district = District.objects.filter(council__isnull=True).order_by("order").first()
    assert district is not None
    client.force_login(_admin())
    url = reverse("organizations:city-setup-council", args=[district.code])
    assert client.post(url, {"name": "テスト地区会議"}).status_code == 302
    assert Council.objects.get(district=district).name == "テスト地区会議"
    assert AuditEvent.objects.filter(verb="districts.council.create").exists()
    client.post(url, {"name": "二つ目"})
    assert Council.objects.filter(district=district).count() == 1
