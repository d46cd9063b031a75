"""Random sequences of actions by random people, through the services, with every invariant
of docs/projects.md checked after every step (hypothesis RuleBasedStateMachine).

Besides the data invariants (tests/invariants.py), each step checks that the page and the
action agree: what `available_actions` offers a person is what the service then accepts for
that person and stage (a refusal for the content, e.g. an empty checklist, is not a
contradiction; a refusal for the person or the stage is)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from kyodo.guideline.models import Principle
from kyodo.guideline.tests import codes as guideline_codes
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import OrganizationFactory, make_member
from kyodo.projects import rules as project_rules
from kyodo.projects import selectors, services
from kyodo.projects.models import ChangeRequest, Project
from kyodo.projects.services import RoleInput
from kyodo.projects.tests.factories import make_cast
from kyodo.projects.tests.invariants import project_problems
from kyodo.projects.workflow import ChangeRequestStatus, Origin, Phase

pytestmark = pytest.mark.django_db

SEEN: set[str] = set()
# Anyone may try anything; the people who sign are drawn a little more often, so that
# sequences reach 協定締結 and the change requests after it within a few steps.
SIGNERS = st.sampled_from(("rep", "staff", "partner_rep"))
RUNNERS = st.sampled_from(("staff", "rep", "coordinator"))
ROLES = ("rep", "staff", "coordinator", "partner_rep", "outsider")
# Codes of refusals for the content of a request, which the page does not promise.
CONTENT_CODES = {
    "no_partner",
    "partners_differ",
    "checklist_incomplete",
    "no_roles",
    "already_approved",
    "already_partner",
    "stale_version",
    "over_ceiling",
    None,
}


def _make_machine(
    cast: Any, partner: Any, partner_rep: Any, theme: Any, second_department: Any
) -> type:
    people = {
        "rep": cast.rep,
        "staff": cast.staff,
        "coordinator": cast.coordinator,
        "partner_rep": partner_rep,
        "outsider": cast.outsider,
    }

    class ProjectMachine(RuleBasedStateMachine):
        project: Project

        def __init__(self) -> None:
            super().__init__()
            self.project = None  # type: ignore[assignment]
            self.status = ""
            self.pending_change = False

        def _status(self) -> str:
            return self.status  # refreshed after every step (invariants_hold)

        def _fresh(self) -> Project:
            project = Project.objects.get(pk=self.project.pk)
            return project

        def _attempt(self, role: str, action: str, call: Any) -> Any:
            """Run `call` as `role`; assert the page offered `action` exactly when the
            service accepts it for the person and the stage."""
            user = people[role]
            project = self._fresh()
            offered = selectors.available_actions(user, project)[action]
            try:
                result = call(user, project)
            except PermissionDenied:
                assert not offered, f"{role} was offered {action} but refused"
                return None
            except ValidationError as exc:
                codes = {e.code for e in exc.error_list} if hasattr(exc, "error_list") else set()
                if hasattr(exc, "error_dict"):
                    codes = {e.code for errs in exc.error_dict.values() for e in errs}
                if codes & {"invalid_state", "invalid_transition"}:
                    assert not offered, f"{role} was offered {action} in {project.status}"
                else:
                    assert codes <= CONTENT_CODES | {"invalid", "incomplete"}, codes
                return None
            assert offered, f"{role} did {action} without being offered it"
            return result

        @initialize(kind=st.sampled_from(["citizen", "city_only", "theme"]))
        def create(self, kind: str) -> None:
            if kind == "city_only":
                self.project = services.create_project(
                    actor=cast.staff,
                    title="行政提案の事業",
                    purpose="地域の課題に取り組む",
                    origin=Origin.CITY,
                    fiscal_year=2026,
                    lead_organization=cast.department,
                    departments=[],
                    form_codes=[
                        guideline_codes.form("cooperation", requires_city_partner=True).code
                    ],
                    city_share_yen=200_000,
                )
            else:
                self.project = services.create_project(
                    actor=cast.rep,
                    title="子ども食堂",
                    purpose="子どもの居場所",
                    origin=Origin.CITY if kind == "theme" else Origin.CITIZEN,
                    fiscal_year=2026,
                    lead_organization=cast.group,
                    departments=[cast.department],
                    form_codes=[
                        guideline_codes.form("cooperation", requires_city_partner=True).code
                    ],
                    city_share_yen=300_000,
                    lead_share_yen=50_000,
                    theme=theme if kind == "theme" else None,
                )
            self.status = self.project.status
            SEEN.add(f"kind:{kind}")

        @precondition(lambda self: self._status() == "draft")
        @rule(role=st.sampled_from(ROLES) | RUNNERS)
        def consult(self, role: str) -> None:
            if self.project is not None:
                self._attempt(
                    role, "consult", lambda u, p: services.start_consultation(actor=u, project=p)
                )

        @precondition(lambda self: self._status() in ("draft", "consultation"))
        @rule(role=st.sampled_from(ROLES) | RUNNERS)
        def draft_agreement(self, role: str) -> None:
            if self.project is not None:
                self._attempt(
                    role,
                    "draft_agreement",
                    lambda u, p: services.start_agreement_drafting(actor=u, project=p),
                )

        @rule(role=st.sampled_from(ROLES), who=st.sampled_from(["partner", "department"]))
        def invite(self, role: str, who: str) -> None:
            if self.project is None:
                return
            org = partner if who == "partner" else second_department
            action = "invite_partner" if who == "partner" else "invite"
            self._attempt(
                role,
                action,
                lambda u, p: services.invite_partner(actor=u, project=p, organization=org),
            )

        def _needs_roles(self) -> bool:
            if self._status() != "agreement_drafting":
                return False
            version = self._fresh().agreement.current_version
            return version is not None and not version.roles.exists()

        @precondition(lambda self: self._needs_roles())
        @rule(role=st.sampled_from(ROLES) | RUNNERS)
        def prepare_agreement(self, role: str) -> None:
            """The checklist and the role-division table (a new version)."""
            if self.project is None:
                return
            project = self._fresh()

            def call(u: Any, p: Project) -> Any:
                services.save_checklist(
                    actor=u,
                    project=p,
                    answers={x.pk: "定例会で確認する" for x in Principle.objects.all()},
                )
                version = p.agreement.current_version
                parties = [x.organization for x in version.parties.all()]
                return services.revise_agreement(
                    actor=u,
                    project=p,
                    purpose=version.purpose,
                    period_start=dt.date(2026, 4, 1),
                    period_end=dt.date(2027, 3, 31),
                    clause_information=version.clause_information,
                    clause_responsibility=version.clause_responsibility,
                    clause_change=version.clause_change,
                    roles=[
                        RoleInput(
                            task="運営", party=parties[0], phase=Phase.PLANNING, tier_code="mutual"
                        )
                    ],
                )

            if project.status == "agreement_drafting":
                self._attempt(role, "edit_agreement", call)

        @precondition(lambda self: self._status() == "agreement_drafting")
        @rule(role=st.sampled_from(ROLES) | SIGNERS | SIGNERS)
        def approve(self, role: str) -> None:
            if self.project is None:
                return
            user = people[role]
            project = self._fresh()
            version = project.agreement.current_version
            number = version.number
            done = set(version.approvals.values_list("organization_id", flat=True))
            signer = project_rules.signer_org_ids(user, project)
            if signer and signer <= done:
                return  # the page shows no approve form: nothing left to approve for them
            orgs = sorted(signer - done) or [cast.group.pk]
            from kyodo.organizations.models import Organization

            org = Organization.objects.get(pk=orgs[0])
            self._attempt(
                role,
                "approve",
                lambda u, p: services.approve_agreement(
                    actor=u, project=p, organization=org, version_number=number
                ),
            )

        @precondition(lambda self: self._status() == "agreement_drafting")
        @rule()
        def every_party_approves(self) -> None:
            """Each party's signer approves in turn (the meeting where everyone signs)."""
            project = self._fresh()
            version = project.agreement.current_version
            signers = {
                cast.group.pk: "rep",
                cast.department.pk: "staff",
                second_department.pk: "staff",
                partner.pk: "partner_rep",
            }
            done = set(version.approvals.values_list("organization_id", flat=True))
            for party in version.parties.select_related("organization"):
                role = signers.get(party.organization_id)
                if party.organization_id in done or role is None:
                    continue
                org = party.organization
                self._attempt(
                    role,
                    "approve",
                    lambda u, p, org=org: services.approve_agreement(
                        actor=u, project=p, organization=org, version_number=version.number
                    ),
                )

        @precondition(lambda self: self._status() == "agreed")
        @rule(role=st.sampled_from(ROLES) | RUNNERS)
        def start(self, role: str) -> None:
            if self.project is not None:
                self._attempt(
                    role, "start", lambda u, p: services.start_implementation(actor=u, project=p)
                )

        @precondition(lambda self: self._status() in ("agreed", "in_progress"))
        @rule(
            role=st.sampled_from(ROLES),
            share=st.sampled_from([None, 250_000, 370_000, 900_000]),
        )
        def request_change(self, role: str, share: int | None) -> None:
            if self.project is not None:
                self._attempt(
                    role,
                    "request_change",
                    lambda u, p: services.request_change(
                        actor=u,
                        project=p,
                        summary="変更",
                        reason="事情が変わった",
                        new_city_share_yen=share,
                    ),
                )

        @precondition(lambda self: self.pending_change)
        @rule(role=st.sampled_from(ROLES) | SIGNERS, approve=st.booleans())
        def decide_change(self, role: str, approve: bool) -> None:
            if self.project is None:
                return
            change = ChangeRequest.objects.filter(
                project=self.project, status=ChangeRequestStatus.PENDING
            ).first()
            if change is None:
                return
            user = people[role]
            project = self._fresh()
            decided = set(change.approvals.values_list("organization_id", flat=True))
            orgs = sorted(project_rules.signer_org_ids(user, project) - decided)
            if not orgs:
                return
            from kyodo.organizations.models import Organization

            org = Organization.objects.get(pk=orgs[0])
            self._attempt(
                role,
                "decide_change",
                lambda u, p: services.decide_change(
                    actor=u,
                    change_request=change,
                    organization=org,
                    approve=approve,
                    comment="不同意",
                ),
            )

        @precondition(lambda self: self._status() == "in_progress")
        @rule(role=st.sampled_from(ROLES))
        def cancel(self, role: str) -> None:
            if self.project is not None:
                self._attempt(
                    role,
                    "cancel",
                    lambda u, p: services.cancel_project(actor=u, project=p, reason="中止する"),
                )

        @invariant()
        def invariants_hold(self) -> None:
            if self.project is not None:
                self.status = self._fresh().status
                self.pending_change = ChangeRequest.objects.filter(
                    project=self.project, status=ChangeRequestStatus.PENDING
                ).exists()
                SEEN.add(self.status)
                assert project_problems(Project.objects.filter(pk=self.project.pk)) == []

    return ProjectMachine


def test_project_workflow_state_machine() -> None:
    from kyodo.organizations.tests.factories import DepartmentFactory

    cast = make_cast()
    partner = OrganizationFactory()
    partner_rep = make_member(partner, MembershipRole.REPRESENTATIVE)
    theme = services.create_theme(
        actor=cast.staff,
        department=cast.department,
        title="空き家の活用",
        problem="空き家が増えている",
        expected_outcome="地域の拠点になる",
        deadline=dt.date(2099, 3, 31),
        fiscal_year=2026,
        budget_ceiling_yen=400_000,
    )
    from kyodo.organizations.tests.factories import MembershipFactory

    second = DepartmentFactory()
    MembershipFactory(user=cast.staff, organization=second)  # staff sign for both 甲
    from kyodo.organizations.predicates import forget_memberships

    forget_memberships(cast.staff)
    machine = _make_machine(cast, partner, partner_rep, theme, second)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=20,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    # The sequences reached signing (so the signing invariants were exercised).
    assert "agreed" in SEEN or "in_progress" in SEEN, SEEN
