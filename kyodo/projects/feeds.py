"""Atom feeds of public collaboration projects, city-wide and per district
(/projects/feed/ and /projects/feed/<district code>/), like the issue and news feeds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from kyodo.guideline.models import District
from kyodo.projects.models import Project
from kyodo.projects.workflow import PUBLIC_STATUSES, ProjectStatus

FEED_SIZE = 50


class ProjectFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, district: str | None = None) -> District | None:  # type: ignore[override]
        code = district or request.GET.get("district")
        return get_object_or_404(District, code=code) if code else None

    def title(self, obj: District | None) -> str:
        if obj is None:
            return _("Collaboration projects")
        return _("Collaboration projects in %(district)s") % {"district": obj.name}

    def link(self, obj: District | None) -> str:
        url = reverse("projects:list")
        return f"{url}?district={obj.code}" if obj else url

    def subtitle(self, obj: District | None) -> str:
        return _("Public collaboration projects and the stage each has reached.")

    def items(self, obj: District | None) -> list[Project]:
        # Only public projects: a feed is read by anyone, signed in or not.
        qs = Project.objects.filter(status__in=PUBLIC_STATUSES).prefetch_related(
            "districts", "fields"
        )
        if obj is not None:
            qs = qs.filter(districts=obj)
        return list(qs.order_by("-updated_at", "-id")[:FEED_SIZE])

    def item_title(self, item: Project) -> str:
        return item.title

    def item_description(self, item: Project) -> str:
        status = ProjectStatus(item.status).label
        districts = "・".join(d.name for d in item.districts.all())
        return f"[{status}{'・' + districts if districts else ''}] {item.purpose[:400]}"

    def item_link(self, item: Project) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Project) -> dt.datetime:
        return item.agreed_at or item.created_at

    def item_updateddate(self, item: Project) -> dt.datetime:
        return item.updated_at

    def item_categories(self, item: Project) -> list[Any]:
        return [d.name for d in item.districts.all()] + [f.name for f in item.fields.all()]
