"""The anonymous page cache: public pages and API reads, rendered once, served to every visitor
who is not signed in (情報公開: most traffic is anonymous and reads the same public pages).

What is cached (all of it must hold):
- a GET (served also to HEAD) with no session cookie, no messages cookie, no `Authorization`
  header and no cookies other than the CSRF and language cookies: the page can only be the
  anonymous rendering, which holds public data only;
- not under /admin/, /accounts/, /i18n/ or /floor;
- the answer is a 200, HTML or JSON, not streamed, not a download (`Content-Disposition`), at
  most MAX_BYTES, sets no cookie, queues no message, writes nothing to the session, is not
  `no-store` (Django's `never_cache`),
  and varies on nothing but the language, cookies and encoding.

The key is a hash of the host and the full path with its query string, the active language and the cache
*generation*. Any committed save or delete of a model that public pages show (every model but
the QUIET ones: sessions, login attempts, background tasks, personal notifications, the audit
log, API tokens) increments the generation, so a change is visible to the next anonymous
visitor. Counters updated in bulk (`QuerySet.update`) do not send signals: they may lag by up to
KYODO_PAGE_CACHE_SECONDS (30 s by default; 0 turns the cache off, as in the test suite).

With the default in-process cache each gunicorn worker has its own copy and its own generation,
so another worker's copy may lag by up to the same TTL; with REDIS_URL set they share one.

CSRF: the anonymous pages carry CSRF tokens (the language switch is a POST form). A stored page
holds a marker where the token was; each hit puts in a fresh token for *that* visitor
(`get_token`, so the CSRF cookie is set as on an uncached page). The marker is 128 random bits
drawn for each stored page and kept beside it: text a person wrote cannot contain it (it does
not exist until the page is stored), so a hit never writes a visitor's token into user content.

API reads are counted by the same rate limit as uncached ones, and carry their headers.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
import zlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import (  # type: ignore[attr-defined]
    CSRF_TOKEN_LENGTH,
    _unmask_cipher_token,
    get_token,
)
from django.utils.translation import get_language

CACHE_ALIAS = "pages"
GENERATION_KEY = "kyodo:pagecache:generation"
MAX_BYTES = 512 * 1024
SKIP_PREFIXES = ("/admin/", "/accounts/", "/i18n/", "/floor", "/static/", "/media/")
CACHEABLE_TYPES = ("text/html", "application/json")
ALLOWED_VARY = frozenset({"accept-language", "cookie", "accept-encoding"})
# The headers of the stored answer that are given back on a hit (the outer middleware adds the
# rest again: security headers, Vary, Content-Language).
KEPT_HEADERS = ("Content-Type", "Cache-Control", "X-Robots-Tag", "Link")
# Models whose writes change no public page.
QUIET = frozenset(
    {
        "sessions.session",
        "axes.accessattempt",
        "axes.accesslog",
        "axes.accessfailurelog",
        "axes.accessattemptexpiration",
        "admin.logentry",
        "notifications.notification",
        "notifications.deliverypreference",
        "core.auditevent",
        "api.personalaccesstoken",
        "contenttypes.contenttype",
    }
)
# Saves of only these fields change no public page (signing in updates last_login).
QUIET_FIELDS = frozenset({"last_login"})
TOKEN_RE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{%d}(?![A-Za-z0-9])" % CSRF_TOKEN_LENGTH)


def ttl() -> int:
    return int(getattr(settings, "KYODO_PAGE_CACHE_SECONDS", 0))


def _cache() -> Any:
    return caches[CACHE_ALIAS]


def generation() -> int:
    """The current generation. Started from the clock when missing (first use, or evicted),
    so that a restarted counter can never meet the keys of an earlier one."""
    cache = _cache()
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return int(value or 0)


def invalidate() -> None:
    """A new generation: every stored page is out of date."""
    cache = _cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # missing: start a new, never-used counter
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def _on_write(sender: Any, **kwargs: Any) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.label_lower in QUIET or meta.app_label.startswith("django_tasks"):
        return
    fields = kwargs.get("update_fields")
    if (fields and set(fields) <= QUIET_FIELDS) or not ttl():
        return
    transaction.on_commit(invalidate, using=kwargs.get("using"))


def connect_signals() -> None:
    post_save.connect(_on_write, dispatch_uid="kyodo.pagecache.save")
    post_delete.connect(_on_write, dispatch_uid="kyodo.pagecache.delete")
    m2m_changed.connect(_on_write, dispatch_uid="kyodo.pagecache.m2m")


def _eligible_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or not ttl():
        return False
    path = request.path_info
    if path.startswith(SKIP_PREFIXES):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    allowed = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    return all(name in allowed for name in request.COOKIES)


def _key(request: HttpRequest, gen: int) -> str:
    # The URL is hashed: a keyset cursor or a long query string keeps the key short and valid
    # for any cache backend.
    url = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"kyodo:page:{gen}:{get_language() or ''}:{url}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or getattr(response, "kyodo_no_page_cache", False):
        return False
    if not response.get("Content-Type", "").startswith(CACHEABLE_TYPES):
        return False
    if "Content-Disposition" in response or "no-store" in response.get("Cache-Control", ""):
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if not vary <= ALLOWED_VARY:
        return False
    storage = getattr(request, "_messages", None)
    if storage is not None and getattr(storage, "added_new", False):
        return False
    # The view wrote to the (new) session: the page may show it, and the session cookie is
    # only set later, by the session middleware.
    session = getattr(request, "session", None)
    if session is not None and getattr(session, "modified", False):
        return False
    return len(response.content) <= MAX_BYTES


class AnonymousPageCacheMiddleware:
    """Placed last in MIDDLEWARE, so that sessions, language, CSRF and messages are set up
    before it and their response processing runs on a hit as on a miss."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _eligible_request(request):
            return self.get_response(request)
        cache = _cache()
        key = _key(request, generation())
        stored = cache.get(key)
        if stored is not None:
            hit = self._from_stored(request, stored)
            if hit is not None:
                return hit
        response = self.get_response(request)
        if _storable(request, response):
            marker = new_csrf_marker()
            body = _without_csrf_tokens(request, response.content, marker)
            headers = {h: response[h] for h in KEPT_HEADERS if h in response}
            cache.set(key, (zlib.compress(body, 1), headers, marker), timeout=ttl())
            response["X-Kyodo-Page-Cache"] = "miss"
        return response

    def _from_stored(
        self, request: HttpRequest, stored: tuple[bytes, dict[str, str], bytes]
    ) -> Any:
        if not isinstance(stored, tuple) or len(stored) != 3:
            return None  # stored by an older version: render again
        rate_headers: dict[str, str] = {}
        if request.path_info.startswith("/api/"):
            allowed, rate_headers = _count_api_request(request)
            if not allowed:
                return None  # the API answers 429 itself
        compressed, headers, marker = stored
        body = zlib.decompress(compressed)
        if marker in body:
            body = body.replace(marker, get_token(request).encode())
        response = HttpResponse(body)
        for name, value in {**headers, **rate_headers}.items():
            response[name] = value
        response["X-Kyodo-Page-Cache"] = "hit"
        return response


def new_csrf_marker() -> bytes:
    """A marker for one stored page: unguessable, and not a CSRF token's shape (so that
    TOKEN_RE never mistakes it for one)."""
    return b"__kyodo_csrf_" + secrets.token_hex(16).encode() + b"__"


def _without_csrf_tokens(request: HttpRequest, body: bytes, marker: bytes) -> bytes:
    """The page with `marker` wherever it holds a CSRF token of this request (a masked
    token is recognised by unmasking it to the request's secret, wherever it appears: form
    inputs, data attributes)."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return body

    def swap(match: re.Match[bytes]) -> bytes:
        token = match.group(0).decode()
        return marker if _unmask_cipher_token(token) == secret else match.group(0)

    return TOKEN_RE.sub(swap, body)


def _count_api_request(request: HttpRequest) -> tuple[bool, dict[str, str]]:
    """The API's rate limit for a read served from the cache, with the API's headers."""
    from kyodo.api.ratelimit import FixedWindowThrottle, rate_limit_headers

    allowed = FixedWindowThrottle().allow_request(request)
    return allowed, rate_limit_headers(request)
