"""Finding 5: every GET view, fuzzed in every query parameter it reads, never answers 500.

The class test: each GET URL of the authorization matrix (tests/security/authz_table.py, which
knows how to build every URL's arguments) is requested as an anonymous visitor and as
signed-in roles with calendar-end dates, digits `int()` reads but nobody types (², ١٢),
full-width digits, exponents, huge numbers and junk

- in every parameter at once (common names plus every name the code reads), and
- in each parameter the view's own code reads, one at a time (found by reading the view's
  source: `request.GET.get("x")`, `params.<parser>(request.GET, "x")`, and the fields of a form
  built from `request.GET`), so an early 400 on one cannot hide a crash on another.

And a guard on the layer itself: a view may read a query parameter raw only if it is a
string it compares or passes to a form (an allow-list below); numbers and dates go through
kyodo.core.params.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import resolve, reverse

from tests.security import authz_table as t
from tests.security.discovery import url_routes

pytestmark = pytest.mark.django_db

FUZZ_VALUES = (
    "0001-01-01",
    "9999-12-31",
    "²",
    "١٢",
    "１２",
    "1.5e400",
    "9" * 40,
    "-1",
    "0",
    "junk",
)
COMMON_NAMES = (
    "q",
    "page",
    "cursor",
    "status",
    "kind",
    "district",
    "field",
    "fy",
    "year",
    "from",
    "date",
    "date_from",
    "date_to",
    "department",
    "organization",
    "offer",
    "id",
    "target",
    "format",
    "source",
    "scope",
    "show",
    "round",
    "actor",
    "verb",
    "target_type",
    "past",
)
ROLES = ("anonymous", "resident", "coordinator", "admin")
ROUTES = {r.name: r for r in url_routes()}

_GET_RE = re.compile(r"request\.GET\.get\(\s*[\"'](\w+)")
_PARAMS_RE = re.compile(r"params\.\w+\(\s*request\.(?:GET|POST)\s*,\s*[\"'](\w+)")
_FORM_RE = re.compile(r"(\w+Form)\(\s*request\.GET")


def view_query_names(func) -> set[str]:
    """The query parameters a view function's own code reads."""
    func = inspect.unwrap(func)
    view_class = getattr(func, "view_class", None)
    target = view_class or func
    try:
        source = inspect.getsource(target)
    except (OSError, TypeError):
        return set()
    names = set(_GET_RE.findall(source)) | set(_PARAMS_RE.findall(source))
    module = inspect.getmodule(target)
    for form_name in _FORM_RE.findall(source):
        form = getattr(module, form_name, None)
        if form is not None and hasattr(form, "base_fields"):
            names |= set(form.base_fields)
    return names


def _every_name_in_the_code() -> set[str]:
    names: set[str] = set()
    for path in Path("kyodo").glob("*/*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(_GET_RE.findall(text)) | set(_PARAMS_RE.findall(text))
    return names


ALL_NAMES = tuple(sorted(set(COMMON_NAMES) | _every_name_in_the_code()))
GET_ROWS = {
    name: row
    for name, row in t.TABLE.items()
    if row.method == "GET" and name in ROUTES and name != "core:floor"
}
NAMESPACES = sorted({n.split(":", 1)[0] if ":" in n else "" for n in GET_ROWS})


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_no_get_view_answers_500_to_hostile_query_values(client, settings, tmp_path, namespace):
    settings.MEDIA_ROOT = tmp_path
    world = t.build_world()
    failures: list[str] = []
    for name, row in GET_ROWS.items():
        if (name.split(":", 1)[0] if ":" in name else "") != namespace:
            continue
        url = row.path or reverse(name, kwargs=row.kwargs(world) or None)
        own = sorted(view_query_names(resolve(url.split("?")[0]).func))
        queries = [dict.fromkeys(ALL_NAMES, value) for value in FUZZ_VALUES]
        queries += [{param: value} for param in own for value in FUZZ_VALUES]
        for role in ROLES:
            user = world.users[role]
            client.logout()
            if user is not None:
                client.force_login(user)
            for query in queries:
                with transaction.atomic():
                    response = client.get(url, query)
                    transaction.set_rollback(True)
                if response.status_code >= 500:
                    failures.append(f"{name} [{role}] {query if len(query) == 1 else 'all'}")
                    break
    assert not failures, "server errors:\n" + "\n".join(failures)


# Raw reads of request.GET allowed: strings compared with a fixed set, passed to a form or to
# a selector that validates them (cursor: signed; district/target: looked up by code).
RAW_STRING_PARAMS = {
    "cursor",
    "format",
    "q",
    "show",
    "scope",
    "status",
    "district",
    "target",
}


def test_numbers_and_dates_are_read_through_the_parsing_layer():
    offenders = []
    for path in sorted(Path("kyodo").glob("*/*.py")):
        text = path.read_text(encoding="utf-8")
        for match in _GET_RE.finditer(text):
            if match.group(1) not in RAW_STRING_PARAMS:
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path}:{line} reads ?{match.group(1)} raw")
    assert not offenders, (
        "read these through kyodo.core.params (or a form with bounded fields):\n"
        + "\n".join(offenders)
    )


@pytest.mark.parametrize(
    "query",
    ["fy=9999", "fy=²", "fy=١٢", "fy=" + "9" * 40],
)
def test_the_reported_urls_answer_400_with_the_parameter_named(client, query):
    from django.utils import translation

    with translation.override("ja"):
        response = client.get(f"/events/steps/?{query}", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 400
    assert "fy" in response.content.decode()


def test_full_width_digits_are_read_as_digits(client):
    assert client.get("/events/steps/?fy=２０２６").status_code == 200


@pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=0001-01-01"])
def test_event_list_calendar_ends_are_a_form_error(client, query):
    response = client.get(f"/events/?{query}")
    assert response.status_code == 200


def test_parsers():
    from kyodo.core import params

    assert params.ascii_int("１２３") == 123
    # As kyodo.core.fields.AsciiIntegerField: NFKC folds ² to 2, Arabic-Indic digits stay refused.
    assert params.ascii_int("²") == 2
    assert params.ascii_int("١٢") is None
    assert params.ascii_int("1.5e400") is None
    assert params.ascii_int("9" * 40) is None
    assert params.parse_date("9999-12-31") is None
    assert params.parse_date("0001-01-01") is None
    assert params.parse_date("２０２６-０４-０１").isoformat() == "2026-04-01"


def test_an_event_in_year_0001_is_a_field_error():
    from kyodo.events.forms import EventForm

    form = EventForm(data={"starts_at": "0001-01-01T10:00", "ends_at": "0001-01-01T12:00"})
    form.is_valid()
    assert "starts_at" in form.errors and "ends_at" in form.errors


@pytest.mark.parametrize("amount", ["1.5e400", "9" * 40, "-5", "1500.5", "nan"])
def test_a_survey_import_amount_that_cannot_be_stored_is_refused(amount):
    from kyodo.core.fields import MAX_YEN
    from kyodo.promotion.importing import _whole_number

    with pytest.raises(ValueError):
        _whole_number(amount, MAX_YEN)


def test_a_survey_import_amount_in_other_digits_is_read_as_people_mean_it():
    from kyodo.core.fields import MAX_YEN
    from kyodo.promotion.importing import _whole_number

    # NFKC folds full-width and superscript digits, as AsciiIntegerField does.
    assert _whole_number("１，５００円", MAX_YEN) == 1500
    assert _whole_number("²", MAX_YEN) == 2
