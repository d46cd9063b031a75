from __future__ import annotations

import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from kyodo.accounts.tests.factories import PrivateProfileFactory, UserFactory
from kyodo.api.services import create_token


@pytest.fixture
def openapi(client: Any) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operation(openapi: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """The operation whose path template matches the concrete `path`."""
    bare = path.split("?")[0]
    for template, item in openapi["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^/]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, bare) and method.lower() in item:
            return item[method.lower()]
    raise AssertionError(f"{method} {bare} is not in the OpenAPI document")


@pytest.fixture
def assert_conforms(openapi: dict[str, Any]) -> Any:
    """Validate a response's JSON against the schema the OpenAPI document declares for its
    method, path and status (a status it does not declare fails)."""

    def check(response: Any, method: str, path: str) -> Any:
        operation = _operation(openapi, method, path)
        declared = operation["responses"].get(str(response.status_code))
        assert declared is not None, f"{method} {path} returned undeclared {response.status_code}"
        schema = declared["content"]["application/json"]["schema"]
        root = {**openapi, **schema}
        Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
            response.json()
        )
        return response.json()

    return check


@pytest.fixture
def person() -> Any:
    user = UserFactory(email="hanako@example.jp", display_name="はなこ")
    PrivateProfileFactory(user=user, real_name="川越 花子")
    return user


@pytest.fixture
def token_for() -> Any:
    def make(user: Any, name: str = "script") -> str:
        return create_token(actor=user, name=name).raw

    return make


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
