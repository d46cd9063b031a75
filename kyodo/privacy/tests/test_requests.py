"""Requests about one's own personal data: filing, double submits, who sees what."""

from __future__ import annotations

import re
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from kyodo.accounts.tests.factories import UserFactory
from kyodo.core.models import AuditEvent
from kyodo.privacy.models import PrivacyRequest
from kyodo.privacy.services import submit_privacy_request

pytestmark = pytest.mark.django_db
NEW = "/privacy/requests/new/"
LIST = "/privacy/requests/"


def test_anonymous_must_log_in(client):
    for url in (NEW, LIST):
        response = client.get(url)
        assert response.status_code == 302 and "next=" in response["Location"]
    response = client.post(NEW, {"kind": "disclosure", "submission_token": str(uuid.uuid4())})
    assert response.status_code == 302
    assert not PrivacyRequest.objects.exists()


def test_resident_files_a_request_and_sees_it(client):
    user = UserFactory()
    client.force_login(user)
    form = client.get(NEW)
    assert form.status_code == 200
    token = re.search(r'name="submission_token" value="([^"]+)"', form.content.decode()).group(1)
    uuid.UUID(token)
    response = client.post(
        NEW, {"kind": "correction", "details": "住所が古い", "submission_token": token}
    )
    assert response.status_code == 302 and response["Location"] == LIST
    request = PrivacyRequest.objects.get()
    assert (request.user, request.kind, request.details) == (user, "correction", "住所が古い")
    event = AuditEvent.objects.get(verb="privacy.request.submit")
    assert event.actor == user and event.to_state == "received"
    page = client.get(LIST).content.decode()
    assert "住所が古い" in page


def test_double_submit_files_one_request(client):
    user = UserFactory()
    client.force_login(user)
    data = {"kind": "disclosure", "details": "", "submission_token": str(uuid.uuid4())}
    first = client.post(NEW, data)
    second = client.post(NEW, data)
    assert first.status_code == second.status_code == 302
    assert PrivacyRequest.objects.count() == 1
    assert AuditEvent.objects.filter(verb="privacy.request.submit").count() == 1


def test_others_requests_are_not_listed(client):
    mine, theirs = UserFactory(), UserFactory()
    submit_privacy_request(
        actor=theirs, kind="deletion", details="他人の秘密", submission_token=uuid.uuid4()
    )
    client.force_login(mine)
    assert "他人の秘密" not in client.get(LIST).content.decode()


def test_invalid_form_shows_errors(client):
    client.force_login(UserFactory())
    response = client.post(NEW, {"kind": "hack", "submission_token": "x"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="#id_kind_0"' in page or 'href="#id_kind"' in page
    assert "error-summary" in page
    assert not PrivacyRequest.objects.exists()


def test_service_refuses_anonymous_and_inactive():
    with pytest.raises(PermissionDenied):
        submit_privacy_request(
            actor=AnonymousUser(), kind="disclosure", details="", submission_token=uuid.uuid4()
        )  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        submit_privacy_request(
            actor=UserFactory(is_active=False),
            kind="disclosure",
            details="",
            submission_token=uuid.uuid4(),
        )


def test_requests_are_in_the_personal_data_export():
    from kyodo.accounts.personal_data import collect_personal_data

    user = UserFactory()
    submit_privacy_request(
        actor=user, kind="disclosure", details="全部見せて", submission_token=uuid.uuid4()
    )
    exported = collect_personal_data(user)["privacy_requests"]
    assert [(r["kind"], r["details"]) for r in exported] == [("disclosure", "全部見せて")]
