from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kyodo.organizations.tests.factories import DepartmentFactory, OrganizationFactory
from kyodo.projects import services
from kyodo.projects.models import Project
from kyodo.projects.tests.factories import advance, make_cast, make_project
from kyodo.projects.workflow import ProjectStatus

pytestmark = pytest.mark.django_db
S = ProjectStatus


def test_list_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()

    def add(n: int) -> None:
        for _ in range(n):
            p = make_project(
                cast,
                partner_organizations=[OrganizationFactory()],
                district_codes=["honcho", "yoshino"],
            )
            Project.objects.filter(pk=p.pk).update(status=S.IN_PROGRESS)

    add(2)
    with django_assert_max_num_queries(12) as ctx:
        assert client.get(reverse("projects:list")).status_code == 200
    few = len(ctx.captured_queries)
    add(28)
    with django_assert_max_num_queries(12) as ctx:
        response = client.get(reverse("projects:list"))
    assert response.status_code == 200
    assert len(ctx.captured_queries) <= few  # the first request also warms caches
    assert response.content.count(b'class="list__item"') == 20


def test_drafts_are_private_and_public_stages_are_public(client) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()
    draft = make_project(cast, title="下書きの事業")
    url = reverse("projects:detail", args=[draft.pk])
    assert client.get(url).status_code == 404
    assert "下書きの事業" not in client.get(reverse("projects:list")).content.decode()
    client.force_login(cast.outsider)
    assert client.get(url).status_code == 404
    client.force_login(cast.member)
    assert client.get(url).status_code == 200
    advance(cast, draft, S.CONSULTATION)
    client.logout()
    assert client.get(url).status_code == 200
    assert (
        client.get(reverse("projects:consultation", args=[draft.pk])).status_code == 302
    )  # log in first
    client.force_login(cast.outsider)
    assert client.get(reverse("projects:consultation", args=[draft.pk])).status_code == 403
    client.force_login(cast.coordinator)
    assert client.get(reverse("projects:consultation", args=[draft.pk])).status_code == 200


def test_list_filters(client) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()
    a = advance(
        cast, make_project(cast, title="防災の事業", field_codes=["disaster"]), S.CONSULTATION
    )
    advance(
        cast,
        make_project(cast, title="子育ての事業", field_codes=["childcare"], origin="city"),
        S.CONSULTATION,
    )
    body = client.get(reverse("projects:list"), {"field": "disaster"}).content.decode()
    assert "防災の事業" in body and "子育ての事業" not in body
    body = client.get(reverse("projects:list"), {"origin": "city"}).content.decode()
    assert "防災の事業" not in body and "子育ての事業" in body
    body = client.get(
        reverse("projects:list"), {"department": cast.department.pk, "status": "consultation"}
    ).content.decode()
    assert "防災の事業" in body
    other = DepartmentFactory()
    body = client.get(reverse("projects:list"), {"department": other.pk}).content.decode()
    assert a.title not in body


def test_consultation_message_with_private_document(client) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()
    project = advance(cast, make_project(cast), S.CONSULTATION)
    client.force_login(cast.rep)
    pdf = SimpleUploadedFile(
        "計画書.pdf",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
        content_type="application/pdf",
    )
    response = client.post(
        reverse("projects:consultation", args=[project.pk]),
        {"body": "ご相談です", "attachment": pdf},
    )
    assert response.status_code == 302
    doc = project.documents.get()
    doc_url = reverse("projects:document", args=[project.pk, doc.pk])
    assert client.get(doc_url).status_code == 200
    client.force_login(cast.outsider)
    assert client.get(doc_url).status_code == 404
    client.logout()
    assert client.get(doc_url).status_code == 404
    client.force_login(cast.staff)
    assert client.get(doc_url)["Cache-Control"] == "private, no-store"


def test_department_invites_another_department(client) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()
    project = advance(cast, make_project(cast), S.CONSULTATION)
    other = DepartmentFactory()
    client.force_login(cast.rep)  # a group cannot invite departments
    client.post(reverse("projects:invite", args=[project.pk]), {"organization": other.pk})
    assert not project.partners.filter(organization=other).exists()
    client.force_login(cast.staff)
    client.post(reverse("projects:invite", args=[project.pk]), {"organization": other.pk})
    assert project.partners.filter(organization=other).exists()


def test_every_page_renders_through_the_lifecycle(client) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()
    project = make_project(cast)
    client.force_login(cast.staff)
    for stage in (S.CONSULTATION, S.AGREEMENT_DRAFTING, S.IN_PROGRESS, S.EVALUATION, S.CLOSED):
        project = advance(cast, project, stage)
        for name, args in (
            ("projects:detail", [project.pk]),
            ("projects:consultation", [project.pk]),
            ("projects:agreement", [project.pk])
            if stage != S.CONSULTATION
            else ("projects:list", []),
            ("projects:evaluation", [project.pk, "final"]),
            ("projects:evaluation", [project.pk, "midterm"]),
        ):
            assert client.get(reverse(name, args=args)).status_code == 200, (stage, name)
    client.logout()
    body = client.get(reverse("projects:evaluation", args=[project.pk, "final"])).content.decode()
    assert ("<svg" in body and "gap-high" in body) or "<svg" in body
    assert client.get(reverse("projects:create") + f"?predecessor={project.pk}").status_code == 302
    client.force_login(cast.rep)
    body = client.get(reverse("projects:create") + f"?predecessor={project.pk}").content.decode()
    assert "月1回の定例会を続ける" in body  # the agreed lessons are shown to the follow-up proposer


def test_create_view(client) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()
    client.force_login(cast.outsider)
    assert client.get(reverse("projects:create")).status_code == 403
    client.force_login(cast.rep)
    response = client.post(
        reverse("projects:create"),
        {
            "title": "川越の森づくり",
            "purpose": "里山を守る",
            "summary": "",
            "origin": "citizen",
            "lead_organization": cast.group.pk,
            "departments": [cast.department.pk],
            "fiscal_year": 2026,
            "fiscal_year_end": 2027,
            "forms_": ["cooperation"],
            "city_share_yen": 100000,
            "lead_share_yen": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(title="川越の森づくり")
    assert project.status == S.DRAFT and project.fiscal_year_end == 2027


def test_transition_view_refuses_wrong_role(client) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()
    project = advance(cast, make_project(cast), S.CONSULTATION)
    client.force_login(cast.outsider)
    response = client.post(reverse("projects:transition", args=[project.pk, "draft_agreement"]))
    assert response.status_code == 403
    client.force_login(cast.staff)
    client.post(reverse("projects:transition", args=[project.pk, "draft_agreement"]))
    project.refresh_from_db()
    assert project.status == S.AGREEMENT_DRAFTING


def test_agreement_pdf_reads_back_in_japanese(client) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    cast = make_cast()
    project = advance(cast, make_project(cast), S.AGREED)
    response = client.get(reverse("projects:agreement-pdf", args=[project.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert "協働事業協定書" in compact
    assert "会場の運営" in compact  # the role-division table
    assert "令和8年4月1日" in compact and "2026年4月1日" in compact  # 和暦 beside 西暦
    assert cast.group.name in compact


def test_overdue_evaluations_and_reminders(
    client, mailoutbox, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    cast = make_cast()
    project = advance(cast, make_project(cast), S.EVALUATION)
    Project.objects.filter(pk=project.pk).update(
        evaluation_started_at=timezone.now() - dt.timedelta(days=40)
    )
    client.force_login(cast.rep)
    assert client.get(reverse("projects:overdue-evaluations")).status_code == 403
    client.force_login(cast.coordinator)
    assert project.title in client.get(reverse("projects:overdue-evaluations")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_evaluation_reminders() == 2
    assert services.send_evaluation_reminders() == 0  # not again within a week
    assert any(project.title in m.subject for m in mailoutbox)


def test_pending_change_request_is_offered_to_the_partners_who_have_not_decided(client) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()
    project = advance(cast, make_project(cast), S.IN_PROGRESS)
    change = services.request_change(
        actor=cast.rep, project=project, summary="回数の変更", reason="会場の都合"
    )
    decide_url = reverse("projects:change-decide", args=[project.pk, change.pk])
    client.force_login(cast.staff)
    assert decide_url in client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    client.force_login(cast.rep)  # the requester's organization has already agreed
    assert (
        decide_url not in client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    )
    client.logout()
    body = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "回数の変更" in body and decide_url not in body
