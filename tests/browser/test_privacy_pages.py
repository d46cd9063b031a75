"""axe-core checks for the privacy pages: requests about one's own data, and the audit log."""

from __future__ import annotations

import pytest

from kyodo.accounts.tests.factories import UserFactory
from kyodo.core.audit import record_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_privacy_pages_are_accessible(page, axe_check, login, live_url):
    resident = UserFactory()
    login(page, resident)
    axe_check(page, "/privacy/requests/", name="privacy-requests")
    axe_check(page, "/privacy/requests/new/", name="privacy-request-form")
    # Submitting the empty form with the keyboard shows the errors.
    page.focus("#id_details")
    with page.expect_navigation():
        page.locator("main form").last.locator("button[type=submit]").last.press("Enter")
    assert page.locator(".error-summary").count() == 1
    axe_check(page, None, name="privacy-request-form-errors", widths=(360,))

    admin = UserFactory(is_superuser=True, is_staff=True)
    record_event(actor=admin, verb="privacy.example.view", target=resident, to_state="viewed")
    login(page, admin)
    axe_check(page, "/privacy/audit-log/", name="audit-log")
