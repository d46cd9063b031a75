"""The API app's pages: the API docs (with Swagger UI under the strict CSP), access tokens,
and the open-data download page."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_runs_swagger_ui_under_the_strict_csp(page, live_url):
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    response = page.goto(live_url("/api/v1/docs"), timeout=60000)
    assert response is not None and response.status == 200
    assert "unsafe-inline" not in (response.headers.get("content-security-policy") or "")
    page.wait_for_selector("#swagger-ui .opblock", timeout=60000)
    assert page.locator("#swagger-ui .opblock").count() >= 10
    assert not problems, problems


def test_api_docs_page_is_accessible(page, live_url, axe_check):
    # Swagger UI is large: load it once with a generous timeout, then check the page as
    # rendered (our CSS overrides Swagger UI's colours that fail AA contrast).
    page.goto(live_url("/api/v1/docs"), timeout=60000)
    page.wait_for_selector("#swagger-ui .opblock", timeout=60000)
    axe_check(page, None, name="api-docs")


def test_open_data_and_token_pages_are_accessible(page, axe_check, login, settings, tmp_path):
    from kyodo.accounts.tests.factories import UserFactory
    from kyodo.api.opendata import build_package
    from kyodo.organizations.tests.factories import OrganizationFactory

    settings.MEDIA_ROOT = tmp_path
    axe_check(page, "/api/open-data/", name="api-open-data-empty")
    OrganizationFactory()
    build_package()
    axe_check(page, "/api/open-data/", name="api-open-data")
    user = UserFactory()
    login(page, user)
    axe_check(page, "/api/tokens/", name="api-tokens-empty")
    page.click("button[type=submit]:has-text('トークンを作成する')")
    axe_check(page, None, name="api-tokens-errors", widths=(360,))
    page.fill("#id_name", "集計スクリプト")
    page.click("button[type=submit]:has-text('トークンを作成する')")
    assert page.input_value("#new-token").startswith("kyodo_")
    axe_check(page, None, name="api-tokens-created", widths=(360, 1280))
