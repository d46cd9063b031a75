"""The anonymous page cache (kyodo/core/pagecache.py): what is served from it, to whom, and
when a change makes it out of date. The suite runs with the cache off; these tests turn it on."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import add_message, constants
from django.core.cache import caches
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings

from kyodo.accounts.tests.factories import UserFactory
from kyodo.core import pagecache
from kyodo.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture(autouse=True)
def page_cache_on():
    caches["pages"].clear()
    with override_settings(KYODO_PAGE_CACHE_SECONDS=30):
        yield
    caches["pages"].clear()


def state(response) -> str | None:
    return response.get("X-Kyodo-Page-Cache")


def test_second_anonymous_visit_is_served_from_the_cache():
    org = OrganizationFactory(name="霞ケ関見守り隊")
    first = Client().get("/organizations/")
    second = Client().get("/organizations/")
    assert (state(first), state(second)) == ("miss", "hit")
    assert second.status_code == 200
    assert org.name in second.content.decode()
    assert second["Content-Type"].startswith("text/html")
    # The outer middleware still runs on a hit.
    assert "Content-Security-Policy" in second
    assert "Accept-Language" in second["Vary"]


def test_a_cached_page_gets_each_visitors_own_csrf_token_and_its_forms_work():
    Client().get("/")  # stored
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    tokens = []
    for visitor in visitors:
        response = visitor.get("/")
        assert state(response) == "hit"
        html = response.content.decode()
        assert "__kyodo_csrf_" not in html
        found = set(TOKEN_RE.findall(html))
        assert len(found) == 1
        tokens.append(found.pop())
        assert "csrftoken" in response.cookies  # as on an uncached page
    assert tokens[0] != tokens[1]
    # The language switch (a POST form on every page) accepts the token of the cached page.
    ok = visitors[0].post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": tokens[0]}
    )
    assert ok.status_code == 302
    # …and refuses another visitor's token.
    visitors[1].cookies["csrftoken"] = "x" * 32
    refused = visitors[1].post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": tokens[0]}
    )
    assert refused.status_code == 403


@pytest.mark.parametrize(
    "hostile",
    [
        "__kyodo_csrf_token__",  # the fixed placeholder of earlier versions
        "__kyodo_csrf_00000000000000000000000000000000__",  # the marker's shape
    ],
)
def test_user_content_never_receives_a_visitors_csrf_token(hostile):
    """Text a person wrote that looks like the marker stays as written on a cache hit: the
    marker is random for each stored page, so no stored text can contain it."""
    org = OrganizationFactory(description=f"連絡先 {hostile} まで")
    url = f"/organizations/{org.pk}/"
    first = Client().get(url)
    assert first.status_code == 200 and hostile in first.content.decode()
    visitor = Client()
    hit = visitor.get(url)
    assert state(first) == "miss" and state(hit) == "hit"
    html = hit.content.decode()
    assert hostile in html
    token = TOKEN_RE.findall(html)
    assert token and all(t not in html.replace(f'value="{t}"', "") for t in token)


def test_each_stored_page_has_its_own_marker():
    assert pagecache.new_csrf_marker() != pagecache.new_csrf_marker()
    assert not pagecache.TOKEN_RE.search(pagecache.new_csrf_marker())


def test_signed_in_people_are_never_served_or_stored():
    user = UserFactory()
    member = Client()
    member.force_login(user)
    assert state(member.get("/organizations/")) is None
    assert state(member.get("/organizations/")) is None
    # What they saw was not stored for anonymous visitors.
    assert state(Client().get("/organizations/")) == "miss"
    # A visitor with any session cookie is not served from the cache either.
    anonymous_with_session = Client()
    anonymous_with_session.cookies["sessionid"] = "whatever"
    assert state(anonymous_with_session.get("/organizations/")) is None


def test_languages_are_stored_apart():
    Client().get("/", HTTP_ACCEPT_LANGUAGE="ja")
    english = Client()
    english.cookies["django_language"] = "en"
    response = english.get("/")
    assert state(response) == "miss"
    assert '<html lang="en">' in response.content.decode()
    assert state(Client().get("/", HTTP_ACCEPT_LANGUAGE="ja")) == "hit"


def test_query_strings_are_stored_apart():
    assert state(Client().get("/organizations/?q=南古谷")) == "miss"
    assert state(Client().get("/organizations/?q=高階")) == "miss"
    assert state(Client().get("/organizations/?q=南古谷")) == "hit"


def test_a_committed_change_is_seen_by_the_next_visitor(django_capture_on_commit_callbacks):
    org = OrganizationFactory(name="古い名前の会")
    Client().get("/organizations/")
    assert state(Client().get("/organizations/")) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        org.name = "新しい名前の会"
        org.save()
    response = Client().get("/organizations/")
    assert state(response) == "miss"
    assert "新しい名前の会" in response.content.decode()


def test_a_rolled_back_or_quiet_write_keeps_the_cache(django_capture_on_commit_callbacks):
    Client().get("/")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        user = UserFactory()
        user.save(update_fields=["last_login"])
    # Creating a person is a change (counts on public pages may show it); signing in is not.
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        user.save(update_fields=["last_login"])
        from kyodo.core.audit import record_event

        record_event(actor=user, verb="core.test.quiet")
    assert callbacks == []


def test_a_lost_generation_never_brings_back_old_pages():
    Client().get("/")
    caches["pages"].delete(pagecache.GENERATION_KEY)
    assert state(Client().get("/")) == "miss"


def test_api_reads_are_cached_and_still_rate_limited():
    OrganizationFactory()
    with override_settings(KYODO_API_RATE_LIMIT_PER_MINUTE=3):
        caches["default"].clear()
        responses = [Client().get("/api/v1/organizations") for _ in range(4)]
    assert [state(r) for r in responses[:3]] == ["miss", "hit", "hit"]
    assert [r["X-RateLimit-Remaining"] for r in responses[:3]] == ["2", "1", "0"]
    assert responses[1].json() == responses[0].json()
    assert responses[3].status_code == 429


def test_api_token_calls_are_not_cached():
    Client().get("/api/v1/organizations")
    response = Client().get("/api/v1/organizations", HTTP_AUTHORIZATION="Bearer kyodo_wrong")
    assert response.status_code == 401
    assert state(response) is None


# --- What is not stored (the rules of _storable), one at a time ---------------------------


def _through(response: HttpResponse, *, method: str = "get", messages: bool = False) -> str | None:
    """Passes two requests through the middleware, both answered with `response`: the
    state of the second ("hit" if the first was stored)."""

    def make_request():
        request = getattr(RequestFactory(), method)("/somewhere/")
        if messages:
            from django.contrib.messages.storage.cookie import CookieStorage

            request._messages = CookieStorage(request)
            add_message(request, constants.INFO, "保存しました")
        return request

    middleware = pagecache.AnonymousPageCacheMiddleware(lambda r: response)
    middleware(make_request())
    return state(middleware(make_request()))


def _html(status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse("<p>ok</p>", status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def test_a_plain_html_page_is_stored():
    assert _through(_html()) == "hit"


@pytest.mark.parametrize(
    "response",
    [
        _html(404),
        _html(302),
        _html(Cache_Control="private, no-store"),
        _html(Content_Disposition="attachment; filename=x.csv"),
        _html(Vary="X-Requested-With"),
        _html(Content_Type="text/csv"),
    ],
    ids=["404", "redirect", "no-store", "download", "vary-other", "csv"],
)
def test_answers_that_are_not_stored(response):
    assert _through(response) is None


def test_an_answer_that_sets_a_cookie_is_not_stored():
    response = _html()
    response.set_cookie("flavour", "matcha")
    assert _through(response) is None


def test_an_answer_with_a_new_message_is_not_stored():
    assert _through(_html(), messages=True) is None


def test_an_answer_that_wrote_to_the_session_is_not_stored():
    from django.contrib.sessions.backends.signed_cookies import SessionStore

    response = _html()

    def view(request):
        request.session["seen"] = "川越まつり"
        return response

    middleware = pagecache.AnonymousPageCacheMiddleware(view)
    for _ in range(2):
        request = RequestFactory().get("/somewhere/")
        request.session = SessionStore()
        middleware(request)
    assert state(response) is None


def test_posts_are_never_cached():
    assert _through(_html(), method="post") is None
