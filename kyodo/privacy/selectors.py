"""Reads of the privacy app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from kyodo.accounts.models import User
from kyodo.core.models import AuditEvent
from kyodo.core.pagination import KeysetPage, keyset_paginate
from kyodo.privacy.models import PrivacyRequest


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    verb: str = ""
    target_type: ContentType | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_event_list(
    filters: AuditFilter, *, cursor: str | None, page_size: int = 50
) -> KeysetPage[AuditEvent]:
    """Newest first; the number of queries does not depend on the number of rows."""
    qs: QuerySet[AuditEvent] = AuditEvent.objects.select_related("actor", "target_type")
    if filters.actor:
        qs = qs.filter(actor_label__icontains=filters.actor)
    if filters.verb:
        # "calls" matches every calls.* verb; a full verb matches itself.
        qs = qs.filter(verb__startswith=filters.verb)
    if filters.target_type is not None:
        qs = qs.filter(target_type=filters.target_type)
    if filters.date_from:
        qs = qs.filter(created_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        qs = qs.filter(created_at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    return keyset_paginate(qs, ordering=("-created_at", "-id"), cursor=cursor, page_size=page_size)


def audit_target_types() -> QuerySet[ContentType]:
    """Content types that appear in the audit log (for the filter)."""
    used = AuditEvent.objects.exclude(target_type=None).values("target_type").distinct()
    return ContentType.objects.filter(pk__in=used).order_by("app_label", "model")


def privacy_request_list_for(user: User) -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.filter(user=user).order_by("-created_at", "-id")
