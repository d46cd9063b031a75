"""Home-page "now" blocks, cached.

Pattern for every app (see docs/challenges.md, "Home page blocks"):

    register_home_block(HomeBlock(
        key="projects.adopted", order=30,
        context=cached_block("projects.adopted", 60, adopted_projects_block),
        template="projects/home_block.html"))

`adopted_projects_block()` returns plain data (dicts, strings, numbers, dates: picklable
for any cache backend) or None to hide the block; services that change what it shows call
`invalidate_block("projects.adopted")` after commit, so a visitor never waits for the
query and never sees stale data for longer than a transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

BlockData = dict[str, Any] | None
_MISSING = object()


def _cache_key(key: str) -> str:
    return f"kyodo:home-block:{key}"


def cached_block(key: str, ttl: int, fn: Callable[[], BlockData]) -> Callable[[Any], BlockData]:
    """A HomeBlock.context callable that serves `fn()` from the cache for `ttl` seconds.

    The data must not depend on the visitor (it is shared by everyone)."""

    def context(request: Any) -> BlockData:
        value = cache.get(_cache_key(key), _MISSING)
        if value is _MISSING:
            value = fn()
            cache.set(_cache_key(key), value, ttl)
        return value  # type: ignore[return-value]

    return context


def invalidate_block(key: str) -> None:
    """Drop the cached block after the current transaction commits (now if none)."""
    transaction.on_commit(lambda: cache.delete(_cache_key(key)))
