"""Reads for news."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from kyodo.news.models import NewsItem
from kyodo.organizations.models import Organization
from kyodo.organizations.predicates import active_memberships, is_coordinator


@dataclass
class NewsFilters:
    district: str = ""
    source: str = ""  # "", "city" or "groups"
    organization: int | None = None


def news_list(filters: NewsFilters | None = None) -> QuerySet[NewsItem]:
    """Published news for public lists (hidden items included: they show a placeholder).
    District filter: that district's news and city-wide news."""
    filters = filters or NewsFilters()
    qs = NewsItem.objects.select_related("organization", "district")
    if filters.district:
        qs = qs.filter(Q(district__code=filters.district) | Q(district__isnull=True))
    if filters.source == "city":
        qs = qs.filter(is_from_city=True)
    elif filters.source == "groups":
        qs = qs.filter(is_from_city=False)
    if filters.organization:
        qs = qs.filter(organization_id=filters.organization)
    return qs


def get_news_for(user: Any, pk: int) -> NewsItem:
    try:
        item = NewsItem.objects.select_related("organization", "district", "author").get(pk=pk)
    except NewsItem.DoesNotExist as exc:
        raise Http404 from exc
    if not user.has_perm("news.view_newsitem", item):
        raise Http404
    return item


def publishable_organizations(user: Any) -> QuerySet[Organization]:
    """Organizations this person may publish news for."""
    if getattr(user, "is_superuser", False):
        return Organization.objects.public().order_by("kana", "id")
    ids = [
        m.organization_id
        for m in active_memberships(user)
        if user.has_perm("news.publish_for_organization", m.organization)
    ]
    qs = Organization.objects.filter(pk__in=ids)
    if is_coordinator(user):
        qs = qs | Organization.objects.departments()
    return qs.distinct().order_by("kana", "id")


def latest_news(limit: int = 5) -> list[dict[str, Any]]:
    """For the home block: plain data, cacheable."""
    rows = (
        NewsItem.objects.filter(hidden_at__isnull=True)
        .select_related("organization")
        .order_by("-published_at", "-id")[:limit]
    )
    return [
        {
            "title": n.title,
            "url": n.get_absolute_url(),
            "organization": n.organization.name,
            "is_from_city": n.is_from_city,
            "published_at": n.published_at,
        }
        for n in rows
    ]
