"""Reads for the inbox."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from kyodo.accounts.models import User
from kyodo.notifications.models import DeliveryPreference, Frequency, Notification


def inbox_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def get_notification_for(user: User, pk: int) -> Notification:
    """Only the recipient may see a notification; anyone else gets 404."""
    try:
        return Notification.objects.get(pk=pk, recipient=user)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc


def delivery_frequency_for(user: User) -> str:
    pref = DeliveryPreference.objects.filter(user=user).only("frequency").first()
    return str(pref.frequency) if pref else str(Frequency.IMMEDIATE)
