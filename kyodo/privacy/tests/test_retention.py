"""anonymise_expired: retention periods per data class, with frozen time."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from kyodo.accounts.models import PrivateProfile, User
from kyodo.accounts.tests.factories import PrivateProfileFactory, UserFactory
from kyodo.core.audit import record_event
from kyodo.core.models import AuditEvent
from kyodo.privacy import retention
from kyodo.privacy.services import anonymise_expired
from kyodo.privacy.tasks import anonymise_expired_data

pytestmark = pytest.mark.django_db
START = dt.datetime(2020, 4, 1, 9, tzinfo=dt.UTC)


@pytest.fixture
def periods(settings):
    settings.KYODO_RETENTION_DAYS = {
        **settings.KYODO_RETENTION_DAYS,
        "inactive_account": 365,
        "audit_private_view": 30,
    }
    return settings.KYODO_RETENTION_DAYS


def test_inactive_accounts_are_anonymised_after_the_period(periods):
    with time_machine.travel(START, tick=False):
        old = UserFactory(email="old@example.jp", display_name="古い人")
        PrivateProfileFactory(user=old)
        old.last_login = timezone.now()
        old.save()
        never = UserFactory(email="never@example.jp")  # never logged in
        admin = UserFactory(is_superuser=True, is_staff=True)
    with time_machine.travel(START + dt.timedelta(days=300), tick=False):
        recent = UserFactory(email="recent@example.jp")
        recent.last_login = timezone.now()
        recent.save()
        assert anonymise_expired()["inactive_account"] == 0
    with time_machine.travel(START + dt.timedelta(days=366), tick=False):
        results = anonymise_expired()
    assert results["inactive_account"] == 2
    old.refresh_from_db()
    never.refresh_from_db()
    recent.refresh_from_db()
    admin.refresh_from_db()
    for person in (old, never):
        assert person.deleted_at is not None and not person.is_active
        assert person.email.endswith("@deleted.invalid") and person.display_name == ""
        assert not person.has_usable_password()
        assert person.public_name == "退会したユーザー" or person.public_name == "Former user"
    profile = PrivateProfile.objects.get(user=old)
    assert (profile.real_name, profile.phone, profile.address) == ("", "", "")
    assert recent.deleted_at is None and admin.deleted_at is None
    assert AuditEvent.objects.filter(verb="privacy.user.anonymise").count() == 2
    assert not AuditEvent.objects.filter(target_repr__contains="古い人").exists()
    assert not User.objects.filter(email="old@example.jp").exists()
    # Idempotent: a second run changes nothing.
    with time_machine.travel(START + dt.timedelta(days=367), tick=False):
        assert anonymise_expired()["inactive_account"] == 0


def test_private_view_audit_rows_lose_the_subject_after_the_period(periods):
    staff = UserFactory()
    subject = UserFactory(display_name="見られた人")
    with time_machine.travel(START, tick=False):
        old = record_event(
            actor=staff,
            verb="accounts.private_data.view",
            target=subject,
            data={"purpose": "event"},
        )
        other = record_event(actor=staff, verb="accounts.user.change", target=subject)
    with time_machine.travel(START + dt.timedelta(days=29), tick=False):
        recent = record_event(actor=staff, verb="accounts.private_data.view", target=subject)
        assert anonymise_expired()["audit_private_view"] == 0
    with time_machine.travel(START + dt.timedelta(days=31), tick=False):
        assert anonymise_expired()["audit_private_view"] == 1
        assert anonymise_expired()["audit_private_view"] == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    other.refresh_from_db()
    assert (old.target_id, old.target_repr, old.data) == ("", "", {})
    assert old.actor == staff  # who looked stays known
    assert recent.target_id == str(subject.pk)
    assert other.target_id == str(subject.pk)


def test_registered_policies_get_their_cutoff(periods, monkeypatch):
    calls: list[dt.datetime] = []

    def policy(cutoff: dt.datetime) -> int:
        calls.append(cutoff)
        return 7

    monkeypatch.setattr(retention, "_policies", dict(retention._policies))
    retention.register_retention_policy("contact_request", policy)
    now = START + dt.timedelta(days=1000)
    results = anonymise_expired(now=now)
    assert results["contact_request"] == 7
    assert calls == [now - dt.timedelta(days=periods["contact_request"])]
    event = AuditEvent.objects.get(verb="privacy.retention.apply")
    assert event.data["changed"]["contact_request"] == 7


def test_unknown_data_class_is_a_configuration_error(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setattr(retention, "_policies", dict(retention._policies))
    retention.register_retention_policy("no_such_class", lambda cutoff: 0)
    with pytest.raises(ImproperlyConfigured):
        anonymise_expired()


def test_command_and_task(periods):
    with time_machine.travel(START, tick=False):
        UserFactory()
    with time_machine.travel(START + dt.timedelta(days=400), tick=False):
        out = io.StringIO()
        call_command("anonymise_expired", stdout=out)
        assert "inactive_account" in out.getvalue() and "1" in out.getvalue()
        assert anonymise_expired_data.call() == {k: 0 for k in retention.registered_policies()}


@pytest.mark.django_db
def test_anonymisation_removes_the_email_from_old_audit_rows():
    from kyodo.accounts.tests.factories import UserFactory
    from kyodo.core.audit import record_event
    from kyodo.core.models import AuditEvent
    from kyodo.privacy.services import anonymise_user

    person = UserFactory(email="leaving@example.jp")
    record_event(actor=person, verb="challenges.issue.raise", target=person)
    assert AuditEvent.objects.filter(actor_label="leaving@example.jp").exists()
    anonymise_user(actor=None, user=person, reason="retention")
    assert not AuditEvent.objects.filter(actor_label__contains="leaving@example.jp").exists()
    assert AuditEvent.objects.filter(actor=person, verb="challenges.issue.raise").exists()
