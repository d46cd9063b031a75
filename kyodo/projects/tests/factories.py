"""Test helpers: a project with a group and a department, their people, and shortcuts
that walk a project through its lifecycle with the real services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kyodo.guideline.models import EvaluationItem, Principle
from kyodo.organizations.models import MembershipRole, Organization
from kyodo.organizations.tests.factories import (
    DepartmentFactory,
    OrganizationFactory,
    make_coordinator,
    make_member,
)
from kyodo.projects import services
from kyodo.projects.models import Project
from kyodo.projects.services import PartyInput, RoleInput, ScoreInput
from kyodo.projects.workflow import EvaluationKind, Phase, ProjectStatus


@dataclass
class Cast:
    group: Organization
    department: Organization
    rep: Any  # group representative
    member: Any  # plain group member
    staff: Any  # department staff
    coordinator: Any
    outsider: Any  # signed-in resident, no relation


def make_cast() -> Cast:
    from kyodo.accounts.tests.factories import UserFactory

    group = OrganizationFactory()
    department = DepartmentFactory()
    return Cast(
        group=group,
        department=department,
        rep=make_member(group, MembershipRole.REPRESENTATIVE),
        member=make_member(group, MembershipRole.MEMBER),
        staff=make_member(department, MembershipRole.MEMBER),
        coordinator=make_coordinator(),
        outsider=UserFactory(),
    )


def _code(model: Any, preferred: str, **filters: Any) -> str:
    """`preferred` when the loaded guideline file has it, else the file's first such row
    (so these helpers work with any city's file, e.g. the second city's)."""
    rows = model.objects.filter(**filters).order_by("order")
    return preferred if rows.filter(code=preferred).exists() else rows.first().code


def make_project(cast: Cast, *, status: str = "draft", **kwargs: Any) -> Project:
    from kyodo.guideline.models import CollaborationForm, District, Field

    defaults: dict[str, Any] = {
        "title": "子ども食堂ネットワーク",
        "purpose": "地域の子どもが安心して食事できる場を増やす",
        "origin": "citizen",
        "fiscal_year": 2026,
        "form_codes": [_code(CollaborationForm, "cooperation", requires_city_partner=True)],
        "field_codes": [_code(Field, "childcare")],
        "district_codes": [_code(District, "honcho")],
        "city_share_yen": 300_000,
        "lead_share_yen": 50_000,
    }
    defaults.update(kwargs)
    return services.create_project(
        actor=cast.rep,
        lead_organization=cast.group,
        departments=[cast.department],
        status=status,
        **defaults,
    )


def fill_checklist(cast: Cast, project: Project) -> None:
    services.save_checklist(
        actor=cast.rep,
        project=project,
        answers={
            p.pk: f"{p.short_name}のために月1回の定例会を開く" for p in Principle.objects.all()
        },
    )


def write_roles(cast: Cast, project: Project) -> None:
    version = project.agreement.current_version
    assert version is not None
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
                task="広報チラシの作成",
                party=cast.department,
                phase=Phase.PLANNING,
                tier_code="public",
            ),
            RoleInput(
                task="会場の運営",
                party=cast.group,
                phase=Phase.IMPLEMENTATION,
                tier_code="mutual",
                person=cast.rep,
            ),
            RoleInput(
                task="参加者アンケート", party=cast.group, phase=Phase.EVALUATION, tier_code="self"
            ),
        ],
        parties=[PartyInput(cast.department, 300_000), PartyInput(cast.group, 50_000, "会場の提供")]
        + [
            PartyInput(p.organization)
            for p in project.partners.exclude(organization__in=[cast.department, cast.group])
        ],
        change_note="役割分担表を記入",
    )


def sign(cast: Cast, project: Project) -> None:
    number = project.agreement.current_version.number  # type: ignore[union-attr]
    services.approve_agreement(
        actor=cast.rep, project=project, organization=cast.group, version_number=number
    )
    services.approve_agreement(
        actor=cast.staff, project=project, organization=cast.department, version_number=number
    )


def scores(low: int | None = None) -> dict[int, ScoreInput]:
    out = {}
    for i, item in enumerate(EvaluationItem.objects.all()):
        score = 3 + (i % 3 == 0)
        out[item.pk] = ScoreInput(score=score, comment="概ね良好")
    if low is not None:
        first = EvaluationItem.objects.first()
        assert first is not None
        out[first.pk] = ScoreInput(
            score=low, comment="", reason="情報共有が遅れた" if low <= 2 else ""
        )
    return out


def advance(cast: Cast, project: Project, to: str) -> Project:
    """Walk the project to `to` through the services."""
    order = [
        ProjectStatus.DRAFT,
        ProjectStatus.CONSULTATION,
        ProjectStatus.AGREEMENT_DRAFTING,
        ProjectStatus.AGREED,
        ProjectStatus.IN_PROGRESS,
        ProjectStatus.COMPLETION_REPORT,
        ProjectStatus.EVALUATION,
        ProjectStatus.CLOSED,
    ]
    if to == ProjectStatus.CANCELLED:
        services.cancel_project(actor=cast.staff, project=project, reason="予算が確保できなかった")
        project.refresh_from_db()
        return project
    while order.index(project.status) < order.index(to):
        st = project.status
        if st == ProjectStatus.DRAFT:
            services.start_consultation(actor=cast.rep, project=project)
        elif st == ProjectStatus.CONSULTATION:
            services.start_agreement_drafting(actor=cast.staff, project=project)
        elif st == ProjectStatus.AGREEMENT_DRAFTING:
            project.refresh_from_db()
            fill_checklist(cast, project)
            write_roles(cast, project)
            project.refresh_from_db()
            sign(cast, project)
        elif st == ProjectStatus.AGREED:
            services.start_implementation(actor=cast.staff, project=project)
        elif st == ProjectStatus.IN_PROGRESS:
            services.start_completion_report(actor=cast.rep, project=project)
        elif st == ProjectStatus.COMPLETION_REPORT:
            services.save_completion_report(
                actor=cast.rep,
                project=project,
                summary="全12回開催",
                participants=240,
                actual_city_yen=280_000,
                actual_partner_yen=60_000,
            )
            services.submit_completion_report(actor=cast.rep, project=project)
        elif st == ProjectStatus.EVALUATION:
            for actor, org in ((cast.rep, cast.group), (cast.staff, cast.department)):
                services.submit_evaluation(
                    actor=actor,
                    project=project,
                    organization=org,
                    kind=EvaluationKind.FINAL,
                    scores=scores(),
                    overall_satisfaction=4,
                    lessons="早めの情報共有が大切",
                )
            services.record_lessons(
                actor=cast.staff, project=project, lessons="月1回の定例会を続ける"
            )
            services.close_project(actor=cast.staff, project=project)
        project.refresh_from_db()
    return project
