"""Every endpoint answers with what the OpenAPI document promises."""

from __future__ import annotations

import re

import pytest

from kyodo.challenges.tests.factories import IssueCommentFactory
from kyodo.events.tests.factories import EventFactory, RoomFactory
from kyodo.news.tests.factories import NewsItemFactory
from kyodo.organizations.tests.factories import DepartmentFactory, OrganizationFactory

from .conftest import bearer

pytestmark = pytest.mark.django_db


def test_openapi_document_is_openapi_3(openapi):
    assert openapi["openapi"].startswith("3.")
    assert "/api/v1/organizations" in openapi["paths"]
    schemes = openapi["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert "Anonymous" not in schemes
    # Public reads say "no credentials needed" with an empty requirement.
    assert {} in openapi["paths"]["/api/v1/organizations"]["get"]["security"]
    assert {} not in openapi["paths"]["/api/v1/me"]["get"]["security"]
    ids = [op["operationId"] for item in openapi["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_every_get_endpoint_conforms(client, openapi, assert_conforms, person, token_for):
    org = OrganizationFactory()
    DepartmentFactory()
    headers = bearer(token_for(person))
    comment = IssueCommentFactory()
    ids = {
        "organization_id": org.pk,
        "token_id": person.api_tokens.first().pk,
        "issue_id": comment.issue_id,
        "event_id": EventFactory().pk,
        "facility_id": RoomFactory().facility_id,
        "news_id": NewsItemFactory().pk,
    }
    checked = 0
    for template, item in openapi["paths"].items():
        if "get" not in item:
            continue
        path = template
        for name, value in ids.items():
            path = path.replace("{" + name + "}", str(value))
        if "{" in path:
            # A resource this test builds no object for (its own tests do): an id that does
            # not exist must still be a documented, conforming 404.
            path = re.sub(r"\{[^}]+\}", "999999999", path)
            response = client.get(path, **headers)
            assert response.status_code == 404, (path, response.content[:300])
            assert_conforms(response, "GET", path)
            continue
        response = client.get(path, **headers)
        assert response.status_code in (200, 404), (path, response.content[:300])
        if template.endswith(("/open-data", "/registration")):
            assert response.status_code == 404  # no package built; not registered
        else:
            assert response.status_code == 200, path
        assert_conforms(response, "GET", path)
        checked += 1
    assert checked >= 14


def test_error_responses_conform(client, assert_conforms):
    assert_conforms(
        client.get("/api/v1/organizations/999999"), "GET", "/api/v1/organizations/999999"
    )
    assert_conforms(client.get("/api/v1/organizations?limit=0"), "GET", "/api/v1/organizations")
    assert_conforms(client.get("/api/v1/me"), "GET", "/api/v1/me")
