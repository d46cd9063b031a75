"""State-machine test of a subsidy from the committee's conclusion to payment: random
decisions, grants, change requests, settlements, confirmations and payments, by random
roles (the coordinator, the applicant's representative, a reviewer), through the services,
with every invariant of docs/calls.md asserted after every step."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from kyodo.calls import invariants, services
from kyodo.calls.models import Application, ChangeRequest, Grant
from kyodo.calls.tests.factories import eligible_application, make_call, make_reviewer, pdf_upload
from kyodo.organizations.tests.factories import make_coordinator

pytestmark = pytest.mark.django_db

REFUSED = (ValidationError, PermissionDenied)
# Eligible costs 400,000, rule 90% / cap 500,000 / 1,000円 units, 300,000 requested:
# valid decisions are multiples of 1,000 up to 300,000; the others must be refused.
AMOUNTS = st.sampled_from([0, 1_000, 280_000, 300_000, 300_500, 301_000, 360_000, 400_500])


class Subsidy(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.coordinator = make_coordinator()
        call = make_call(coordinator=self.coordinator, budget=500_000)
        self.reviewer = make_reviewer(call.rounds.get(), self.coordinator)
        self.apps = [
            eligible_application(call, self.coordinator, title=f"事業{i}") for i in range(2)
        ]
        # Start at the city's decision (the committee has concluded), so that every example
        # reaches the amounts; `conclude` may still change the conclusion.
        for app in self.apps:
            services.record_committee_conclusion(
                actor=self.coordinator, application=app, conclusion="adopt", comment="講評"
            )

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def actor(self, role: str, app: Application):  # type: ignore[no-untyped-def]
        return {"coordinator": self.coordinator, "rep": app.created_by, "reviewer": self.reviewer}[
            role
        ]

    def app(self, i: int) -> Application:
        return Application.objects.get(pk=self.apps[i].pk)

    def grant(self, i: int) -> Grant | None:
        return Grant.objects.filter(application_id=self.apps[i].pk).first()

    @rule(i=st.integers(0, 1), conclusion=st.sampled_from(["adopt", "reject"]))
    def conclude(self, i: int, conclusion: str) -> None:
        with contextlib.suppress(*REFUSED):
            services.record_committee_conclusion(
                actor=self.coordinator,
                application=self.app(i),
                conclusion=conclusion,
                comment="講評",
            )

    @rule(
        i=st.integers(0, 1),
        role=st.sampled_from(["coordinator", "coordinator", "coordinator", "rep", "reviewer"]),
        decision=st.sampled_from(["adopt", "adopt", "reject"]),
        amount=AMOUNTS,
    )
    def city_decides(self, i: int, role: str, decision: str, amount: int) -> None:
        app = self.app(i)
        with contextlib.suppress(*REFUSED):
            services.record_city_decision(
                actor=self.actor(role, app),
                application=app,
                decision=decision,
                amount_yen=amount,
                reason="予算の範囲で判断",
            )

    @rule(i=st.integers(0, 1), offset=st.sampled_from([None, 0, -1_000, 500]))
    def grant_decided(self, i: int, offset: int | None) -> None:
        app = self.app(i)
        decision = getattr(app, "decision", None)
        amount = None if offset is None or decision is None else decision.city_amount_yen + offset
        with contextlib.suppress(*REFUSED):
            services.decide_grant(actor=self.coordinator, application=app, amount_yen=amount)

    @rule(i=st.integers(0, 1), amount=st.sampled_from([None, 250_000, 250_500, 290_000, 600_000]))
    def change_requested(self, i: int, amount: int | None) -> None:
        grant = self.grant(i)
        if grant is None:
            return
        with contextlib.suppress(*REFUSED):
            services.request_change(
                actor=self.app(i).created_by,
                grant=grant,
                description="回数を変更",
                reason="会場の都合",
                new_amount_yen=amount,
            )

    @rule(approve=st.booleans(), role=st.sampled_from(["coordinator", "rep"]))
    def change_decided(self, approve: bool, role: str) -> None:
        change = ChangeRequest.objects.filter(status="pending").select_related("grant").first()
        if change is None:
            return
        app = Application.objects.get(pk=change.grant.application_id)
        with contextlib.suppress(*REFUSED):
            services.decide_change(actor=self.actor(role, app), change=change, approve=approve)

    @rule(i=st.integers(0, 1), cost=st.integers(0, 450_000))
    def settlement(self, i: int, cost: int) -> None:
        grant = self.grant(i)
        if grant is None:
            return
        rep = self.app(i).created_by
        with contextlib.suppress(*REFUSED):
            services.save_settlement(
                actor=rep,
                grant=grant,
                results="講座を開いた。",
                participants=30,
                lines=[
                    {
                        "category": "報償費",
                        "amount_yen": cost,
                        "is_eligible": True,
                        "receipt": pdf_upload("receipt.pdf"),
                    }
                ],
            )
            services.submit_settlement(actor=rep, grant=grant)

    @rule(i=st.integers(0, 1), confirm=st.booleans(), role=st.sampled_from(["coordinator", "rep"]))
    def settlement_decided(self, i: int, confirm: bool, role: str) -> None:
        grant = self.grant(i)
        if grant is None:
            return
        actor = self.actor(role, self.app(i))
        with contextlib.suppress(*REFUSED):
            if confirm:
                services.confirm_amount(actor=actor, grant=grant)
            else:
                services.return_settlement(actor=actor, grant=grant, reason="領収書を確認")

    @rule(i=st.integers(0, 1), extra=st.sampled_from([0, 0, 1_000]))
    def paid(self, i: int, extra: int) -> None:
        grant = self.grant(i)
        if grant is None or grant.confirmed_amount_yen is None:
            return
        with contextlib.suppress(*REFUSED):
            services.record_payment(
                actor=self.coordinator,
                grant=grant,
                amount_yen=grant.confirmed_amount_yen + extra,
                paid_on=dt.date(2027, 3, 1),
            )

    @invariant()
    def one_amount_at_each_stage(self) -> None:
        assert invariants.violations() == []


def test_subsidy_state_machine():
    run_state_machine_as_test(
        Subsidy,
        settings=settings(
            max_examples=15,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
