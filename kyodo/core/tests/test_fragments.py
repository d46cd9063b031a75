"""Shared fragments for signed-in pages (kyodo/core/fragments.py): rendered once per page cache
generation, rendered again after a committed public change, never cached while the page cache
is off, each reader's own CSRF token."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.middleware.csrf import _unmask_cipher_token, get_token  # type: ignore[attr-defined]
from django.test import RequestFactory, override_settings
from django.utils import translation

from kyodo.accounts.tests.factories import UserFactory
from kyodo.core import fragments, pagecache
from kyodo.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_on():
    caches["pages"].clear()
    with override_settings(KYODO_PAGE_CACHE_SECONDS=30):
        yield
    caches["pages"].clear()


class Renderer:
    def __init__(self, html: str = "<ul><li>霞ケ関見守り隊</li></ul>") -> None:
        self.calls = 0
        self.html = html

    def __call__(self) -> str:
        self.calls += 1
        return self.html


def signed_in_request():
    request = RequestFactory().get("/projects/")
    request.user = UserFactory()
    request.session = {}
    return request


def test_a_fragment_is_rendered_once_and_reused_for_every_reader(cache_on):
    render = Renderer()
    first = fragments.cached_fragment(signed_in_request(), "list", "page=1", render=render)
    second = fragments.cached_fragment(signed_in_request(), "list", "page=1", render=render)
    assert first == second == render.html
    assert render.calls == 1
    # Another key part, another fragment.
    fragments.cached_fragment(signed_in_request(), "list", "page=2", render=render)
    assert render.calls == 2


def test_the_language_is_part_of_the_key(cache_on):
    render = Renderer()
    for lang in ("ja", "en", "ja"):
        with translation.override(lang):
            fragments.cached_fragment(signed_in_request(), "list", render=render)
    assert render.calls == 2


def test_a_committed_public_change_renders_the_fragment_again(
    cache_on, django_capture_on_commit_callbacks
):
    render = Renderer()
    fragments.cached_fragment(signed_in_request(), "list", render=render)
    with django_capture_on_commit_callbacks(execute=True):
        OrganizationFactory(name="南古谷子ども食堂")
    fragments.cached_fragment(signed_in_request(), "list", render=render)
    assert render.calls == 2


def test_nothing_is_cached_while_the_page_cache_is_off():
    render = Renderer()
    with override_settings(KYODO_PAGE_CACHE_SECONDS=0):
        for _ in range(2):
            fragments.cached_fragment(signed_in_request(), "list", render=render)
        assert fragments.public_value("count", compute=render) == render.html
    assert render.calls == 3


def test_each_reader_gets_their_own_csrf_token(cache_on):
    def form_for(request):
        return lambda: f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">'

    writer, reader = signed_in_request(), signed_in_request()
    stored = fragments.cached_fragment(writer, "form", render=form_for(writer))
    served = fragments.cached_fragment(reader, "form", render=lambda: pytest.fail("re-rendered"))
    token = served.split('value="')[1].split('"')[0]
    assert "__kyodo_csrf_" not in served  # the stored fragment's marker never reaches a reader
    assert _unmask_cipher_token(token) == reader.META["CSRF_COOKIE"]
    assert reader.META["CSRF_COOKIE"] != writer.META["CSRF_COOKIE"]
    assert token not in stored


def test_user_content_in_a_fragment_never_receives_a_readers_token(cache_on):
    hostile = "__kyodo_csrf_placeholder__ __kyodo_csrf_" + "0" * 32 + "__"
    writer, reader = signed_in_request(), signed_in_request()
    fragments.cached_fragment(writer, "comment", render=lambda: f"<p>{hostile}</p>")
    served = fragments.cached_fragment(reader, "comment", render=lambda: pytest.fail("again"))
    assert served == f"<p>{hostile}</p>"
    assert get_token(reader) not in served


def test_public_value_is_computed_once_per_generation(cache_on):
    compute = Renderer(html="42")
    assert fragments.public_value("count", 2025, compute=compute) == "42"
    assert fragments.public_value("count", 2025, compute=compute) == "42"
    assert compute.calls == 1
    pagecache.invalidate()
    fragments.public_value("count", 2025, compute=compute)
    assert compute.calls == 2


def test_a_falsy_value_is_cached_too(cache_on):
    calls = []

    def compute() -> list[int]:
        calls.append(1)
        return []

    assert fragments.public_value("empty", compute=compute) == []
    assert fragments.public_value("empty", compute=compute) == []
    assert len(calls) == 1
