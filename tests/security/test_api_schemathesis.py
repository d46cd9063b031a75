"""schemathesis against /api/v1/openapi.json: generated requests for every operation must
never get a 5xx, and every response must match the schema the API publishes."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.wsgi import get_wsgi_application  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _no_rate_limit(settings, guideline):  # type: ignore[no-untyped-def]
    # The guideline is reloaded if a transactional test flushed it (public reads need it).
    settings.KYODO_API_RATE_LIMIT_PER_MINUTE = 1_000_000


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):  # type: ignore[no-untyped-def]
    case.call_and_validate()
