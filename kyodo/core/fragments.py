"""Shared fragments for signed-in pages (issue 26): the public part of a page, rendered once and
reused for every reader, signed in or not, with the personal parts rendered per person.

The anonymous page cache (kyodo/core/pagecache.py) serves whole pages to visitors without a
session. A signed-in page cannot be shared whole (it shows the person's name, their buttons and
their drafts), but most of it often is the same for everyone: a list of public projects, an
issue's public comments, a report's tables. `cached_fragment` stores such a region:

    from kyodo.core.fragments import cached_fragment

    def project_list(request):
        projects_html = cached_fragment(
            request,
            "projects:list-results",
            request.GET.urlencode(),            # everything the region depends on
            render=lambda: render_to_string("projects/_results.html", {...}, request),
        )

and `public_value` does the same for data (a selector's result that is the same for everyone).

Invalidation is the page cache's: the key holds the page cache *generation*, which every
committed save or delete of a public model advances (pagecache.QUIET lists the models that do
not), so the next reader after a change gets a fresh rendering. Bulk updates (`QuerySet.update`)
send no signal: they show after at most KYODO_FRAGMENT_CACHE_SECONDS (by default the page
cache's KYODO_PAGE_CACHE_SECONDS). Everything is rendered afresh, every time, when the page
cache is off (KYODO_PAGE_CACHE_SECONDS=0: the test suite and DEBUG), because the generations only
advance while it is on.

Rules for what may go into a fragment (the caller's duty; a test per use should show it):
- only what every reader may see: public data, no names of the person reading, no per-person
  buttons, no permission-dependent links (render those outside the fragment, or put the
  permission in `key_parts`, e.g. `has_perm("…")` as "staff"/"public");
- everything the rendering depends on in `key_parts` (query string, object id, page number);
  the language is part of the key already.
CSRF tokens of the request inside a fragment are replaced by the reader's own on each use, as
the page cache does, so a fragment holding a POST form still works; prefer forms outside.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from kyodo.core import pagecache

T = TypeVar("T")
_MISSING = object()


def ttl() -> int:
    """Seconds a fragment is kept: 0 (off) whenever the page cache is off."""
    if not pagecache.ttl():
        return 0
    return int(getattr(settings, "KYODO_FRAGMENT_CACHE_SECONDS", pagecache.ttl()))


def _key(kind: str, name: str, key_parts: tuple[Any, ...]) -> str:
    parts = hashlib.sha256(repr(key_parts).encode()).hexdigest()
    return f"kyodo:{kind}:{pagecache.generation()}:{get_language() or ''}:{name}:{parts}"


def cached_fragment(
    request: HttpRequest, name: str, *key_parts: Any, render: Callable[[], str]
) -> SafeString:
    """The HTML `render()` gives, from the cache when the public data has not changed since it
    was stored. `render` must return HTML that is safe (a rendered template)."""
    seconds = ttl()
    if not seconds:
        return mark_safe(render())
    cache = pagecache._cache()
    key = _key("fragment", name, key_parts)
    stored = cache.get(key)
    if isinstance(stored, tuple) and len(stored) == 2:
        compressed, marker = stored
        body = zlib.decompress(compressed)
        if marker in body:
            body = body.replace(marker, get_token(request).encode())
        return mark_safe(body.decode())
    html = str(render())
    # An unguessable marker per stored fragment (as the page cache does per page), so user
    # content inside the fragment can never receive a reader's token.
    marker = pagecache.new_csrf_marker()
    body = pagecache._without_csrf_tokens(request, html.encode(), marker)
    if len(body) <= pagecache.MAX_BYTES:
        cache.set(key, (zlib.compress(body, 1), marker), timeout=seconds)
    return mark_safe(html)


def public_value(name: str, *key_parts: Any, compute: Callable[[], T]) -> T:
    """`compute()`'s result (it must be picklable and the same for every reader), from the
    cache while the public data is unchanged. For the reads a page region makes that do not
    depend on who reads it: a list's rows as `values()`, counts, a report's figures."""
    seconds = ttl()
    if not seconds:
        return compute()
    cache = pagecache._cache()
    key = _key("value", name, key_parts)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout=seconds)
    return value  # type: ignore[no-any-return]
