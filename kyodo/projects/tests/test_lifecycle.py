from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kyodo.core.models import AuditEvent
from kyodo.projects import services
from kyodo.projects.models import AgreementApproval, Evaluation
from kyodo.projects.tests.factories import (
    advance,
    fill_checklist,
    make_cast,
    make_project,
    scores,
    write_roles,
)
from kyodo.projects.workflow import EvaluationKind, ProjectStatus

pytestmark = pytest.mark.django_db


def test_whole_lifecycle_writes_an_audit_event_per_transition() -> None:
    cast = make_cast()
    project = make_project(cast)
    assert project.status == ProjectStatus.DRAFT
    project = advance(cast, project, ProjectStatus.CLOSED)
    assert project.status == ProjectStatus.CLOSED
    for stamp in (
        "consultation_started_at",
        "agreement_drafting_at",
        "agreed_at",
        "started_at",
        "completion_started_at",
        "evaluation_started_at",
        "closed_at",
    ):
        assert getattr(project, stamp) is not None, stamp
    transitions = list(
        AuditEvent.objects.filter(target_id=str(project.pk), verb__startswith="projects.project.")
        .exclude(to_state="")
        .order_by("id")
        .values_list("to_state", flat=True)
    )
    assert transitions == [
        "draft",
        "consultation",
        "agreement_drafting",
        "agreed",
        "in_progress",
        "completion_report",
        "evaluation",
        "closed",
    ]
    assert project.agreement.signed_version == project.agreement.current_version
    assert project.agreement.signed_version.number == 2


def test_edit_after_approval_reopens_approval_for_everyone() -> None:
    cast = make_cast()
    project = advance(cast, make_project(cast), ProjectStatus.AGREEMENT_DRAFTING)
    fill_checklist(cast, project)
    write_roles(cast, project)
    project.refresh_from_db()
    services.approve_agreement(
        actor=cast.rep, project=project, organization=cast.group, version_number=2
    )
    write_roles(cast, project)  # any edit makes version 3
    with pytest.raises(ValidationError):
        services.approve_agreement(
            actor=cast.staff, project=project, organization=cast.department, version_number=2
        )
    services.approve_agreement(
        actor=cast.staff, project=project, organization=cast.department, version_number=3
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.AGREEMENT_DRAFTING  # the group must approve v3 again
    services.approve_agreement(
        actor=cast.rep, project=project, organization=cast.group, version_number=3
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.AGREED
    assert AgreementApproval.objects.filter(version__number=3).count() == 2


def test_checklist_is_required_before_signing() -> None:
    cast = make_cast()
    project = advance(cast, make_project(cast), ProjectStatus.AGREEMENT_DRAFTING)
    write_roles(cast, project)
    with pytest.raises(ValidationError) as exc:
        services.approve_agreement(
            actor=cast.rep, project=project, organization=cast.group, version_number=2
        )
    assert exc.value.code == "checklist_incomplete"


def test_low_score_requires_reason_and_scores_hidden_until_all_submitted() -> None:
    from kyodo.projects.selectors import evaluation_comparison

    cast = make_cast()
    project = advance(cast, make_project(cast), ProjectStatus.EVALUATION)
    bad = scores(low=2)
    first = next(iter(bad))
    bad[first].reason = ""
    with pytest.raises(ValidationError):
        services.submit_evaluation(
            actor=cast.rep,
            project=project,
            organization=cast.group,
            kind=EvaluationKind.FINAL,
            scores=bad,
            overall_satisfaction=3,
            lessons="x",
        )
    services.submit_evaluation(
        actor=cast.rep,
        project=project,
        organization=cast.group,
        kind=EvaluationKind.FINAL,
        scores=scores(low=1),
        overall_satisfaction=3,
        lessons="もっと早く相談",
    )
    staff_view = evaluation_comparison(cast.staff, project, EvaluationKind.FINAL)
    assert not staff_view.complete and staff_view.evaluations == []
    coordinator_view = evaluation_comparison(cast.coordinator, project, EvaluationKind.FINAL)
    assert coordinator_view.evaluations == []
    assert [
        e.organization
        for e in evaluation_comparison(cast.rep, project, EvaluationKind.FINAL).evaluations
    ] == [cast.group]
    with pytest.raises(ValidationError):
        services.close_project(actor=cast.staff, project=project)
    services.submit_evaluation(
        actor=cast.staff,
        project=project,
        organization=cast.department,
        kind=EvaluationKind.FINAL,
        scores=scores(low=5),
        overall_satisfaction=4,
        lessons="予算時期の共有",
    )
    public = evaluation_comparison(cast.outsider, project, EvaluationKind.FINAL)
    assert public.complete and len(public.evaluations) == 2
    assert public.rows[0].gap == 4 and public.rows[0].highlighted
    assert Evaluation.objects.filter(project=project, submitted_at__isnull=False).count() == 2


def test_cancel_from_every_active_state_needs_reason() -> None:
    cast = make_cast()
    for target in (
        ProjectStatus.DRAFT,
        ProjectStatus.CONSULTATION,
        ProjectStatus.AGREEMENT_DRAFTING,
        ProjectStatus.AGREED,
        ProjectStatus.IN_PROGRESS,
        ProjectStatus.COMPLETION_REPORT,
        ProjectStatus.EVALUATION,
    ):
        project = advance(cast, make_project(cast), target)
        with pytest.raises(ValidationError):
            services.cancel_project(actor=cast.staff, project=project, reason=" ")
        services.cancel_project(actor=cast.staff, project=project, reason="担い手が不足")
        project.refresh_from_db()
        assert project.status == ProjectStatus.CANCELLED and project.cancel_reason == "担い手が不足"
        with pytest.raises(ValidationError):
            services.cancel_project(actor=cast.staff, project=project, reason="再度")
