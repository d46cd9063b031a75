"""Errors are JSON with a code and a Japanese message; rate limits answer 429."""

from __future__ import annotations

import pytest
from django.test import override_settings

from kyodo.accounts.tests.factories import UserFactory

from .conftest import bearer

pytestmark = pytest.mark.django_db


def _error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    # A Japanese message by default (no Accept-Language): contains kana/kanji.
    assert any("\u3040" <= ch <= "\u9fff" for ch in error["message"]), error["message"]
    return error


def test_not_found_is_json(client):
    _error(client.get("/api/v1/organizations/424242"), 404, "not_found")
    _error(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_invalid_parameters_are_422_with_details(client):
    error = _error(client.get("/api/v1/organizations?limit=500"), 422, "invalid_request")
    assert error["details"][0]["loc"] == ["query", "limit"]
    _error(client.get("/api/v1/organizations/abc"), 422, "invalid_request")


def test_unauthenticated_is_401(client):
    _error(client.get("/api/v1/me"), 401, "not_authenticated")


def test_english_message_when_asked(client):
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["error"]["message"].startswith("Sign in")


@override_settings(KYODO_API_RATE_LIMIT_PER_MINUTE=3)
def test_rate_limit_per_ip_for_anonymous(client):
    for i in range(3):
        response = client.get("/api/v1/guideline/tiers")
        assert response.status_code == 200
        assert response["X-RateLimit-Remaining"] == str(2 - i)
    limited = client.get("/api/v1/guideline/tiers")
    _error(limited, 429, "rate_limited")
    assert 1 <= int(limited["Retry-After"]) <= 60
    # Another address has its own window.
    assert client.get("/api/v1/guideline/tiers", REMOTE_ADDR="10.0.0.9").status_code == 200


@override_settings(KYODO_API_RATE_LIMIT_PER_MINUTE=2)
def test_rate_limit_per_token(client, token_for):
    first = token_for(UserFactory(), "a")
    second = token_for(UserFactory(), "b")
    assert client.get("/api/v1/me", **bearer(first)).status_code == 200
    assert client.get("/api/v1/me", **bearer(first)).status_code == 200
    assert client.get("/api/v1/me", **bearer(first)).status_code == 429
    # The same machine with another token is counted separately, and so is anonymous use.
    assert client.get("/api/v1/me", **bearer(second)).status_code == 200
    assert client.get("/api/v1/guideline/tiers").status_code == 200


@override_settings(KYODO_API_RATE_LIMIT_PER_MINUTE=2)
def test_rate_limit_window_resets(client):
    import time_machine

    with time_machine.travel("2026-11-25 10:00:05+09:00", tick=False):
        assert client.get("/api/v1/guideline/tiers").status_code == 200
        assert client.get("/api/v1/guideline/tiers").status_code == 200
        assert client.get("/api/v1/guideline/tiers").status_code == 429
    with time_machine.travel("2026-11-25 10:01:01+09:00", tick=False):
        assert client.get("/api/v1/guideline/tiers").status_code == 200


# --- Values no database can store, and statuses every operation documents (issue 11) --------

BIGINT_MAX = 2**63 - 1
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def _operations(openapi):
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def test_every_operation_documents_the_statuses_the_shared_layer_can_answer(openapi):
    """The throttle (429), a wrong token (401), CSRF on writes (403), an unknown id (404),
    invalid parameters (422) and a body that is not JSON (400) can happen on any operation
    that has them, whatever the endpoint module declared."""
    checked = 0
    for path, method, operation in _operations(openapi):
        responses = operation["responses"]
        expected = {"429"}
        if operation.get("security"):
            expected |= {"401"} | ({"403"} if method != "get" else set())
        if "{" in path:
            expected.add("404")
        if operation.get("parameters") or operation.get("requestBody"):
            expected.add("422")
        if operation.get("requestBody"):
            expected.add("400")
        assert expected <= set(responses), (method, path, sorted(responses))
        for status in expected:
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
        checked += 1
    assert checked >= 20
    assert "ErrorOut" in openapi["components"]["schemas"]
    assert openapi["paths"]["/api/v1/guideline/tiers"]["get"]["responses"]["429"]["headers"]


def _integer_nodes(node):
    if isinstance(node, dict):
        if node.get("type") == "integer":
            yield node
        for value in node.values():
            yield from _integer_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _integer_nodes(value)


def test_every_integer_a_request_can_carry_is_bounded_in_the_document(openapi):
    nodes = []
    for _path, _method, operation in _operations(openapi):
        for parameter in operation.get("parameters", []):
            nodes += list(_integer_nodes(parameter["schema"]))
    nodes += list(_integer_nodes(openapi["components"]["schemas"].get("PageQuery", {})))
    assert nodes, "no integer parameter found"
    for node in nodes:
        assert -(2**63) <= node.get("minimum", node.get("exclusiveMinimum")) <= BIGINT_MAX
        assert -(2**63) <= node.get("maximum", node.get("exclusiveMaximum")) <= BIGINT_MAX


@pytest.mark.parametrize("value", [2**63, 2**64, -(2**63) - 1, 10**30])
def test_integers_beyond_bigint_are_422_not_a_database_error(client, value, assert_conforms):
    """PostgreSQL refuses integers beyond BIGINT (and SQLite beyond 64 bits): the API
    answers 422 before the database sees them, for path and query parameters alike."""
    for url, loc in [
        (f"/api/v1/organizations/{value}", ["path", "organization_id"]),
        (f"/api/v1/issues/{value}/comments", ["path", "issue_id"]),
        (f"/api/v1/events?organization={value}", ["query", "organization"]),
        (f"/api/v1/news?organization={value}", ["query", "organization"]),
    ]:
        error = _error(client.get(url), 422, "invalid_request")
        assert error["details"][0]["loc"] == loc, url
        assert_conforms(client.get(url), "GET", url)


def test_the_largest_bigint_is_a_plain_not_found(client):
    _error(client.get(f"/api/v1/organizations/{BIGINT_MAX}"), 404, "not_found")
    _error(client.get(f"/api/v1/events/{-(2**63)}"), 404, "not_found")


def test_nul_in_query_parameters_is_a_json_422(client, assert_conforms):
    """The API refuses NUL itself (PostgreSQL text cannot hold it) with its JSON error,
    instead of the site middleware's plain-text 400."""
    for url, loc in [
        ("/api/v1/organizations?q=a%00b", ["query", "q"]),
        ("/api/v1/issues?district=%00", ["query", "district"]),
        ("/api/v1/events?kind=x%00", ["query", "kind"]),
    ]:
        response = client.get(url)
        error = _error(response, 422, "invalid_request")
        assert error["details"] == [
            {"loc": loc, "type": "string_nul", "message": "NUL文字を含む文字列は使えません。"}
        ]
        assert_conforms(response, "GET", url)
    # The website keeps its own guard.
    assert client.get("/?q=a%00b").status_code == 400


def test_nul_and_lone_surrogates_in_a_json_body_are_422_and_nothing_is_stored(client, token_for):
    from kyodo.challenges.models import Issue

    headers = bearer(token_for(UserFactory()))
    before = Issue.objects.count()
    base = '"description": "d", "district": "honcho", "field": "crime-prevention"'
    for title, kind in [('"a\\u0000b"', "string_nul"), ('"a\\ud800b"', "string_unicode")]:
        response = client.post(
            "/api/v1/issues",
            data="{" + f'"title": {title}, {base}' + "}",
            content_type="application/json",
            **headers,
        )
        error = _error(response, 422, "invalid_request")
        assert error["details"][0]["loc"] == ["body", "payload", "title"]
        assert error["details"][0]["type"] == kind
    assert Issue.objects.count() == before


def test_a_body_that_is_not_json_is_a_documented_400(client, token_for, assert_conforms):
    response = client.post(
        "/api/v1/issues",
        data=b"\x00{",
        content_type="application/json",
        **bearer(token_for(UserFactory())),
    )
    _error(response, 400, "bad_request")
    assert_conforms(response, "POST", "/api/v1/issues")


def test_unstorable_values_finds_problems_at_any_depth():
    from decimal import Decimal

    from ninja import Schema

    from kyodo.api.schemas import unstorable_values

    class Inner(Schema):
        n: int = 0
        tags: list[str] = []

    class Payload(Schema):
        inner: Inner
        answers: dict[str, str] = {}
        ratio: float = 0.0

    payload = Payload(
        inner=Inner(n=2**63, tags=["ok", "x\x00"]),
        answers={"k\x00": "v", "q": "\udc00"},
        ratio=float("nan"),
    )
    problems = unstorable_values({"payload": payload, "amount": Decimal("Infinity")})
    assert sorted((tuple(p["loc"]), p["type"]) for p in problems) == [
        (("body", "amount"), "finite_number"),
        (("body", "payload", "answers", "k\x00"), "string_nul"),
        (("body", "payload", "answers", "q"), "string_unicode"),
        (("body", "payload", "inner", "n"), "int_out_of_range"),
        (("body", "payload", "inner", "tags", "1"), "string_nul"),
        (("body", "payload", "ratio"), "finite_number"),
    ]
    assert unstorable_values({"payload": Payload(inner=Inner(n=BIGINT_MAX))}) == []


@pytest.mark.parametrize(
    "authorization",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer nonsense", "Bearer kyodo_" + "x" * 300, "Ⱥ"],
)
def test_a_wrong_authorization_header_is_a_documented_401_on_public_reads(
    client, authorization, assert_conforms
):
    for url in ("/api/v1/guideline/municipality", "/api/v1/organizations", "/api/v1/me"):
        response = client.get(url, HTTP_AUTHORIZATION=authorization)
        _error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert_conforms(response, "GET", url)


@pytest.mark.parametrize("cursor", ["Ⱥ", "a b", "%22%3B--", "x" * 600])
def test_a_cursor_that_cannot_be_one_is_422(client, cursor):
    for url in ("/api/v1/organizations", "/api/v1/issues", "/api/v1/events", "/api/v1/me/tokens"):
        response = client.get(f"{url}?cursor={cursor}")
        if url.endswith("/tokens"):
            assert response.status_code == 401  # sign-in first
            continue
        error = _error(response, 422, "invalid_request")
        assert error["details"][0]["loc"] == ["query", "cursor"]


def test_a_well_formed_but_forged_cursor_restarts_at_page_1(client):
    from django.core import signing

    forged = signing.dumps([{"dt": "2026-01-01T00:00:00+09:00"}, 1], salt="not-the-salt")
    for url in ("/api/v1/organizations", "/api/v1/issues", "/api/v1/events", "/api/v1/news"):
        response = client.get(f"{url}?cursor={forged}")
        assert response.status_code == 200, (url, response.content[:200])


def test_dates_are_iso_dates_only(client):
    # pydantic alone reads "0" as the Unix epoch; the document promises format: date.
    for value in ("0", "1700000000", "2026-13-01", "26-12-01"):
        _error(client.get(f"/api/v1/events?date_to={value}"), 422, "invalid_request")
    assert client.get("/api/v1/events?date_from=2026-12-01&date_to=2026-12-31").status_code == 200


def test_a_cursor_from_another_list_restarts_at_page_1(client):
    """A genuine cursor of one list sent to another (other sort keys and types: kana vs
    order numbers vs dates) restarts at page 1 instead of a 500 from the database."""
    from kyodo.organizations.tests.factories import OrganizationFactory

    for _ in range(3):
        OrganizationFactory()
    cursor = client.get("/api/v1/organizations?limit=1").json()["next_cursor"]
    assert cursor
    for url in (
        "/api/v1/guideline/districts",
        "/api/v1/guideline/principles",
        "/api/v1/issues",
        "/api/v1/news",
        "/api/v1/events",
        "/api/v1/events?past=true",
        "/api/v1/facilities",
    ):
        sep = "&" if "?" in url else "?"
        response = client.get(f"{url}{sep}cursor={cursor}&limit=2")
        assert response.status_code == 200, (url, response.content[:300])
    districts = client.get(f"/api/v1/guideline/districts?cursor={cursor}&limit=2").json()
    assert districts["items"] == client.get("/api/v1/guideline/districts?limit=2").json()["items"]


def test_a_method_the_path_does_not_offer_is_a_json_405(client) -> None:  # type: ignore[no-untyped-def]
    response = client.put("/api/v1/organizations", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    body = response.json()["error"]
    assert body["code"] == "method_not_allowed"
    assert body["message"] == "このメソッドは使えません。"
    assert "GET" in body["details"]["allowed"]
    assert "GET" in response["Allow"]
