"""Finding 1: the login lockout counts per (client address, account) pair, and the client
address is read from the proxy's header only behind trusted proxies.

django-axes is off in the test environment (AXES_ENABLED=0): every test here turns it on."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from kyodo.accounts.tests.factories import UserFactory
from kyodo.core.clientip import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
AXES_ON = override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)


def _login(email: str, password: str, address: str, **extra: str) -> int:
    client = Client(REMOTE_ADDR=address, **extra)
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}
    ).status_code


@AXES_ON
def test_the_owner_gets_in_after_an_attackers_failures_from_elsewhere():
    UserFactory(email="victim@example.jp", is_staff=True, is_superuser=True)
    statuses = [_login("victim@example.jp", "wrong", "203.0.113.66") for _ in range(6)]
    assert statuses[-1] == 429  # the attacker's pair is throttled
    # The owner, from their own address, with the right password.
    assert _login("victim@example.jp", PASSWORD, "198.51.100.7") == 302


@AXES_ON
def test_failures_for_made_up_accounts_do_not_lock_others_behind_the_address():
    UserFactory(email="neighbour@example.jp")
    for number in range(8):
        _login(f"nobody{number}@example.jp", "wrong", "192.0.2.10")
    assert _login("neighbour@example.jp", PASSWORD, "192.0.2.10") == 302


@AXES_ON
def test_the_pair_itself_is_locked_even_with_the_right_password():
    UserFactory(email="target@example.jp")
    for _ in range(5):
        _login("target@example.jp", "wrong", "192.0.2.20")
    assert _login("target@example.jp", PASSWORD, "192.0.2.20") == 429


@AXES_ON
@override_settings(BEHIND_PROXY=True, KYODO_TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_each_client_is_counted_apart():
    """All requests come from the proxy's address; the clients differ in the header."""
    UserFactory(email="owner@example.jp")
    for _ in range(6):
        _login("owner@example.jp", "wrong", "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert (
        _login("owner@example.jp", PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7") == 302
    )


@AXES_ON
@override_settings(BEHIND_PROXY=True, KYODO_TRUSTED_PROXY_COUNT=1)
def test_an_attacker_cannot_escape_the_lock_by_forging_the_header():
    """The client's own X-Forwarded-For entries are left of the proxy's: never used."""
    UserFactory(email="owner@example.jp")
    statuses = [
        _login(
            "owner@example.jp",
            "wrong",
            "10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.66",
        )
        for n in range(7)
    ]
    assert statuses[-1] == 429


class _Request:
    def __init__(self, meta: dict[str, str]) -> None:
        self.META = meta


@pytest.mark.parametrize(
    ("behind", "count", "header", "expected"),
    [
        (False, 1, "203.0.113.5", "10.0.0.1"),  # no proxy configured: the header is ignored
        (True, 0, "203.0.113.5", "10.0.0.1"),
        (True, 1, "203.0.113.5", "203.0.113.5"),
        (True, 1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (True, 2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (True, 2, "203.0.113.5", "10.0.0.1"),  # fewer entries than proxies: not through them
        (True, 1, "not-an-address", "10.0.0.1"),
        (True, 1, "", "10.0.0.1"),
    ],
)
def test_client_address(behind, count, header, expected):
    with override_settings(BEHIND_PROXY=behind, KYODO_TRUSTED_PROXY_COUNT=count):
        request = _Request({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": header})
        assert client_ip(request) == expected  # type: ignore[arg-type]
