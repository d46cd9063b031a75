"""Per-token (per-person for the session, per-IP for anonymous callers) fixed-window rate
limit, counted in the Django cache: `cache.add` + `cache.incr` are atomic on locmem and
Redis, so concurrent requests cannot all slip through."""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from kyodo.core.clientip import client_ip

WINDOW_SECONDS = 60


def limit_per_minute() -> int:
    return int(settings.KYODO_API_RATE_LIMIT_PER_MINUTE)


class FixedWindowThrottle(BaseThrottle):
    def __init__(self) -> None:
        # ninja asks wait() right after allow_request() in the same thread.
        self._local = threading.local()

    def identity(self, request: HttpRequest) -> str:
        token = getattr(request, "kyodo_api_token", None)
        if token is not None:
            return f"token:{token.pk}"
        user = getattr(request, "auth", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return f"user:{user.pk}"
        return f"ip:{client_ip(request) or 'unknown'}"

    def allow_request(self, request: HttpRequest) -> bool:
        limit = limit_per_minute()
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"api:ratelimit:{self.identity(request)}:{window}"
        cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
            count = 1
        reset = (window + 1) * WINDOW_SECONDS - now
        request.kyodo_rate_limit = (limit, max(0, limit - count), reset)  # type: ignore[attr-defined]
        self._local.wait = reset
        return count <= limit

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


def rate_limit_headers(request: HttpRequest) -> dict[str, str]:
    """The X-RateLimit-* headers for a request counted by FixedWindowThrottle (none if it
    was not counted)."""
    limit = getattr(request, "kyodo_rate_limit", None)
    if limit is None:
        return {}
    total, remaining, reset = limit
    return {
        "X-RateLimit-Limit": str(total),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(int(reset) + 1),
    }
