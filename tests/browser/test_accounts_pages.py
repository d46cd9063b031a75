"""Account pages, checked with axe-core at 360px and 1280px."""

from __future__ import annotations

import pytest

from kyodo.accounts.tests.factories import PrivateProfileFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_account_pages_are_accessible(page, axe_check, live_url):
    axe_check(page, "/accounts/login/", name="accounts-login")
    axe_check(page, "/accounts/signup/", name="accounts-signup")
    page.click("main button[type=submit]")
    axe_check(page, None, name="accounts-signup-errors", widths=(360,))
    axe_check(page, "/accounts/signup/sent/", name="accounts-signup-sent")
    axe_check(page, "/accounts/password/reset/", name="accounts-password-reset")
    response = page.goto(live_url("/accounts/confirm/not-a-token/"))
    assert response.status == 400
    axe_check(page, None, name="accounts-confirm-failed")


def test_signed_in_account_pages_are_accessible(page, axe_check, login):
    profile = PrivateProfileFactory()
    login(page, profile.user)
    axe_check(page, "/accounts/me/", name="accounts-me")
    axe_check(page, "/accounts/me/profile/", name="accounts-profile-form")
    axe_check(page, "/accounts/me/email/", name="accounts-email-form")
    page.click("main button[type=submit]")
    axe_check(page, None, name="accounts-email-form-errors", widths=(360,))
    axe_check(page, "/accounts/password/change/", name="accounts-password-change")
    axe_check(page, "/accounts/me/delete/", name="accounts-delete")
