"""This app's part of the personal-data download: the news the person wrote."""

from __future__ import annotations

from typing import Any

from kyodo.news.models import NewsItem


def export_news(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "title": n.title,
            "body": n.body,
            "organization": n.organization.name if n.organization_id else "",
            "published_at": n.published_at.isoformat() if n.published_at else None,
            "url": n.get_absolute_url(),
        }
        for n in NewsItem.objects.filter(author=user).select_related("organization").order_by("id")
    ]
