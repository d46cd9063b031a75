"""Atom feeds of local issues, city-wide and per district (?district=<code> or /feed/<code>/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from kyodo.challenges.models import Issue
from kyodo.challenges.selectors import visible_issues
from kyodo.challenges.workflow import IssueStatus
from kyodo.core.text import SafeAtom1Feed
from kyodo.guideline.models import District

FEED_SIZE = 50


class IssueFeed(Feed):
    feed_type = SafeAtom1Feed  # stored control characters cannot break the feed

    def get_object(self, request: HttpRequest, district: str | None = None) -> District | None:  # type: ignore[override]
        code = district or request.GET.get("district")
        return get_object_or_404(District, code=code) if code else None

    def title(self, obj: District | None) -> str:
        if obj is None:
            return _("Local issues")
        return _("Local issues in %(district)s") % {"district": obj.name}

    def link(self, obj: District | None) -> str:
        url = reverse("challenges:issue_list")
        return f"{url}?district={obj.code}" if obj else url

    def subtitle(self, obj: District | None) -> str:
        return _("Newly raised local issues and their progress.")

    def items(self, obj: District | None) -> list[Issue]:
        qs = visible_issues().select_related("district", "field", "author")
        if obj is not None:
            qs = qs.filter(district=obj)
        return list(qs.order_by("-created_at", "-id")[:FEED_SIZE])

    def item_title(self, item: Issue) -> str:
        return item.title

    def item_description(self, item: Issue) -> str:
        status = IssueStatus(item.status).label
        return f"[{item.district.name}・{item.field.name}・{status}] {item.description[:400]}"

    def item_link(self, item: Issue) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Issue) -> dt.datetime:
        return item.created_at

    def item_updateddate(self, item: Issue) -> dt.datetime:
        return item.updated_at

    def item_author_name(self, item: Issue) -> str:
        return item.author.public_name

    def item_categories(self, item: Issue) -> list[Any]:
        return [item.district.name, item.field.name]
