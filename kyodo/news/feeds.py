"""Atom feed of news, city-wide and per district (?district=<code> or /feed/<code>/)."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from kyodo.core.text import SafeAtom1Feed
from kyodo.guideline.models import District
from kyodo.news.models import NewsItem

FEED_SIZE = 50


class NewsFeed(Feed):
    feed_type = SafeAtom1Feed  # stored control characters cannot break the feed

    def get_object(self, request: HttpRequest, district: str | None = None) -> District | None:  # type: ignore[override]
        code = district or request.GET.get("district")
        return get_object_or_404(District, code=code) if code else None

    def title(self, obj: District | None) -> str:
        return _("News for %(district)s") % {"district": obj.name} if obj else _("News")

    def link(self, obj: District | None) -> str:
        url = reverse("news:item_list")
        return f"{url}?district={obj.code}" if obj else url

    def subtitle(self, obj: District | None) -> str:
        return _("News from the city and from local groups.")

    def items(self, obj: District | None) -> list[NewsItem]:
        qs = NewsItem.objects.filter(hidden_at__isnull=True).select_related(
            "organization", "district"
        )
        if obj is not None:
            # A district's feed also carries news for the whole city.
            qs = qs.filter(Q(district=obj) | Q(district__isnull=True))
        return list(qs.order_by("-published_at", "-id")[:FEED_SIZE])

    def item_title(self, item: NewsItem) -> str:
        return item.title

    def item_description(self, item: NewsItem) -> str:
        return item.body[:600]

    def item_link(self, item: NewsItem) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: NewsItem) -> dt.datetime:
        return item.published_at

    def item_updateddate(self, item: NewsItem) -> dt.datetime:
        return item.updated_at

    def item_author_name(self, item: NewsItem) -> str:
        return item.organization.name
