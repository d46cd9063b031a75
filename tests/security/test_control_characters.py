"""Finding 3: one control-character rule for every form and every API operation, and output
encoders (Atom feeds, CSV and Excel exports) that cannot fail on stored control characters."""

from __future__ import annotations

import pytest
from django import forms
from django.test import Client

from kyodo.accounts.tests.factories import UserFactory
from kyodo.api.schemas import unstorable_values
from kyodo.core.text import (
    ControlCharacterRuleMixin,
    find_control_character,
    strip_control_characters,
    xml_safe,
)
from tests.security.discovery import form_classes
from tests.security.test_hostile_input import (
    FORM_SKIPS,
    KWARG_BUILDERS,
    _required_params,
    build_form,
    hostile_data,
)

pytestmark = pytest.mark.django_db

FORMS = form_classes()
CONTROL = "文字\x01列"  # U+0001, as found by the attack


@pytest.mark.parametrize(
    ("text", "multiline", "refused"),
    [
        ("普通の文", False, False),
        ("タブ\tは可", False, False),
        ("改行\nは複数行だけ", False, True),
        ("改行\r\nは複数行だけ", True, False),
        ("\x00", True, True),
        ("\x01", True, True),
        ("\x1b[31m", True, True),
        ("\x7f", True, True),
        ("\x85", True, True),  # C1: NEL
        ("\x9f", True, True),
        ("\u00a0全角　空白", True, False),  # not control characters
    ],
)
def test_the_rule(text, multiline, refused):
    assert (find_control_character(text, multiline=multiline) is not None) is refused
    if refused:
        assert find_control_character(strip_control_characters(text, multiline=multiline)) is None


def test_every_form_follows_the_rule():
    """Each Kyodo form class (found from the code) applies the shared rule."""
    outside = [name for name, cls in FORMS if not issubclass(cls, ControlCharacterRuleMixin)]
    assert not outside, "derive these from kyodo.core.text.KyodoForm/KyodoModelForm: " + ", ".join(
        outside
    )


def _text_fields(form: forms.BaseForm) -> list[str]:
    return [
        name
        for name, field in form.fields.items()
        if type(field) is forms.CharField and not isinstance(field.widget, forms.HiddenInput)
    ]


@pytest.mark.parametrize(("name", "cls"), FORMS, ids=[n.removeprefix("kyodo.") for n, _ in FORMS])
def test_every_text_field_of_every_form_refuses_control_characters(name, cls):
    if name in FORM_SKIPS:
        pytest.skip(FORM_SKIPS[name])
    if any(p not in KWARG_BUILDERS for p in _required_params(cls)):
        pytest.skip("covered by test_hostile_input's build check")
    blank = build_form(cls, None)
    fields = _text_fields(blank)
    if not fields:
        pytest.skip("no free-text field")
    form = build_form(cls, hostile_data(blank, CONTROL))
    assert not form.is_valid()
    errors = form.errors.as_data()
    for field in fields:
        codes = {e.code for e in errors.get(field, [])}
        # The rule's error, unless the field refused the value on its own first (length …).
        assert codes, f"{name}.{field} accepted a control character"
        if "control_characters" not in codes:
            assert codes - {"required"}, (name, field, codes)


def test_a_text_field_error_is_in_japanese():
    from django.utils import translation

    from kyodo.privacy.forms import PrivacyRequestForm

    with translation.override("ja"):
        form = PrivacyRequestForm(data={"kind": "correction", "details": CONTROL})
        form.is_valid()
        assert "制御文字" in str(form.errors)


def test_multi_line_fields_keep_line_breaks_single_line_fields_do_not():
    from kyodo.privacy.forms import PrivacyRequestForm

    form = PrivacyRequestForm(
        data={"kind": "correction", "details": "一行目\r\n二行目\tタブ", "submission_token": "x"}
    )
    form.is_valid()
    assert "details" not in form.errors


# --- API: every operation's values go through the same rule ------------------------------------


def test_the_api_layer_refuses_control_characters():
    problems = unstorable_values({"body": {"title": CONTROL, "ok": "改行\nタブ\t"}})
    assert [p["type"] for p in problems] == ["string_control_characters"]


def test_an_api_write_with_a_control_character_is_422(client):
    from kyodo.api.services import create_token
    from kyodo.challenges.tests.factories import IssueFactory

    issue = IssueFactory()
    raw = create_token(actor=UserFactory(), name="script").raw
    response = client.post(
        f"/api/v1/issues/{issue.pk}/comments",
        {"body": CONTROL},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422
    assert "string_control_characters" in response.content.decode()


# --- Output encoders: stored control characters never break a page ------------------------------

STORED = "見出し\x01\x0b\x1f\x7f"


def test_xml_safe_removes_what_xml_cannot_hold():
    assert xml_safe(STORED) == "見出し\x7f"  # DEL is legal XML 1.0
    assert xml_safe("a\tb\nc\rd") == "a\tb\nc\rd"


@pytest.mark.parametrize("url", ["/issues/feed/", "/news/feed/"])
def test_atom_feeds_with_stored_control_characters_answer_200(url):
    from kyodo.challenges.tests.factories import IssueFactory
    from kyodo.news.tests.factories import NewsItemFactory

    issue = IssueFactory(title=STORED, description=STORED)
    NewsItemFactory(title=STORED, body=STORED)
    issue.author.display_name = STORED
    issue.author.save()
    response = Client().get(url)
    assert response.status_code == 200
    assert "見出し" in response.content.decode()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_public_organization_export_with_stored_control_characters(fmt):
    from kyodo.organizations.tests.factories import OrganizationFactory

    OrganizationFactory(name=STORED, website="https://example.jp/\x01path")
    response = Client().get(f"/organizations/export.{fmt}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_registrant_export_with_stored_control_characters(client, fmt):
    from kyodo.events import services
    from kyodo.events.tests.factories import EventFactory
    from kyodo.organizations.models import MembershipRole
    from kyodo.organizations.tests.factories import OrganizationFactory, make_member

    org = OrganizationFactory(website="https://example.jp/\x01")
    manager = make_member(org, MembershipRole.REPRESENTATIVE)
    event = EventFactory(organization=org, title=STORED)
    services.register_for_event(actor=UserFactory(display_name=STORED), event=event)
    client.force_login(manager)
    response = client.get(f"/events/{event.pk}/registrants/export/?format={fmt}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        assert b"\x01" not in body
    else:
        assert body.startswith(b"PK")


def test_free_form_keys_get_only_the_storage_checks():
    """Rubric item codes are dict keys the schema leaves open: NUL is refused, other
    characters are looked up (and not found) by the service."""
    assert unstorable_values({"body": {"scores": {"\x97": {"score": 3}}}}) == []
    assert unstorable_values({"body": {"scores": {"a\x00": {}}}})
    assert unstorable_values({"body": {"scores": {"a": {"comment": "x\x01"}}}})
