"""Issue 23's pages in Chromium at 360px and 1280px with axe-core: terms, privacy, マイページ as
home, the development mailbox, and the phone menu and filter disclosure."""

from __future__ import annotations

import pytest
from django.core.mail import send_mail

from kyodo.accounts.tests.factories import UserFactory
from kyodo.challenges.tests.factories import IssueFactory
from kyodo.notifications import services as notifications
from kyodo.notifications.mailbox import BACKEND_PATH
from kyodo.organizations.tests.factories import OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_terms_and_privacy_are_accessible(page, axe_check):
    axe_check(page, "/accounts/terms/", name="accounts-terms")
    axe_check(page, "/accounts/privacy/", name="accounts-privacy")


def test_my_page_and_mailbox_are_accessible(page, axe_check, login, settings, tmp_path):
    settings.EMAIL_BACKEND = BACKEND_PATH
    settings.KYODO_MAILBOX_DIR = tmp_path
    user = UserFactory()
    IssueFactory(author=user, title="私が投稿した課題")
    notifications.follow(user=user, target=OrganizationFactory())
    notifications.notify(recipients=[user], kind="t.k", subject="新しいお知らせ")
    send_mail("市が回答しました", "本文 http://127.0.0.1:8000/issues/1/", None, [user.email])
    login(page, user)
    axe_check(page, "/accounts/me/", name="accounts-me-home")
    assert "私が投稿した課題" in page.content()
    axe_check(page, "/notifications/mail/", name="notifications-mail-list")
    page.click("main .list__title a")
    axe_check(page, None, name="notifications-mail-detail")
    assert page.locator("pre.mail-body a").count() == 1


def test_on_a_phone_the_menu_and_filters_fold(page, live_url, axe_check):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_url("/issues/"))
    assert not page.locator("#site-nav").is_visible()
    assert not page.locator("form.filters").is_visible()
    page.click(".menu-button")
    assert page.locator("#site-nav").is_visible()
    assert page.get_attribute(".menu-button", "aria-expanded") == "true"
    page.click("details.filter-disclosure > summary")
    assert page.locator("form.filters").is_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_url("/issues/"))
    assert page.locator("#site-nav").is_visible()
    assert page.locator("form.filters").is_visible()
    assert not page.locator(".menu-button").is_visible()
