"""Private files are served only through permission-checked views, with safe headers.

Uses the helpers every app can use (tests/security/uploads.py) on the real private-file
views that exist: a group's registration documents."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from kyodo.accounts.tests.factories import UserFactory
from kyodo.organizations.models import MembershipRole, OrganizationDocument
from kyodo.organizations.tests.factories import OrganizationFactory, make_coordinator, make_member
from tests.security.uploads import XSS_FILE_NAME, assert_private_file_view

pytestmark = pytest.mark.django_db


def test_group_documents_are_private_and_safely_named(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = OrganizationFactory()
    representative = make_member(org, MembershipRole.REPRESENTATIVE)
    member = make_member(org)
    other_group = make_member(OrganizationFactory(), MembershipRole.REPRESENTATIVE)
    doc = OrganizationDocument(
        organization=org,
        kind=OrganizationDocument._meta.get_field("kind").choices[0][0],
        original_name=XSS_FILE_NAME,
        content_type="application/pdf",
        uploaded_by=representative,
    )
    doc.file.save("rules.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    doc.save()
    url = reverse("organizations:document-download", kwargs={"pk": org.pk, "doc_pk": doc.pk})
    assert_private_file_view(
        client,
        url,
        allowed=[representative, make_coordinator(), UserFactory(is_superuser=True, is_staff=True)],
        refused=[None, UserFactory(), member, other_group],
    )
    client.force_login(representative)
    response = client.get(url)
    disposition = response["Content-Disposition"]
    assert "<" not in disposition and ">" not in disposition
    assert b"".join(response.streaming_content).startswith(b"%PDF")
