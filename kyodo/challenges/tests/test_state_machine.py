"""Random sequences of actions on one local issue by random people, through the services,
with every invariant of docs/challenges.md checked after every step. Each status change
observed must be one of the transition table's, and what the manage page offers
(`targets_for`) is what the status services accept."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from kyodo.accounts.tests.factories import UserFactory
from kyodo.challenges import services
from kyodo.challenges.models import Issue
from kyodo.challenges.tests.invariants import issue_problems
from kyodo.challenges.workflow import TRANSITIONS, IssueStatus, targets_for
from kyodo.guideline.models import Tier
from kyodo.guideline.tests import codes
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import DepartmentFactory, make_coordinator, make_member

pytestmark = pytest.mark.django_db

ROLES = ("author", "resident", "resident2", "staff", "coordinator")
STATUS_SERVICES = {
    IssueStatus.REVIEWING: services.start_review,
    IssueStatus.IN_PROGRESS: services.start_work,
    IssueStatus.RESOLVED: services.resolve_issue,
}


def _machine(people: dict[str, Any], department: Any) -> type:
    class IssueMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.issue: Issue | None = None
            self.status = ""

        def _fresh(self) -> Issue:
            assert self.issue is not None
            return Issue.objects.get(pk=self.issue.pk)

        @initialize()
        def raise_issue(self) -> None:
            self.issue = services.raise_issue(
                actor=people["author"],
                title="公園の街灯が暗い",
                description="夜道が暗くて危ない",
                district=codes.district(0, "honcho"),
                field=codes.field(0, "crime-prevention"),
            )
            self.status = self.issue.status

        @rule(role=st.sampled_from(ROLES))
        def support(self, role: str) -> None:
            with contextlib.suppress(PermissionDenied):
                services.support_issue(actor=people[role], issue=self._fresh())

        @rule(role=st.sampled_from(ROLES))
        def withdraw(self, role: str) -> None:
            services.withdraw_support(actor=people[role], issue=self._fresh())

        @rule(role=st.sampled_from(ROLES))
        def comment(self, role: str) -> None:
            services.comment_on_issue(actor=people[role], issue=self._fresh(), body="同感です")

        @rule(role=st.sampled_from(ROLES), tier=st.sampled_from(["self", "mutual", "public", None]))
        def triage(self, role: str, tier: str | None) -> None:
            with contextlib.suppress(PermissionDenied):
                services.triage_issue(
                    actor=people[role],
                    issue=self._fresh(),
                    tier=Tier.objects.get(code=tier) if tier else None,
                    tier_explanation="地域で取り組む内容です" if tier else "",
                    responsible_department=department,
                )

        @rule(
            role=st.sampled_from(ROLES),
            to=st.sampled_from([*STATUS_SERVICES, IssueStatus.DECLINED]),
        )
        def change_status(self, role: str, to: str) -> None:
            issue = self._fresh()
            offered = to in targets_for(issue.status, answered=issue.answered_at is not None)
            try:
                if to == IssueStatus.DECLINED:
                    services.decline_issue(actor=people[role], issue=issue, reason="私有地のため")
                else:
                    STATUS_SERVICES[IssueStatus(to)](actor=people[role], issue=issue)
            except PermissionDenied:
                return
            except ValidationError:
                assert not offered, f"{to} was offered from {issue.status} but refused"
                return
            assert offered, f"{to} was accepted from {issue.status} without being offered"

        @rule(role=st.sampled_from(ROLES))
        def answer(self, role: str) -> None:
            with contextlib.suppress(PermissionDenied):
                services.publish_official_answer(
                    actor=people[role], issue=self._fresh(), answer="街灯を交換します。"
                )

        @invariant()
        def invariants_hold(self) -> None:
            if self.issue is None:
                return
            issue = self._fresh()
            if issue.status != self.status:
                assert issue.status in TRANSITIONS[self.status], (self.status, issue.status)
                self.status = issue.status
            assert issue_problems(Issue.objects.filter(pk=issue.pk)) == []

    return IssueMachine


def test_local_issue_state_machine() -> None:
    department = DepartmentFactory()
    people = {
        "author": UserFactory(),
        "resident": UserFactory(),
        "resident2": UserFactory(),
        "staff": make_member(department, MembershipRole.MEMBER),
        "coordinator": make_coordinator(),
    }
    run_state_machine_as_test(
        _machine(people, department),
        settings=settings(
            max_examples=20,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
