"""Hostile input in every form, every URL's query string and every API operation.

Generic: forms are discovered in kyodo.<app>.forms, URLs from the URL conf, API
operations from the OpenAPI schema. Nothing may raise or answer 500; pages show hostile
text escaped; what is accepted is stored exactly (see test_stored_text_is_shown_escaped).
A form whose constructor needs context this file cannot build must be listed in
FORM_SKIPS with the reason, or given a builder in KWARG_BUILDERS.
"""

from __future__ import annotations

import inspect
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.template import engines
from django.urls import reverse

from kyodo.accounts.tests.factories import UserFactory
from tests.security.discovery import api_operations, form_classes, url_routes
from tests.security.payloads import (
    CONTROL,
    CRLF,
    FTS,
    NUL,
    PAYLOAD_IDS,
    PAYLOADS,
    SQL,
    XSS_SCRIPT,
    XSS_SVG,
    assert_no_raw_markup,
    assert_shown_escaped,
)

pytestmark = pytest.mark.django_db


def _user(**kw: Any) -> Any:
    return UserFactory(**kw)


def _organization(**kw: Any) -> Any:
    from kyodo.organizations.tests.factories import OrganizationFactory

    return OrganizationFactory()


def _organizations() -> Any:
    from kyodo.organizations.models import Organization

    _organization()
    return Organization.objects.all()


def _departments() -> Any:
    from kyodo.organizations.models import Organization
    from kyodo.organizations.tests.factories import DepartmentFactory

    DepartmentFactory()
    return Organization.objects.filter(org_type__actor_type__is_government=True)


def _members() -> Any:
    from kyodo.organizations.models import Membership
    from kyodo.organizations.tests.factories import MembershipFactory

    MembershipFactory()
    return list(Membership.objects.select_related("user"))


def _event() -> Any:
    from kyodo.events.tests.factories import EventFactory

    return EventFactory()


# Constructor arguments the framework can build, by parameter name.
KWARG_BUILDERS: dict[str, Callable[[], Any]] = {
    "user": _user,
    "actor": _user,
    "request_user": _user,
    "viewer": _user,
    "organization": _organization,
    "org": _organization,
    "organizations": _organizations,
    "departments": _departments,
    "own_departments": _departments,
    "members": _members,
    "org_ids": lambda: [_organization().pk],
    "event": _event,
    "request": lambda: _request(),
}

_NEEDS_WORKFLOW = (
    "an object deep in its app's workflow; the app's own view tests post hostile text through it"
)
# Forms that need context this generic test cannot build: (form, reason).
FORM_SKIPS: dict[str, str] = {
    "kyodo.projects.forms.AgreementForm": "needs an agreement version and its partners: "
    + _NEEDS_WORKFLOW,
    "kyodo.projects.forms.ChecklistForm": "needs the project's checklist answers: "
    + _NEEDS_WORKFLOW,
    "kyodo.projects.forms.CompletionForm": "needs a running project: " + _NEEDS_WORKFLOW,
    "kyodo.projects.forms.InviteForm": "needs a project: " + _NEEDS_WORKFLOW,
    "kyodo.projects.forms.RoleForm": "needs a project with partners: " + _NEEDS_WORKFLOW,
    "kyodo.calls.forms.ApplicationStartForm": "needs an open call, the applicant's groups and a coordinator: "
    + _NEEDS_WORKFLOW,
    "kyodo.calls.forms.DocumentForm": "needs a call with required documents: " + _NEEDS_WORKFLOW,
    "kyodo.calls.forms.ApplicationForm": "a ModelForm whose clean() reads instance.call: needs an application in a call; "
    + _NEEDS_WORKFLOW,
    "kyodo.districts.forms.StartEventForm": "needs a district council's subcommittee: "
    + _NEEDS_WORKFLOW,
    "kyodo.districts.forms.StartProjectForm": "needs a district council's subcommittee: "
    + _NEEDS_WORKFLOW,
    "kyodo.districts.forms.SubcommitteeForm": "needs a district council: " + _NEEDS_WORKFLOW,
    "kyodo.calls.forms.ScoreForm": "needs a round's rubric criteria: " + _NEEDS_WORKFLOW,
}


def _request() -> Any:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = UserFactory()
    return request


def _required_params(cls: type) -> list[str]:
    params = inspect.signature(cls.__init__).parameters
    return [
        name
        for name, p in list(params.items())[1:]
        if p.default is inspect.Parameter.empty
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        and name not in {"data", "files"}
    ]


def build_form(cls: type[forms.BaseForm], data: dict[str, Any] | None) -> forms.BaseForm:
    kwargs = {name: KWARG_BUILDERS[name]() for name in _required_params(cls)}
    return cls(data=data, **kwargs)


def hostile_data(form: forms.BaseForm, payload: str) -> dict[str, Any]:
    """The payload in every field (and every sub-widget of multi-value fields)."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        value: Any = (
            [payload]
            if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
            else payload
        )
        data[key] = value
        for i in range(3):
            data[f"{key}_{i}"] = payload
    return data


FORMS = form_classes()


def test_forms_are_discovered():
    names = {name for name, _ in FORMS}
    assert "kyodo.privacy.forms.PrivacyRequestForm" in names
    assert len(FORMS) >= 2


def test_every_form_can_be_built_or_is_skipped_with_a_reason():
    problems = []
    for name, cls in FORMS:
        if name in FORM_SKIPS:
            assert FORM_SKIPS[name].strip(), f"{name}: a skip needs a reason"
            continue
        missing = [p for p in _required_params(cls) if p not in KWARG_BUILDERS]
        if missing:
            problems.append(
                f"{name} needs {missing}: add a builder to KWARG_BUILDERS or a FORM_SKIPS entry"
            )
    assert not problems, "\n".join(problems)


RENDER = engines["jinja2"].from_string(
    '{% from "components/forms.html" import error_summary, fields %}{{ error_summary(form) }}{{ fields(form) }}'
)


@pytest.mark.parametrize(("name", "cls"), FORMS, ids=[n.removeprefix("kyodo.") for n, _ in FORMS])
def test_form_survives_every_payload(name, cls):
    if name in FORM_SKIPS:
        pytest.skip(FORM_SKIPS[name])
    if any(p not in KWARG_BUILDERS for p in _required_params(cls)):
        pytest.skip("covered by test_every_form_can_be_built_or_is_skipped_with_a_reason")
    blank = build_form(cls, None)
    for payload_name, payload in PAYLOADS:
        form = build_form(cls, hostile_data(blank, payload))
        try:
            valid = form.is_valid()
            html = RENDER.render({"form": form})
        except Exception as exc:  # pragma: no cover - the failure message is the point
            raise AssertionError(f"{name} raised {exc!r} with payload {payload_name}") from exc
        assert isinstance(valid, bool)
        assert_no_raw_markup(html)
        if valid and payload_name.startswith("xss"):
            # Accepted markup is kept as typed (escaping is the template's job, not the form's).
            text_values = [v for v in form.cleaned_data.values() if isinstance(v, str) and v]
            assert (
                all("<" in v or v.isdigit() or len(v) < len(payload) for v in text_values)
                or not text_values
            )


# --- URLs: hostile query strings on every page without URL arguments ---------------------------

QUERY_PAYLOADS = [
    ("xss", XSS_SVG + XSS_SCRIPT),
    ("sql_fts", SQL + " " + FTS),
    ("long", "長" * 3000),
    ("control", NUL + CONTROL),
    ("crlf", CRLF),
]
QUERY_KEYS = (
    "q",
    "page",
    "cursor",
    "sort",
    "order",
    "status",
    "kind",
    "district",
    "field",
    "fy",
    "year",
    "type",
    "next",
    "format",
    "date_from",
    "date_to",
    "actor",
    "verb",
    "target_type",
    "tab",
)
PLAIN_ROUTES = [r for r in url_routes() if not r.params and r.name not in {"core:floor"}]


@pytest.fixture
def admin_user():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.parametrize("route", PLAIN_ROUTES, ids=[r.name for r in PLAIN_ROUTES])
def test_hostile_query_strings_never_500_or_reflect_markup(client, admin_user, route):
    url = "/" + route.route if ":" not in route.name else reverse(route.name)
    for who in (None, admin_user):
        client.logout()
        if who is not None:
            client.force_login(who)
        for payload_name, payload in QUERY_PAYLOADS:
            response = client.get(url, {key: payload for key in QUERY_KEYS})
            assert response.status_code < 500, (payload_name, response.status_code)
            if response.get("Content-Type", "").startswith("text/html"):
                assert_no_raw_markup(response.content.decode(errors="replace"))
            if response.status_code in (301, 302, 303, 307, 308):
                location = response["Location"]
                assert "\n" not in location and "\r" not in location
                assert not location.lower().startswith(("javascript:", "//", "http://evil"))


# --- Stored text is shown exactly, escaped ------------------------------------------------------

# (url name to post to, data builder, url name of a page showing the text). Apps add theirs.
STORED_TEXT_PAGES: list[tuple[str, Callable[[str], dict[str, str]], str]] = [
    (
        "privacy:request-create",
        lambda text: {"kind": "correction", "details": text, "submission_token": str(uuid.uuid4())},
        "privacy:request-list",
    ),
]


@pytest.mark.parametrize(("payload_name", "payload"), PAYLOADS, ids=PAYLOAD_IDS)
@pytest.mark.parametrize(
    ("post_to", "build", "shown_on"), STORED_TEXT_PAGES, ids=[p[0] for p in STORED_TEXT_PAGES]
)
def test_stored_text_is_shown_escaped(client, post_to, build, shown_on, payload_name, payload):
    client.force_login(UserFactory())
    response = client.post(reverse(post_to), build(payload))
    assert response.status_code < 500
    page = client.get(reverse(shown_on)).content.decode()
    assert_no_raw_markup(page)
    if response.status_code in (302, 303):
        # Accepted: stored exactly as typed (Django strips surrounding whitespace only) and
        # shown escaped, line by line (line breaks become <br>).
        from kyodo.privacy.models import PrivacyRequest

        stored = PrivacyRequest.objects.latest("id").details
        assert stored.replace("\r\n", "\n") == payload.strip().replace("\r\n", "\n")
        for line in re.split(r"\r\n|\r|\n", stored):
            if line.strip():
                assert_shown_escaped(page, line.strip())
    else:
        # Refused (too long, NUL character …): the form says why, nothing is stored.
        assert response.status_code == 200
        assert "error-summary" in response.content.decode()


# --- API: every operation, every field --------------------------------------------------------

OPERATIONS = api_operations()


def _schema(ref_or_schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in ref_or_schema:
        return components.get("schemas", {}).get(ref_or_schema["$ref"].rsplit("/", 1)[-1], {})
    return ref_or_schema


def _body(op: dict[str, Any], payload: str) -> dict[str, Any] | None:
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    schema = _schema(content["application/json"].get("schema", {}), op["_components"])
    return {name: payload for name in schema.get("properties", {})}


def _fill_path(path: str, payload: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.parametrize(
    ("method", "path", "op"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS]
)
def test_api_operation_survives_hostile_input(client, admin_user, method, path, op):
    client.force_login(admin_user)  # the session, CSRF not enforced by the test client
    for payload_name, payload in [(n, p) for n, p in PAYLOADS if n not in {"long"}] + [
        ("long", "長" * 3000)
    ]:
        query = {p["name"]: payload for p in op.get("parameters", []) if p.get("in") == "query"}
        url = _fill_path(path, payload)
        body = _body(op, payload)
        kwargs: dict[str, Any] = {}
        if body is not None:
            kwargs = {"data": body, "content_type": "application/json"}
        if method == "GET":
            response = client.get(url, query)
        else:
            if query:
                url += "?" + "&".join(f"{k}=x" for k in query)
            response = getattr(client, method.lower())(url, **kwargs)
        assert response.status_code < 500, (
            payload_name,
            response.status_code,
            response.content[:300],
        )
        assert response.status_code != 429, "rate limit hit: the test sends too many requests"
