"""StaffModelBackend (kyodo/core/auth.py): no permission reads for people who are not staff,
model permissions as before for staff, signing in unchanged."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from kyodo.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "kyodo.core.auth.StaffModelBackend",
]


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


@override_settings(AUTHENTICATION_BACKENDS=BACKENDS)
def test_a_person_who_is_not_staff_costs_no_permission_statement():
    user = _fresh(UserFactory())
    with CaptureQueriesContext(connection) as ctx:
        assert not user.has_perm("auth.view_permission")
        assert not user.has_perm("reports.view_dashboard")
    assert not [q for q in ctx.captured_queries if "auth_permission" in q["sql"]]


@override_settings(AUTHENTICATION_BACKENDS=BACKENDS)
def test_model_permissions_granted_to_someone_not_staff_do_not_count():
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_permission"))
    assert not _fresh(user).has_perm("auth.view_permission")


@override_settings(AUTHENTICATION_BACKENDS=BACKENDS)
def test_staff_keep_their_model_permissions():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_permission"))
    staff = _fresh(user)
    assert staff.has_perm("auth.view_permission")
    assert not staff.has_perm("auth.change_permission")


def test_with_django_s_model_backend_the_same_check_reads_permissions():
    """What the backend saves (the default AUTHENTICATION_BACKENDS)."""
    user = _fresh(UserFactory())
    with CaptureQueriesContext(connection) as ctx:
        assert not user.has_perm("auth.view_permission")
    assert [q for q in ctx.captured_queries if "auth_permission" in q["sql"]]


@override_settings(AUTHENTICATION_BACKENDS=BACKENDS)
def test_signing_in_is_unchanged():
    user = UserFactory()  # password "correct-horse-battery"
    assert authenticate(username=user.email, password="correct-horse-battery") == user
    assert authenticate(username=user.email, password="wrong-password-123") is None
