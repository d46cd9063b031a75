"""The header's unread count, cached per person so a page costs no query for it.

Set when the person signs in (user_logged_in), forgotten whenever a notification is created for
them or one is read (the next page counts again: one indexed COUNT), and at most UNREAD_TTL
seconds old when several server processes each keep their own cache."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache

from kyodo.notifications.models import Notification

UNREAD_TTL = 60


def _key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def count_unread(user_id: int) -> int:
    value = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()
    cache.set(_key(user_id), value, UNREAD_TTL)
    return value


def cached_unread(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    value = cache.get(_key(user.pk))
    return int(value) if value is not None else count_unread(user.pk)


def forget(user_ids: Iterable[int]) -> None:
    cache.delete_many([_key(pk) for pk in user_ids])


def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    count_unread(user.pk)
