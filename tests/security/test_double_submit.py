"""Double submits are idempotent: the same form posted twice (a double click, a retry after
a timeout) creates one row. Each app tests its own write views; this file holds a generic
check for every endpoint listed in ENDPOINTS (add yours: url name, form data with its
idempotency token, and the queryset that must grow by exactly one)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from kyodo.accounts.tests.factories import UserFactory


@dataclass
class Endpoint:
    url_name: str
    data: Callable[[Any], dict[str, str]]
    rows: Callable[[Any], Any]  # user -> queryset of rows the submit creates


def _privacy_rows(user: Any) -> Any:
    from kyodo.privacy.models import PrivacyRequest

    return PrivacyRequest.objects.filter(user=user)


ENDPOINTS = [
    Endpoint(
        "privacy:request-create",
        lambda user: {
            "kind": "disclosure",
            "details": "二重送信",
            "submission_token": str(uuid.uuid4()),
        },
        _privacy_rows,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.url_name for e in ENDPOINTS])
def test_sequential_double_submit_creates_one_row(client, endpoint):
    user = UserFactory()
    client.force_login(user)
    data = endpoint.data(user)
    first = client.post(reverse(endpoint.url_name), data)
    second = client.post(reverse(endpoint.url_name), data)
    assert first.status_code < 400 and second.status_code < 400
    assert endpoint.rows(user).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite tests share one in-memory database; test_crash_safety covers concurrent writers on a SQLite file",
)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.url_name for e in ENDPOINTS])
def test_concurrent_double_submit_creates_one_row(endpoint, guideline):
    user = UserFactory()
    data = endpoint.data(user)
    statuses: list[int] = []

    def submit() -> None:
        c = Client()
        c.force_login(user)
        try:
            statuses.append(c.post(reverse(endpoint.url_name), data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(s < 400 for s in statuses), statuses
    assert endpoint.rows(user).count() == 1
