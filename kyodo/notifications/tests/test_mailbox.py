"""The development mailbox: mail the site sent is kept as .eml files and each person reads
their own (admins read all) at /notifications/mail/, with links that open; 404 in production."""

from __future__ import annotations

import pytest
from django.core import mail as django_mail
from django.core.mail import send_mail
from django.test import override_settings
from django.urls import reverse

from kyodo.accounts.tests.factories import UserFactory
from kyodo.notifications import services
from kyodo.notifications.mailbox import BACKEND_PATH

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(tmp_path, settings):
    settings.EMAIL_BACKEND = BACKEND_PATH
    settings.KYODO_MAILBOX_DIR = tmp_path
    settings.SITE_URL = "http://127.0.0.1:8102"
    return tmp_path


def test_a_notification_email_lands_in_the_mailbox_and_its_owner_reads_it(
    mailbox, client, django_capture_on_commit_callbacks
):
    resident = UserFactory(email="sakura@example.jp")
    other = UserFactory(email="other@example.jp")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[resident],
            kind="challenges.answer",
            subject="市が回答しました",
            body="健康教室を開きます。",
            url="/issues/1/",
        )
    files = list(mailbox.glob("*.eml"))
    assert len(files) == 1

    client.force_login(resident)
    page = client.get(reverse("notifications:mail-list"))
    assert page.status_code == 200
    assert "市が回答しました" in page.content.decode()
    detail = client.get(reverse("notifications:mail-detail", args=[files[0].name]))
    html = detail.content.decode()
    assert "健康教室を開きます。" in html
    assert '<a href="http://127.0.0.1:8102/issues/1/">' in html

    client.force_login(other)
    assert "市が回答しました" not in client.get(reverse("notifications:mail-list")).content.decode()
    assert client.get(reverse("notifications:mail-detail", args=[files[0].name])).status_code == 404


def test_admins_read_all_mail_and_names_cannot_escape_the_folder(mailbox, client):
    send_mail("件名<script>", "本文 <b>", None, ["a@example.jp"])
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    html = client.get(reverse("notifications:mail-list")).content.decode()
    assert "件名&lt;script&gt;" in html
    assert client.get("/notifications/mail/..%2F..%2Fsettings.py/").status_code == 404


def test_the_mailbox_is_not_there_in_production(client):
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        client.force_login(UserFactory())
        assert client.get(reverse("notifications:mail-list")).status_code == 404
    assert django_mail.outbox == []


def test_visitors_are_sent_to_sign_in(mailbox, client):
    response = client.get(reverse("notifications:mail-list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
