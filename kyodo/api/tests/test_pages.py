"""The HTML pages: API docs, access tokens, open data."""

from __future__ import annotations

import re

import pytest

from kyodo.accounts.tests.factories import UserFactory
from kyodo.api.models import PersonalAccessToken
from kyodo.api.services import create_token

pytestmark = pytest.mark.django_db


def test_docs_page_lists_endpoints_with_local_assets_and_strict_csp(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/organizations" in html and "openapi.json" in html
    srcs = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert srcs and all(s.startswith("/") for s in srcs), srcs  # nothing from a CDN
    assert "<script>" not in html  # no inline script
    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp


def test_docs_assets_are_served_from_the_ninja_package(client):
    response = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert response.status_code == 200
    assert b"SwaggerUIBundle" in b"".join(response.streaming_content)
    assert client.get("/api/v1/docs/assets/favicon.png").status_code == 404
    assert client.get("/api/v1/docs/assets/..%2F..%2F__init__.py").status_code == 404


def test_footer_links_to_the_docs(client):
    assert 'href="/api/v1/docs"' in client.get("/api/v1/docs").content.decode()
    assert client.get("/api/").status_code == 302


def test_tokens_page_needs_sign_in(client):
    response = client.get("/api/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/")


def test_create_token_on_the_page_shows_it_once(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/api/tokens/", {"name": "集計用"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    raw = re.search(r'value="(kyodo_[^"]+)"', html).group(1)
    assert PersonalAccessToken.objects.get(user=user).name == "集計用"
    again = client.get("/api/tokens/").content.decode()
    assert raw not in again and "集計用" in again
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_create_token_with_empty_name_shows_errors(client):
    client.force_login(UserFactory())
    html = client.post("/api/tokens/", {"name": ""}).content.decode()
    assert "error-summary" in html
    assert not PersonalAccessToken.objects.exists()


def test_revoke_on_the_page(client):
    user = UserFactory()
    token = create_token(actor=user, name="古い").token
    client.force_login(user)
    response = client.post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(f"/api/tokens/{token.pk}/revoke/").status_code == 405
