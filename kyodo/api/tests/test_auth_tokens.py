"""Personal access tokens: created, used, revoked, hashed at rest, never logged; session
auth with CSRF for writes; the API and the token page apply the same rule."""

from __future__ import annotations

import hashlib
import json

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from kyodo.accounts.tests.factories import UserFactory
from kyodo.api.models import PersonalAccessToken
from kyodo.api.services import create_token, revoke_token
from kyodo.core.models import AuditEvent
from kyodo.organizations.tests.factories import make_coordinator

from .conftest import bearer

pytestmark = pytest.mark.django_db


def test_token_is_hashed_at_rest_and_never_in_the_audit_log(person):
    new = create_token(actor=person, name="集計スクリプト")
    assert new.raw.startswith("kyodo_") and len(new.raw) > 40
    row = PersonalAccessToken.objects.get(pk=new.token.pk)
    assert row.token_hash == hashlib.sha256(new.raw.encode()).hexdigest()
    assert new.raw not in json.dumps(list(PersonalAccessToken.objects.values()), default=str)
    assert new.raw[len(row.prefix) :] not in row.prefix
    revoke_token(actor=person, token=row)
    events = list(AuditEvent.objects.filter(verb__startswith="api.token."))
    assert [e.verb for e in events] == ["api.token.revoke", "api.token.create"]
    for event in events:
        dumped = json.dumps(
            {"repr": event.target_repr, "data": event.data, "label": event.actor_label},
            ensure_ascii=False,
        )
        assert new.raw not in dumped
        assert row.token_hash not in dumped


def test_token_authenticates_and_stamps_last_used(client, person, token_for):
    raw = token_for(person, "cli")
    with time_machine.travel("2026-11-25 10:00:00+09:00", tick=False):
        response = client.get("/api/v1/me", **bearer(raw))
    assert response.status_code == 200
    assert response.json() == {
        "id": person.pk,
        "public_name": "はなこ",
        "authenticated_by": "token",
        "token_name": "cli",
    }
    token = PersonalAccessToken.objects.get(user=person)
    assert token.last_used_at is not None and token.last_used_at.isoformat().startswith(
        "2026-11-25T01:00"
    )


def test_wrong_malformed_and_revoked_tokens_are_refused(client, person, token_for):
    raw = token_for(person)
    for header in ("Bearer kyodo_wrong", "Bearer ", "Token " + raw, "Basic abc"):
        response = client.get("/api/v1/organizations", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert response.json()["error"]["code"] == "not_authenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")
    revoke_token(actor=person, token=PersonalAccessToken.objects.get(user=person))
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401


def test_inactive_person_token_is_refused(client, person, token_for):
    raw = token_for(person)
    person.is_active = False
    person.save()
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401


def test_session_works_for_reads_and_needs_csrf_for_writes(person, token_for):
    token = create_token(actor=person, name="old").token
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(person)
    me = browser.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["authenticated_by"] == "session"
    refused = browser.delete(f"/api/v1/me/tokens/{token.pk}")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    browser.get("/api/tokens/")  # a page that sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    accepted = browser.delete(f"/api/v1/me/tokens/{token.pk}", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 200
    assert accepted.json()["revoked_at"] is not None


def test_token_writes_need_no_csrf(person, token_for):
    raw = token_for(person)
    other = create_token(actor=person, name="other").token
    browser = Client(enforce_csrf_checks=True)
    response = browser.delete(f"/api/v1/me/tokens/{other.pk}", **bearer(raw))
    assert response.status_code == 200


def test_api_and_page_give_the_same_answer_for_someone_elses_token(client, person, token_for):
    """Both use the rule api.revoke_token: a stranger gets 404 from both; an admin may."""
    victim = create_token(actor=person, name="mine").token
    stranger = UserFactory()
    assert not stranger.has_perm("api.revoke_token", victim)
    api_answer = client.delete(f"/api/v1/me/tokens/{victim.pk}", **bearer(token_for(stranger)))
    client.force_login(stranger)
    page_answer = client.post(f"/api/tokens/{victim.pk}/revoke/")
    assert api_answer.status_code == page_answer.status_code == 404
    assert api_answer.json()["error"]["code"] == "not_found"
    victim.refresh_from_db()
    assert victim.revoked_at is None
    admin = UserFactory(is_superuser=True)
    assert admin.has_perm("api.revoke_token", victim)
    assert (
        client.delete(f"/api/v1/me/tokens/{victim.pk}", **bearer(token_for(admin))).status_code
        == 200
    )
    # A coordinator is not an admin: no special power over tokens.
    assert not make_coordinator().has_perm("api.revoke_token", victim)


def test_listing_my_tokens_shows_no_secret(client, person, token_for):
    raw = token_for(person)
    response = client.get("/api/v1/me/tokens", **bearer(raw))
    assert response.status_code == 200
    body = response.content.decode()
    assert raw not in body
    assert PersonalAccessToken.objects.get(user=person).token_hash not in body


def test_create_token_command_prints_a_working_token(client, person, capsys):
    call_command("create_token", "HANAKO@example.jp", "--name", "夜間バッチ")
    raw = capsys.readouterr().out.strip()
    assert client.get("/api/v1/me", **bearer(raw)).json()["token_name"] == "夜間バッチ"


def test_create_token_command_unknown_email():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_token", "nobody@example.jp")


def test_token_limit_and_name_validation(person):
    from django.core.exceptions import ValidationError

    from kyodo.api.services import MAX_ACTIVE_TOKENS

    with pytest.raises(ValidationError):
        create_token(actor=person, name="   ")
    for i in range(MAX_ACTIVE_TOKENS):
        create_token(actor=person, name=f"t{i}")
    with pytest.raises(ValidationError):
        create_token(actor=person, name="one too many")
