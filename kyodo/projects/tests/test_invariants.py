"""Issue 20 on the collaboration side: each test fails if the enforcement it names is
removed (see docs/projects.md, "Invariants")."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import OrganizationFactory, make_member
from kyodo.projects import selectors, services
from kyodo.projects.models import Agreement, Project, Theme
from kyodo.projects.services import RoleInput
from kyodo.projects.tests.factories import (
    advance,
    make_cast,
    make_project,
)
from kyodo.projects.tests.invariants import counted_problems, project_problems
from kyodo.projects.workflow import ChangeRequestStatus, Origin, Phase, ProjectStatus
from kyodo.reports.selectors import counted_projects

pytestmark = pytest.mark.django_db
S = ProjectStatus


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return text.replace(" ", "").replace("\n", "")


def _city_only_project(cast):  # type: ignore[no-untyped-def]
    """行政提案型, created by department staff with the department alone."""
    project = services.create_project(
        actor=cast.staff,
        title="市民センターの防災講座",
        purpose="地域の防災力を高める",
        origin=Origin.CITY,
        fiscal_year=2026,
        lead_organization=cast.department,
        departments=[],
        form_codes=["cooperation"],
        city_share_yen=200_000,
    )
    services.start_agreement_drafting(actor=cast.staff, project=project)
    project.refresh_from_db()
    fill_checklist_as(cast.staff, project)
    version = project.agreement.current_version
    services.revise_agreement(
        actor=cast.staff,
        project=project,
        purpose=version.purpose,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2027, 3, 31),
        clause_information=version.clause_information,
        clause_responsibility=version.clause_responsibility,
        clause_change=version.clause_change,
        roles=[
            RoleInput(
                task="講座の企画", party=cast.department, phase=Phase.PLANNING, tier_code="public"
            )
        ],
    )
    project.refresh_from_db()
    return project


def fill_checklist_as(actor, project) -> None:  # type: ignore[no-untyped-def]
    from kyodo.guideline.models import Principle

    services.save_checklist(
        actor=actor,
        project=project,
        answers={p.pk: "月1回の定例会で確認する" for p in Principle.objects.all()},
    )


# --- 1. no one-party agreement -----------------------------------------------------------


def test_the_city_alone_cannot_sign_then_inviting_a_group_makes_it_a_party() -> None:
    cast = make_cast()
    project = _city_only_project(cast)
    number = project.agreement.current_version.number
    with pytest.raises(ValidationError) as exc:
        services.approve_agreement(
            actor=cast.staff, project=project, organization=cast.department, version_number=number
        )
    assert exc.value.code == "no_partner"
    project.refresh_from_db()
    assert project.status == S.AGREEMENT_DRAFTING
    assert Agreement.objects.get(project=project).signed_version is None

    # A group representative cannot invite; the department's staff can, and the group
    # becomes 乙 of a new version whose default clauses now speak of 甲及び乙.
    with pytest.raises(PermissionDenied):
        services.invite_partner(actor=cast.rep, project=project, organization=cast.group)
    services.invite_partner(actor=cast.staff, project=project, organization=cast.group)
    project.refresh_from_db()
    version = project.agreement.current_version
    assert version.number == number + 1
    designations = {p.organization_id: p.designation for p in version.parties.all()}
    assert designations == {cast.department.pk: "甲", cast.group.pk: "乙"}
    assert "甲及び乙" in version.clause_information
    assert version.roles.count() == 1  # the role-division table carried over
    for actor, org in ((cast.staff, cast.department), (cast.rep, cast.group)):
        services.approve_agreement(
            actor=actor, project=project, organization=org, version_number=version.number
        )
    project.refresh_from_db()
    assert project.status == S.AGREED
    assert project_problems() == []


def test_the_annual_report_never_counts_a_city_only_project() -> None:
    cast = make_cast()
    city_only = _city_only_project(cast)
    # Even a row that reached 実施中 some other way (data from before the rule) is not counted.
    Project.objects.filter(pk=city_only.pk).update(status=S.IN_PROGRESS)
    real = advance(cast, make_project(cast), S.IN_PROGRESS)
    counted = set(counted_projects(2026).values_list("pk", flat=True))
    assert real.pk in counted and city_only.pk not in counted
    assert counted_problems(2026) == []


def test_agreement_page_shows_why_it_cannot_be_approved_instead_of_the_button(client) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()
    project = _city_only_project(cast)
    client.force_login(cast.staff)
    response = client.get(reverse("projects:agreement", args=[project.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="blockers-title"' in body
    assert reverse("projects:agreement-approve", args=[project.pk]) not in body


def test_invite_page_offers_groups_before_signing_and_only_departments_after(client) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()
    project = _city_only_project(cast)
    client.force_login(cast.staff)
    page = client.get(reverse("projects:consultation", args=[project.pk]))
    assert cast.group.name in page.content.decode()  # offered in the invite form
    response = client.post(
        reverse("projects:invite", args=[project.pk]), {"organization": cast.group.pk}
    )
    assert response.status_code == 302
    assert project.partners.filter(organization=cast.group).exists()
    # A group representative is refused (the same rule the page uses).
    client.force_login(cast.rep)
    other = OrganizationFactory()
    response = client.post(
        reverse("projects:invite", args=[project.pk]), {"organization": other.pk}
    )
    assert response.status_code == 403
    # After signing, a group can no longer join (it would not be a party).
    signed = advance(cast, make_project(cast), S.AGREED)
    with pytest.raises(ValidationError) as exc:
        services.invite_partner(actor=cast.staff, project=signed, organization=other)
    assert exc.value.code == "invalid_state"
    client.force_login(cast.staff)
    page = client.get(reverse("projects:consultation", args=[signed.pk]))
    body = page.content.decode()
    assert 'id="invite-title"' in body and other.name not in body


# --- 2. theme ceiling ----------------------------------------------------------------------


def _theme(cast, ceiling: int = 300_000) -> Theme:  # type: ignore[no-untyped-def]
    return services.create_theme(
        actor=cast.staff,
        department=cast.department,
        title="空き家の活用",
        problem="空き家が増えている",
        expected_outcome="地域の拠点になる",
        deadline=dt.date(2099, 3, 31),
        fiscal_year=2026,
        budget_ceiling_yen=ceiling,
    )


def test_theme_ceiling_bounds_the_city_share_in_every_service() -> None:
    cast = make_cast()
    theme = _theme(cast)
    with pytest.raises(ValidationError) as exc:
        make_project(cast, theme=theme, city_share_yen=500_000)
    assert "city_share_yen" in exc.value.message_dict
    project = make_project(cast, theme=theme, city_share_yen=300_000)
    with pytest.raises(ValidationError) as exc:
        services.update_project(
            actor=cast.rep,
            project=project,
            title=project.title,
            purpose=project.purpose,
            form_codes=["cooperation"],
            city_share_yen=500_000,
        )
    assert "city_share_yen" in exc.value.message_dict
    running = advance(cast, project, S.IN_PROGRESS)
    with pytest.raises(ValidationError) as exc:
        services.request_change(
            actor=cast.rep,
            project=running,
            summary="増額",
            reason="参加者が増えた",
            new_city_share_yen=500_000,
        )
    assert "new_city_share_yen" in exc.value.message_dict
    running.refresh_from_db()
    assert running.city_share_yen == 300_000


def test_theme_ceiling_is_a_field_error_on_the_edit_form(client) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()
    project = make_project(cast, theme=_theme(cast), city_share_yen=100_000)
    client.force_login(cast.staff)
    response = client.post(
        reverse("projects:edit", args=[project.pk]),
        {
            "title": project.title,
            "purpose": project.purpose,
            "fiscal_year_end": 2026,
            "forms_": ["cooperation"],
            "city_share_yen": "500000",
        },
    )
    assert response.status_code == 200
    assert "300,000" in response.content.decode()  # the ceiling, in the field's error
    project.refresh_from_db()
    assert project.city_share_yen == 100_000


# --- 3. yen fields ---------------------------------------------------------------------------


def test_yen_fields_refuse_20_digits_and_accept_full_width(client) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()
    project = make_project(cast)
    client.force_login(cast.staff)
    data = {
        "title": project.title,
        "purpose": project.purpose,
        "fiscal_year_end": 2026,
        "forms_": ["cooperation"],
        "city_share_yen": "9" * 20,
    }
    response = client.post(reverse("projects:edit", args=[project.pk]), data)
    assert response.status_code == 200
    assert "2,000,000,000" in response.content.decode()  # the bound, in the field's error
    data["city_share_yen"] = "２５０，０００円"
    response = client.post(reverse("projects:edit", args=[project.pk]), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.city_share_yen == 250_000

    running = advance(cast, project, S.IN_PROGRESS)
    client.force_login(cast.rep)
    response = client.post(
        reverse("projects:change-create", args=[running.pk]),
        {"summary": "増額", "reason": "理由", "new_city_share_yen": "1" * 20},
    )
    assert response.status_code == 200
    assert "2,000,000,000" in response.content.decode()


# --- 4. change agreement ----------------------------------------------------------------------


def test_an_approved_change_of_the_city_share_is_a_signed_change_agreement(client) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()
    project = advance(cast, make_project(cast), S.IN_PROGRESS)
    signed_before = project.agreement.signed_version
    change = services.request_change(
        actor=cast.rep,
        project=project,
        summary="市負担額の増額",
        reason="参加者が増えた",
        new_city_share_yen=370_000,
    )
    assert change.status == ChangeRequestStatus.PENDING
    services.decide_change(
        actor=cast.staff, change_request=change, organization=cast.department, approve=True
    )
    change.refresh_from_db()
    assert change.status == ChangeRequestStatus.APPROVED
    agreement = Agreement.objects.get(project=project)
    new = agreement.signed_version
    assert new.pk != signed_before.pk and new.change_request_id == change.pk
    assert agreement.current_version_id == new.pk
    city = new.parties.get(is_city=True)
    assert city.share_yen == 370_000
    assert new.approvals.count() == new.parties.count()
    project.refresh_from_db()
    assert project.city_share_yen == 370_000
    changes = selectors.version_changes(new)
    assert any(c.before == "300,000円" and c.after == "370,000円" for c in changes)
    assert project_problems() == []

    for user in (cast.rep, cast.staff):  # both parties see what changed
        client.force_login(user)
        page = client.get(reverse("projects:agreement", args=[project.pk]))
        body = page.content.decode()
        assert "370,000" in body and "300,000" in body
        assert 'id="changes-title"' in body
    response = client.get(reverse("projects:agreement-pdf", args=[project.pk]))
    assert response.status_code == 200
    assert "change-agreement" in response["Content-Disposition"]
    text = _pdf_text(response.content)
    assert "協働事業変更協定書" in text and "370,000円" in text and "300,000円" in text


def test_a_change_without_new_terms_leaves_the_agreement_alone() -> None:
    cast = make_cast()
    project = advance(cast, make_project(cast), S.IN_PROGRESS)
    signed = project.agreement.signed_version_id
    change = services.request_change(
        actor=cast.rep, project=project, summary="実施回数の変更", reason="会場の都合"
    )
    services.decide_change(
        actor=cast.staff, change_request=change, organization=cast.department, approve=True
    )
    assert Agreement.objects.get(project=project).signed_version_id == signed


# --- 5 & 6. documents a clerk can file ------------------------------------------------------------


def test_agreement_pdf_dates_are_japan_dates_in_wareki() -> None:
    from kyodo.projects.pdf import agreement_pdf_bytes

    cast = make_cast()
    # 23:30 UTC on 7 December is 08:30 on 8 December in Japan.
    with time_machine.travel(dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC), tick=False):
        project = advance(cast, make_project(cast), S.AGREED)
    version = selectors.version_detail(project.agreement.signed_version)
    text = _pdf_text(agreement_pdf_bytes(version))
    assert "令和8年12月8日" in text
    assert "令和8年12月7日" not in text and "2026年12月7日" not in text


def test_agreement_pdf_names_the_parties_as_registered_with_a_place_to_seal() -> None:
    from kyodo.projects.pdf import agreement_pdf_bytes

    cast = make_cast()
    group = cast.group
    group.legal_name = "特定非営利活動法人かわごえ子ども食堂"
    group.legal_address = "埼玉県川越市仙波町1-2-3"
    group.representative_title = "理事長"
    group.representative_name = "川越花子"
    group.save()
    project = advance(cast, make_project(cast), S.AGREED)
    version = selectors.version_detail(project.agreement.signed_version)
    text = _pdf_text(agreement_pdf_bytes(version))
    for expected in (
        "特定非営利活動法人かわごえ子ども食堂",
        "埼玉県川越市仙波町1-2-3",
        "理事長",
        "川越花子",
        "川越市長",  # the city signs as the city, by its mayor
        "記名押印",
        "印",
    ):
        assert expected in text, expected
    # The signed version keeps the names it was signed under.
    group.legal_name = "別の名前"
    group.save()
    assert "特定非営利活動法人かわごえ子ども食堂" in _pdf_text(agreement_pdf_bytes(version))


def test_the_group_edits_its_legal_details_on_its_profile(client) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()
    client.force_login(cast.rep)
    body = client.get(reverse("organizations:edit", args=[cast.group.pk])).content.decode()
    for name in ("legal_name", "legal_address", "representative_title", "representative_name"):
        assert f'name="{name}"' in body


# --- 7. one function for the page and the action; messages name the new state -------------------


def test_transition_message_names_the_new_state(client) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()
    project = make_project(cast)
    client.force_login(cast.rep)
    response = client.post(reverse("projects:transition", args=[project.pk, "consult"]))
    assert response.status_code == 302
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    project.refresh_from_db()
    assert project.status == S.CONSULTATION
    assert str(S.CONSULTATION.label) in text or "相談中" in text
    assert str(S.DRAFT.label) not in text


def test_available_actions_and_the_service_guard_read_one_table() -> None:
    from kyodo.projects import rules as project_rules

    cast = make_cast()
    project = make_project(cast)
    outsider_group = OrganizationFactory()
    outsider_rep = make_member(outsider_group, MembershipRole.REPRESENTATIVE)
    for user in (cast.rep, cast.staff, cast.coordinator, outsider_rep, cast.outsider):
        actions = selectors.available_actions(user, project)
        for name, shown in actions.items():
            try:
                project_rules.check_action(user, project, name)
            except (PermissionDenied, ValidationError):
                assert not shown, (user, name)
            else:
                assert shown, (user, name)
