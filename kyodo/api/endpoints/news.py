"""News from the city and from groups (kyodo.news.selectors)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from kyodo.api.auth import caller
from kyodo.api.errors import error_responses
from kyodo.api.schemas import CodeName, PageQuery, code_name, page_schema, paginate
from kyodo.news import selectors
from kyodo.news.models import NewsItem

router = Router(tags=["news"])


class NewsOut(Schema):
    id: int
    hidden: bool
    title: str
    body: str
    organization: int = Field(description="id in /organizations")
    organization_name: str
    is_from_city: bool
    district: CodeName | None = Field(description="null: about the whole city")
    published_at: dt.datetime
    updated_at: dt.datetime


NewsPage = page_schema(NewsOut, "NewsPage")


class NewsFilters(Schema):
    district: str | None = Field(None, description="district code (city-wide news included)")
    source: str | None = Field(None, description="city or groups")
    organization: int | None = None


def news_out(item: NewsItem) -> dict[str, Any]:
    hidden = item.hidden_at is not None
    return {
        "id": item.pk,
        "hidden": hidden,
        "title": "" if hidden else item.title,
        "body": "" if hidden else item.body,
        "organization": item.organization_id,
        "organization_name": item.organization.name,
        "is_from_city": item.is_from_city,
        "district": code_name(item.district) if item.district else None,
        "published_at": item.published_at,
        "updated_at": item.updated_at,
    }


@router.get("", response={200: NewsPage, **error_responses(422, 429)})
def list_news(request: HttpRequest, filters: Query[NewsFilters], page: Query[PageQuery]) -> Any:
    """News, newest first."""
    queryset = selectors.news_list(
        selectors.NewsFilters(
            district=filters.district or "",
            source=filters.source or "",
            organization=filters.organization,
        )
    )
    return paginate(
        queryset,
        ordering=("-published_at", "-id"),
        cursor=page.cursor,
        limit=page.limit,
        serialize=news_out,
    )


@router.get("/{news_id}", response={200: NewsOut, **error_responses(404, 429)})
def get_news(request: HttpRequest, news_id: int) -> Any:
    """One news item."""
    return news_out(selectors.get_news_for(caller(request), news_id))
