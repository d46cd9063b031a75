"""State-machine test of the group registry: random renewals (by the representative, twice
in a row, by a member who may not), expiries and the passing of days, with every invariant
of docs/organizations.md asserted after every step."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from kyodo.organizations import invariants, services
from kyodo.organizations.models import MembershipRole, Organization, RegistrationRenewal
from kyodo.organizations.tests.factories import OrganizationFactory, make_coordinator, make_member

pytestmark = pytest.mark.django_db

DECLARED = {
    "declared_not_political": True,
    "declared_not_religious": True,
    "declared_no_antisocial_ties": True,
}


class Registry(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = time_machine.travel(
            dt.datetime(2026, 11, 25, 10, tzinfo=dt.timezone(dt.timedelta(hours=9))), tick=False
        )
        self.traveller = self.clock.start()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.org = OrganizationFactory(registration_expires_on=dt.date(2027, 3, 31))
        self.rep = make_member(self.org, MembershipRole.REPRESENTATIVE)
        self.member = make_member(self.org)
        self.coordinator = make_coordinator()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)
        self.clock.stop()

    @rule(actor=st.sampled_from(["rep", "member", "coordinator"]), clicks=st.integers(1, 3))
    def renew(self, actor: str, clicks: int) -> None:
        user = {"rep": self.rep, "member": self.member, "coordinator": self.coordinator}[actor]
        org = Organization.objects.get(pk=self.org.pk)
        shown = services.renewal_problem(org) is None
        for _ in range(clicks):
            before = Organization.objects.get(pk=self.org.pk).registration_expires_on
            try:
                services.renew_registration(actor=user, org=org, declarations=DECLARED)
            except (PermissionDenied, ValidationError):
                after = Organization.objects.get(pk=self.org.pk).registration_expires_on
                assert after == before
                continue
            assert shown, "the page hid the button but the service renewed"
            shown = services.renewal_problem(Organization.objects.get(pk=self.org.pk)) is None

    @rule(days=st.integers(0, 400))
    def time_passes(self, days: int) -> None:
        self.traveller.shift(dt.timedelta(days=days))
        services.expire_registrations()

    @invariant()
    def registry_holds(self) -> None:
        assert invariants.violations(today=timezone.localdate()) == []


def test_registry_state_machine():
    run_state_machine_as_test(
        Registry,
        settings=settings(
            max_examples=20,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


def test_renewing_twice_in_one_fiscal_year_moves_the_expiry_once():
    with time_machine.travel("2027-03-10 10:00 +0900", tick=False):
        org = OrganizationFactory(registration_expires_on=dt.date(2027, 3, 31))
        rep = make_member(org, MembershipRole.REPRESENTATIVE)
        org = services.renew_registration(actor=rep, org=org, declarations=DECLARED)
        assert org.registration_expires_on == dt.date(2028, 3, 31)
        with pytest.raises(ValidationError) as exc:
            services.renew_registration(actor=rep, org=org, declarations=DECLARED)
        assert "更新済み" in " ".join(exc.value.messages)
        org.refresh_from_db()
        assert org.registration_expires_on == dt.date(2028, 3, 31)


def test_the_database_holds_one_renewal_per_group_and_fiscal_year():
    org = OrganizationFactory()
    RegistrationRenewal.objects.create(
        organization=org, fiscal_year=2027, renewed_at=timezone.now()
    )
    with pytest.raises(IntegrityError):
        RegistrationRenewal.objects.create(
            organization=org, fiscal_year=2027, renewed_at=timezone.now()
        )


@time_machine.travel("2027-03-10 10:00 +0900", tick=False)
def test_the_page_offers_renewal_only_while_the_service_accepts_it(client):
    org = OrganizationFactory(registration_expires_on=dt.date(2027, 3, 31))
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    client.force_login(rep)
    url = f"/organizations/{org.pk}/renew/"
    assert url in client.get(f"/organizations/{org.pk}/").content.decode()
    client.post(url, DECLARED)
    page = client.get(f"/organizations/{org.pk}/").content.decode()
    assert url not in page and "更新済み" in page
    response = client.post(url, DECLARED)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.registration_expires_on == dt.date(2028, 3, 31)
