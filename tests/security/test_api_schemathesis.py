"""schemathesis against /api/v1/openapi.json: generated requests for every operation must
never get a 5xx, every status must be documented, every response must match the schema the
API publishes, and requests that violate the schema must be refused (4xx).

Part of the gate (`make test`, SQLite and PostgreSQL). Deterministic: schemathesis'
`deterministic` mode (Hypothesis `derandomize`) with a fixed seed, so a run finds the same
cases every time and a failure reproduces with the same command. Each operation runs
schemathesis' examples, coverage (boundaries, missing/wrong-type parameters) and fuzzing
phases; `SCHEMATHESIS_MAX_EXAMPLES` raises the fuzzing budget for a deeper local run:

    SCHEMATHESIS_MAX_EXAMPLES=200 .venv/bin/pytest tests/security/test_api_schemathesis.py

Operations that need sign-in are called with a real personal access token (otherwise every
call would stop at 401 before the endpoint runs); public operations get schemathesis' own
(wrong) Authorization headers, which must answer a documented 401.

NUL characters are not generated (`allow_x00=False`): the API refuses them with 422 on
purpose (PostgreSQL text cannot hold them) and JSON Schema has no plain way to say so;
kyodo/api/tests/test_errors_and_limits.py covers them on every kind of parameter.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.signals import request_finished, request_started  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

SEED = 20261126
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "12"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
schema.config.generation.update(
    deterministic=True, allow_x00=False, max_examples=MAX_EXAMPLES, database="none"
)
schema.config.seed = SEED


@pytest.fixture(autouse=True)
def _no_rate_limit(settings, guideline):  # type: ignore[no-untyped-def]
    # The guideline is reloaded if a transactional test flushed it (public reads need it).
    settings.KYODO_API_RATE_LIMIT_PER_MINUTE = 1_000_000


@pytest.fixture(autouse=True)
def _keep_the_test_connection():  # type: ignore[no-untyped-def]
    """schemathesis calls the WSGI application directly, so Django sends request_started /
    request_finished, whose `close_old_connections` closes a connection that is inside a
    transaction (the test's): on PostgreSQL every later query then fails with "the connection
    is closed" (SQLite's in-memory database is never closed). Django's own test client
    disconnects it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def signed_in_headers(db: Any) -> dict[str, str]:
    from kyodo.accounts.tests.factories import UserFactory
    from kyodo.api.services import create_token

    raw = create_token(actor=UserFactory(), name="schemathesis").raw
    return {"Authorization": f"Bearer {raw}"}


# Open defects in endpoint modules, each with the one check it fails, so the gate stays on for
# everything else (no 5xx, documented statuses, conforming responses). Remove an entry once
# fixed; an entry for an operation that no longer exists fails the test below.
KNOWN_OPEN: dict[str, tuple[Any, str]] = {}


def test_known_open_defects_name_existing_operations() -> None:
    labels = {result.ok().label for result in schema.get_all_operations()}
    assert set(KNOWN_OPEN) <= labels, set(KNOWN_OPEN) - labels


def _needs_sign_in(case: Any) -> bool:
    security = case.operation.definition.raw.get("security")
    return bool(security) and {} not in security


@pytest.mark.django_db
@schema.parametrize()
# The token fixture is deliberately shared by all the examples of an operation.
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, signed_in_headers):  # type: ignore[no-untyped-def]
    known = KNOWN_OPEN.get(case.operation.label)
    case.call_and_validate(
        headers=signed_in_headers if _needs_sign_in(case) else None,
        excluded_checks=[known[0]] if known else None,
    )
