"""The audit log never holds passwords or tokens, whatever a service passes to it."""

from __future__ import annotations

import json

import pytest

from kyodo.accounts.tests.factories import UserFactory
from kyodo.core.audit import record_event
from kyodo.core.models import AuditEvent

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Zq8!kyodo-new-secret-2026"


def audit_dump() -> str:
    rows = AuditEvent.objects.values(
        "actor_label", "verb", "target_id", "target_repr", "from_state", "to_state", "data"
    )
    return json.dumps(list(rows), ensure_ascii=False, default=str)


def test_password_change_and_token_creation_leave_no_secret(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "correct-horse-battery",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    from kyodo.api.services import create_token

    new = create_token(actor=user, name="集計スクリプト")
    assert AuditEvent.objects.filter(verb="api.token.create").exists()

    dump = audit_dump()
    for secret in (
        NEW_PASSWORD,
        "correct-horse-battery",
        new.raw,
        new.raw[len("kyodo_") :],
        user.password,
    ):
        assert secret not in dump


def test_record_event_scrubs_secret_keys_at_any_depth():
    user = UserFactory()
    record_event(
        actor=user,
        verb="core.test.secrets",
        data={
            "password": "p1",
            "new_password2": "p2",
            "nested": {
                "api_key": "k1",
                "Token": "t1",
                "list": [{"client_secret": "s1", "otp_code": "o1"}],
            },
            "ok": "visible",
        },
    )
    dump = audit_dump()
    for secret in ("p1", "p2", "k1", "t1", "s1", "o1"):
        assert f'"{secret}"' not in dump
    assert "visible" in dump and "[redacted]" in dump
