"""Finding 7: a password change or reset ends every other way in — API tokens and the other
browser sessions — and the page says so."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from kyodo.accounts.tests.factories import UserFactory
from kyodo.api.models import PersonalAccessToken
from kyodo.api.services import create_token
from kyodo.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW = "新しい長い合言葉2026"


def _me(raw: str) -> int:
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def _other_session(user) -> Client:
    other = Client()
    other.force_login(user)
    assert other.get(reverse("accounts:me")).status_code == 200
    return other


def test_a_password_reset_revokes_tokens_and_sessions(client):
    user = UserFactory(email="forgot@example.jp")
    raw = create_token(actor=user, name="script").raw
    assert _me(raw) == 200
    other = _other_session(user)

    client.post(reverse("accounts:password-reset"), {"email": "forgot@example.jp"})
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert response.status_code == 200
    assert "API" in response.content.decode()  # the page says tokens were revoked

    assert _me(raw) == 401
    assert not PersonalAccessToken.objects.active().filter(user=user).exists()
    assert other.get(reverse("accounts:me")).status_code == 302  # logged out
    assert AuditEvent.objects.filter(verb="accounts.user.reset_password").exists()


def test_a_password_change_revokes_tokens_and_other_sessions_but_keeps_this_one(client):
    user = UserFactory()
    raws = [create_token(actor=user, name=f"script {n}").raw for n in range(2)]
    bystander = UserFactory()
    kept = create_token(actor=bystander, name="theirs").raw
    other = _other_session(user)
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "(2)" in page or "（2 件）" in page  # the message counts the revoked tokens
    assert [_me(raw) for raw in raws] == [401, 401]
    assert _me(kept) == 200  # another person's token is untouched
    assert other.get(reverse("accounts:me")).status_code == 302
    assert client.get(reverse("accounts:me")).status_code == 200
