"""Every transition refused for the wrong role and for the wrong state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kyodo.projects import services
from kyodo.projects.tests.factories import Cast, advance, make_cast, make_project
from kyodo.projects.workflow import ProjectStatus

pytestmark = pytest.mark.django_db
S = ProjectStatus

# transition → (state it starts from, roles allowed, service call)
TRANSITIONS: dict[str, tuple[str, set[str], Callable[[Any, Any, Cast], Any]]] = {
    "consult": (
        S.DRAFT,
        {"rep", "staff", "coordinator"},
        lambda a, p, c: services.start_consultation(actor=a, project=p),
    ),
    "draft_agreement": (
        S.CONSULTATION,
        {"rep", "staff", "coordinator"},
        lambda a, p, c: services.start_agreement_drafting(actor=a, project=p),
    ),
    "start": (
        S.AGREED,
        {"rep", "staff", "coordinator"},
        lambda a, p, c: services.start_implementation(actor=a, project=p),
    ),
    "finish": (
        S.IN_PROGRESS,
        {"rep", "staff", "coordinator"},
        lambda a, p, c: services.start_completion_report(actor=a, project=p),
    ),
    "cancel": (
        S.IN_PROGRESS,
        {"rep", "staff", "coordinator"},
        lambda a, p, c: services.cancel_project(actor=a, project=p, reason="理由"),
    ),
}
ROLES = ("rep", "member", "staff", "coordinator", "outsider")


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_transition_role_matrix(name: str) -> None:
    start, allowed, call = TRANSITIONS[name]
    cast = make_cast()
    for role in ROLES:
        project = advance(cast, make_project(cast), start)
        actor = getattr(cast, role)
        if role in allowed:
            call(actor, project, cast)
            project.refresh_from_db()
            assert project.status != start, (name, role)
        else:
            with pytest.raises(PermissionDenied):
                call(actor, project, cast)
            project.refresh_from_db()
            assert project.status == start, (name, role)


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_transition_refused_in_wrong_state(name: str) -> None:
    start, _allowed, call = TRANSITIONS[name]
    cast = make_cast()
    wrong_states = [
        s
        for s in (S.DRAFT, S.CONSULTATION, S.AGREED, S.IN_PROGRESS, S.CLOSED, S.CANCELLED)
        if s != start
    ]
    if name == "cancel":
        wrong_states = [S.CLOSED, S.CANCELLED]
    if name == "draft_agreement":
        wrong_states = [s for s in wrong_states if s != S.DRAFT]  # 構想 → 協定準備 is allowed
    for state in wrong_states:
        project = advance(cast, make_project(cast), state)
        with pytest.raises(ValidationError):
            call(cast.coordinator, project, cast)
        project.refresh_from_db()
        assert project.status == state


def test_approval_and_evaluation_only_by_the_partys_people() -> None:
    from kyodo.projects.tests.factories import fill_checklist, scores, write_roles

    cast = make_cast()
    project = advance(cast, make_project(cast), S.AGREEMENT_DRAFTING)
    fill_checklist(cast, project)
    write_roles(cast, project)
    for actor, org in (
        (cast.member, cast.group),
        (cast.coordinator, cast.group),
        (cast.outsider, cast.group),
        (cast.rep, cast.department),
    ):
        with pytest.raises(PermissionDenied):
            services.approve_agreement(
                actor=actor, project=project, organization=org, version_number=2
            )
    # approving in the wrong state
    done = advance(cast, make_project(cast), S.IN_PROGRESS)
    with pytest.raises(ValidationError):
        services.approve_agreement(
            actor=cast.rep, project=done, organization=cast.group, version_number=2
        )
    # evaluation: the final one is refused before the evaluation stage, and for non-partners
    with pytest.raises(ValidationError):
        services.submit_evaluation(
            actor=cast.rep,
            project=done,
            organization=cast.group,
            kind="final",
            scores=scores(),
            overall_satisfaction=4,
            lessons="x",
        )
    with pytest.raises(PermissionDenied):
        services.submit_evaluation(
            actor=cast.coordinator,
            project=done,
            organization=cast.group,
            kind="midterm",
            scores=scores(),
            overall_satisfaction=4,
            lessons="",
        )
    services.submit_evaluation(
        actor=cast.rep,
        project=done,
        organization=cast.group,
        kind="midterm",
        scores=scores(),
        overall_satisfaction=4,
        lessons="",
    )


def test_close_and_completion_refused_for_wrong_role_and_state() -> None:
    cast = make_cast()
    project = advance(cast, make_project(cast), S.COMPLETION_REPORT)
    with pytest.raises(PermissionDenied):
        services.submit_completion_report(actor=cast.member, project=project)
    with pytest.raises(ValidationError):
        services.submit_completion_report(actor=cast.rep, project=project)  # nothing written yet
    with pytest.raises(ValidationError):
        services.close_project(actor=cast.staff, project=project)  # wrong state
    project = advance(cast, project, S.EVALUATION)
    with pytest.raises(PermissionDenied):
        services.close_project(actor=cast.member, project=project)
    with pytest.raises(PermissionDenied):
        services.close_project(actor=cast.outsider, project=project)


def test_change_request_needs_every_partner() -> None:
    cast = make_cast()
    project = advance(cast, make_project(cast), S.IN_PROGRESS)
    with pytest.raises(PermissionDenied):
        services.request_change(
            actor=cast.outsider, project=project, summary="期間延長", reason="雨天"
        )
    change = services.request_change(
        actor=cast.rep,
        project=project,
        summary="期間延長",
        reason="雨天",
        new_city_share_yen=350_000,
    )
    assert change.status == "pending"
    with pytest.raises(PermissionDenied):
        services.decide_change(
            actor=cast.member, change_request=change, organization=cast.group, approve=True
        )
    with pytest.raises(ValidationError):
        services.decide_change(
            actor=cast.rep, change_request=change, organization=cast.group, approve=True
        )  # already
    services.decide_change(
        actor=cast.staff, change_request=change, organization=cast.department, approve=True
    )
    change.refresh_from_db()
    project.refresh_from_db()
    assert change.status == "approved" and project.city_share_yen == 350_000


def test_create_project_rules() -> None:
    cast = make_cast()
    with pytest.raises(PermissionDenied):
        make_project_as(cast, cast.outsider)
    with pytest.raises(PermissionDenied):
        make_project_as(cast, cast.member)
    project = make_project_as(
        cast, cast.coordinator, status="agreement_drafting", source="calls.application:7"
    )
    assert project.status == S.AGREEMENT_DRAFTING and project.agreement.current_version.number == 1
    assert project.source == "calls.application:7"
    with pytest.raises(ValidationError):
        services.create_project(
            actor=cast.rep,
            title="t",
            purpose="p",
            origin="citizen",
            fiscal_year=2026,
            lead_organization=cast.group,
            departments=[],
            form_codes=["commission"],
        )


def make_project_as(cast: Cast, actor: Any, **kwargs: Any) -> Any:
    return services.create_project(
        actor=actor,
        title="公園の花壇づくり",
        purpose="花で地域をつなぐ",
        origin="citizen",
        fiscal_year=2026,
        lead_organization=cast.group,
        departments=[cast.department],
        form_codes=["cooperation"],
        **kwargs,
    )
