"""A page never prints a literal "None": the Jinja2 finalize hook (config/jinja2.py) makes a
printed None an error under test, so every test that renders a page is also a None detector."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test import override_settings

from config.jinja2 import TemplatePrintedNone


def render(source: str, **context: object) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_printing_none_is_an_error_under_test():
    with pytest.raises(TemplatePrintedNone):
        render("<td>{{ value }}</td>", value=None)
    assert render("<td>{{ value or '' }}</td>", value=None) == "<td></td>"
    assert render("<td>{{ value }}</td>", value=0) == "<td>0</td>"


@override_settings(KYODO_TEMPLATE_NONE_IS_ERROR=False)
def test_on_the_site_a_none_prints_nothing():
    assert render("<td>{{ value }}</td>", value=None) == "<td></td>"


@pytest.mark.django_db
def test_reviewers_table_says_none_in_japanese_for_no_conflicts(client):
    from kyodo.calls.tests.factories import make_call, make_reviewer
    from kyodo.organizations.tests.factories import make_coordinator

    coordinator = make_coordinator()
    call = make_call(coordinator=coordinator)
    rnd = call.rounds.get()
    make_reviewer(rnd, coordinator)
    client.force_login(coordinator)
    html = client.get(f"/calls/rounds/{rnd.pk}/reviewers/", HTTP_ACCEPT_LANGUAGE="ja").content
    text = html.decode()
    assert "利害関係" in text
    assert "<td>なし</td>" in text
    assert ">None<" not in text
