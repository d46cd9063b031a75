"""The authorization matrix: every URL name × every role (tests/security/authz_table.py).

Generated from the URL conf and the API schema: a view or operation without a row fails
`test_every_url_has_a_row`, so new views must be described before they ship. Every request
runs inside a savepoint that is rolled back, so an allowed POST does not change the shared
objects the next role is tried against.

KYODO_AUTHZ_RECORD=1 prints what each role actually gets (to help write a new row; the
row must then be checked against the app's rules, never pasted blindly).
"""

from __future__ import annotations

import os
from collections import defaultdict

import pytest
from django.db import transaction
from django.urls import reverse

from tests.security import authz_table as t
from tests.security.discovery import api_operations, url_routes

pytestmark = pytest.mark.django_db
ROUTES = {r.name: r for r in url_routes()}
API_OPS = {f"{m} {p}" for m, p, _ in api_operations()}
RECORD = os.environ.get("KYODO_AUTHZ_RECORD") == "1"


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        login = reverse("accounts:login") if "accounts:login" in ROUTES else "/accounts/login/"
        return t.LOGIN if response["Location"].startswith(login) else t.OK
    if 200 <= status < 300:
        return t.OK
    return {
        401: t.LOGIN,
        403: t.FORBIDDEN,
        404: t.NOT_FOUND,
        405: t.NOT_ALLOWED,
        400: t.GONE,
        410: t.GONE,
    }.get(status, str(status))


def test_every_url_has_a_row():
    missing = sorted(
        n
        for n in ROUTES
        if n not in t.TABLE and n not in t.PENDING and n not in t.API_ROUTES_ELSEWHERE
    )
    missing += sorted(op for op in API_OPS if op not in t.API_TABLE and op not in t.PENDING)
    assert not missing, "No authorization row for:\n" + "\n".join(missing)


def test_no_stale_rows():
    stale = sorted(
        n for n in list(t.TABLE) + sorted(t.PENDING) if n not in ROUTES and n not in API_OPS
    )
    stale += sorted(op for op in t.API_TABLE if op not in API_OPS)
    assert not stale, "Rows for URLs that no longer exist:\n" + "\n".join(stale)


def test_rows_name_every_role():
    for name, row in {**t.TABLE, **t.API_TABLE}.items():
        assert set(row.expect) == set(t.ROLES), name


def _check(client, world, name: str, row: t.Row, url: str) -> list[str]:
    failures = []
    got_by_role = {}
    data = row.data(world)
    for role in t.ROLES:
        user = world.users[role]
        client.logout()
        if user is not None:
            client.force_login(user)
        with transaction.atomic():
            if row.method == "GET":
                response = client.get(url)
            elif row.content_type:
                response = client.generic(
                    row.method, url, data=row.body(world), content_type=row.content_type
                )
            else:
                response = getattr(client, row.method.lower())(url, data)
            transaction.set_rollback(True)
        got = outcome(response)
        got_by_role[role] = got
        if response.status_code >= 500:
            failures.append(f"{name} [{role}]: server error {response.status_code}")
        elif got != row.expect[role]:
            failures.append(
                f"{name} [{role}]: expected {row.expect[role]}, got {got} ({response.status_code})"
            )
    if RECORD:
        print(f"\n{name}: {got_by_role}")
    return failures


NAMESPACES = sorted({n.split(":", 1)[0] if ":" in n else "" for n in t.TABLE if n in ROUTES})


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_matrix(client, settings, tmp_path, namespace):
    settings.MEDIA_ROOT = tmp_path
    world = t.build_world()
    failures: list[str] = []
    for name, row in t.TABLE.items():
        if name not in ROUTES or (name.split(":", 1)[0] if ":" in name else "") != namespace:
            continue
        url = row.path or reverse(name, kwargs=row.kwargs(world) or None)
        failures += _check(client, world, name, row, url)
    assert not failures, "\n".join(failures)


def test_api_matrix(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = t.build_world()
    failures: list[str] = []
    for op, row in t.API_TABLE.items():
        if op not in API_OPS:
            continue
        _method, path = op.split(" ", 1)
        url = path.format(**row.kwargs(world))
        failures += _check(client, world, op, row, url)
    assert not failures, "\n".join(failures)


def test_pending_is_reported():
    """Not a pass/fail check: lists the URL names still waiting for a row."""
    by_app = defaultdict(list)
    for name in sorted(t.PENDING):
        by_app[name.split(":", 1)[0]].append(name)
    if by_app:
        print(
            "\nAuthorization rows still to write: "
            + ", ".join(f"{a} ({len(v)})" for a, v in sorted(by_app.items()))
        )
