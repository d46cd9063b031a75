"""Errors are JSON with a code and a Japanese message; rate limits answer 429."""

from __future__ import annotations

import pytest
from django.test import override_settings

from kyodo.accounts.tests.factories import UserFactory

from .conftest import bearer

pytestmark = pytest.mark.django_db


def _error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    # A Japanese message by default (no Accept-Language): contains kana/kanji.
    assert any("\u3040" <= ch <= "\u9fff" for ch in error["message"]), error["message"]
    return error


def test_not_found_is_json(client):
    _error(client.get("/api/v1/organizations/424242"), 404, "not_found")
    _error(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_invalid_parameters_are_422_with_details(client):
    error = _error(client.get("/api/v1/organizations?limit=500"), 422, "invalid_request")
    assert error["details"][0]["loc"] == ["query", "limit"]
    _error(client.get("/api/v1/organizations/abc"), 422, "invalid_request")


def test_unauthenticated_is_401(client):
    _error(client.get("/api/v1/me"), 401, "not_authenticated")


def test_english_message_when_asked(client):
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["error"]["message"].startswith("Sign in")


@override_settings(KYODO_API_RATE_LIMIT_PER_MINUTE=3)
def test_rate_limit_per_ip_for_anonymous(client):
    for i in range(3):
        response = client.get("/api/v1/guideline/tiers")
        assert response.status_code == 200
        assert response["X-RateLimit-Remaining"] == str(2 - i)
    limited = client.get("/api/v1/guideline/tiers")
    _error(limited, 429, "rate_limited")
    assert 1 <= int(limited["Retry-After"]) <= 60
    # Another address has its own window.
    assert client.get("/api/v1/guideline/tiers", REMOTE_ADDR="10.0.0.9").status_code == 200


@override_settings(KYODO_API_RATE_LIMIT_PER_MINUTE=2)
def test_rate_limit_per_token(client, token_for):
    first = token_for(UserFactory(), "a")
    second = token_for(UserFactory(), "b")
    assert client.get("/api/v1/me", **bearer(first)).status_code == 200
    assert client.get("/api/v1/me", **bearer(first)).status_code == 200
    assert client.get("/api/v1/me", **bearer(first)).status_code == 429
    # The same machine with another token is counted separately, and so is anonymous use.
    assert client.get("/api/v1/me", **bearer(second)).status_code == 200
    assert client.get("/api/v1/guideline/tiers").status_code == 200


@override_settings(KYODO_API_RATE_LIMIT_PER_MINUTE=2)
def test_rate_limit_window_resets(client):
    import time_machine

    with time_machine.travel("2026-11-25 10:00:05+09:00", tick=False):
        assert client.get("/api/v1/guideline/tiers").status_code == 200
        assert client.get("/api/v1/guideline/tiers").status_code == 200
        assert client.get("/api/v1/guideline/tiers").status_code == 429
    with time_machine.travel("2026-11-25 10:01:01+09:00", tick=False):
        assert client.get("/api/v1/guideline/tiers").status_code == 200
