"""Reads for local issues: lists with filters, the issue page, links, themes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import models
from django.db.models import Avg, Count, F, Func, IntegerField, QuerySet
from django.http import Http404
from django.urls import reverse

from kyodo.challenges import geo
from kyodo.challenges.models import (
    Issue,
    IssueComment,
    IssueOfferLink,
    IssueSupport,
    Theme,
    ThemeMap,
)
from kyodo.challenges.workflow import IssueStatus
from kyodo.core import pagecache
from kyodo.core.audit import events_for
from kyodo.core.models import AuditEvent
from kyodo.guideline.models import District
from kyodo.notifications.services import is_following
from kyodo.organizations.models import MembershipRole, OfferNeed, OfferStatus
from kyodo.organizations.predicates import organization_ids

ISSUE_ORDERINGS: dict[str, tuple[str, ...]] = {
    "new": ("-created_at", "-id"),
    "supported": ("-support_count", "-id"),
}


@dataclass
class IssueFilters:
    district: str = ""
    field: str = ""
    status: str = ""
    tier: str = ""
    sort: str = "new"


def issue_list(filters: IssueFilters | None = None) -> QuerySet[Issue]:
    """Issues for public lists (hidden ones included: they show a placeholder)."""
    filters = filters or IssueFilters()
    qs = Issue.objects.select_related(
        "district", "field", "tier", "author", "responsible_department"
    )
    if filters.district:
        qs = qs.filter(district__code=filters.district)
    if filters.field:
        qs = qs.filter(field__code=filters.field)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.tier:
        qs = qs.filter(tier__code=filters.tier)
    return qs


def visible_issues() -> QuerySet[Issue]:
    return Issue.objects.filter(hidden_at__isnull=True)


def get_issue_for(user: Any, pk: int) -> Issue:
    """Every issue is public (a hidden one shows its placeholder); 404 if it does not exist."""
    try:
        issue = Issue.objects.select_related(
            "district", "field", "tier", "author", "responsible_department", "answered_by"
        ).get(pk=pk)
    except Issue.DoesNotExist as exc:
        raise Http404 from exc
    if not user.has_perm("challenges.view_issue", issue):
        raise Http404
    return issue


def comments_for(issue: Issue) -> list[IssueComment]:
    return list(issue.comments.select_related("author").order_by("created_at", "id")[:500])


def has_supported(user: Any, issue: Issue) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return IssueSupport.objects.filter(issue=issue, user=user).exists()


def status_history(issue: Issue) -> list[AuditEvent]:
    """The public timeline: raise, status changes, answers (who acted is not shown)."""
    verbs = [
        "challenges.issue.raise",
        "challenges.issue.reviewing",
        "challenges.issue.in_progress",
        "challenges.issue.resolved",
        "challenges.issue.declined",
        "challenges.issue.answer",
        "challenges.issue.answer_update",
    ]
    return list(events_for(issue).filter(verb__in=verbs).order_by("created_at", "id"))


@dataclass
class LinkedGroup:
    label: str
    items: list[Any]


def linked_objects(issue: Issue) -> list[LinkedGroup]:
    """What addresses this issue: projects, offers, events … Higher apps link to issues
    with a ManyToManyField to challenges.Issue; we find those relations here through the
    model's reverse relations (no import of higher apps). One query per relation."""
    groups: list[LinkedGroup] = []
    for rel in Issue._meta.related_objects:
        if not rel.many_to_many:
            continue
        model = rel.related_model
        if not isinstance(model, type) or not hasattr(model, "get_absolute_url"):
            continue
        accessor = rel.get_accessor_name()
        if not accessor:
            continue
        qs = getattr(issue, accessor).all()
        if hasattr(qs, "public"):  # e.g. projects: drafts are not shown
            qs = qs.public()
        items = [obj for obj in qs[:20] if getattr(obj, "is_public", True) is not False]
        if items:
            groups.append(LinkedGroup(label=str(model._meta.verbose_name_plural), items=items))
    return groups


def linked_offers(issue: Issue) -> list[IssueOfferLink]:
    return list(
        IssueOfferLink.objects.filter(issue=issue, offer__status=OfferStatus.OPEN)
        .select_related("offer__organization")
        .order_by("-created_at", "-id")[:20]
    )


def offers_user_can_link(user: Any, issue: Issue) -> list[OfferNeed]:
    """Open offers of the groups this person manages (not yet linked to the issue)."""
    if not getattr(user, "is_authenticated", False):
        return []
    org_ids = organization_ids(
        user, (MembershipRole.REPRESENTATIVE, MembershipRole.OFFICER, MembershipRole.CLERK)
    )
    if not org_ids:
        return []
    return list(
        OfferNeed.objects.filter(organization_id__in=org_ids, status=OfferStatus.OPEN)
        .exclude(issue_links__issue=issue)
        .select_related("organization")
        .order_by("-created_at", "-id")[:50]
    )


def issue_page_context(user: Any, issue: Issue) -> dict[str, Any]:
    nearby = nearby_for(issue)
    return {
        "offer_links": linked_offers(issue),
        "linkable_offers": offers_user_can_link(user, issue),
        "issue": issue,
        "comments": comments_for(issue),
        "supported": has_supported(user, issue),
        "following": is_following(user, issue),
        "history": status_history(issue),
        "linked": linked_objects(issue),
        "nearby": nearby,
        "map_config": _detail_map_config(issue, nearby),
        "coarse_metres": geo.COARSE_METRES,
        "sees_exact_point": issue.latitude is not None
        and (
            getattr(user, "pk", None) == issue.author_id
            or user.has_perm("challenges.triage_issue", issue)
        ),
    }


def latest_issues(limit: int = 5) -> list[dict[str, Any]]:
    """For the home block: plain data, cacheable."""
    rows = (
        visible_issues().select_related("district", "field").order_by("-created_at", "-id")[:limit]
    )
    return [
        {
            "id": i.pk,
            "title": i.title,
            "url": i.get_absolute_url(),
            "district": i.district.name,
            "district_en": i.district.name_en,
            "field": i.field.name,
            "field_en": i.field.name_en,
            "created_at": i.created_at,
            "support_count": i.support_count,
            "status": i.status,
        }
        for i in rows
    ]


def issue_counts() -> dict[str, int]:
    agg = Issue.objects.filter(hidden_at__isnull=True).aggregate(
        total=models.Count("id"),
        open=models.Count(
            "id", filter=models.Q(status__in=["received", "reviewing", "in_progress"])
        ),
    )
    return {"total": agg["total"] or 0, "open": agg["open"] or 0}


def latest_theme_map(district: District | None) -> ThemeMap | None:
    return ThemeMap.objects.filter(district=district).order_by("-built_at", "-id").first()


def themes_with_issues(theme_map: ThemeMap) -> list[tuple[Theme, list[Issue]]]:
    """Themes of a map, each with its representative issues (two queries in all)."""
    themes = list(theme_map.themes.select_related("top_field").order_by("rank"))
    ids = {i for t in themes for i in t.representative_ids}
    issues = {i.pk: i for i in visible_issues().filter(pk__in=ids).select_related("district")}
    return [(t, [issues[i] for i in t.representative_ids if i in issues]) for t in themes]


# ---------------------------------------------------------------------------------------
# Places: nearby issues, similar open issues, the map's data (kyodo/challenges/geo.py)
# ---------------------------------------------------------------------------------------

NEARBY_METRES = 500
SIMILAR_METRES = 300
SIMILAR_TITLE = 0.3  # bigram Dice coefficient; same place + this much title = "similar"
SIMILAR_TITLE_NO_POINT = 0.6  # without a point: same district and a much closer title
MAP_POINTS_ZOOM = 16  # at this zoom and closer the map shows single issues
MAP_POINTS_BELOW = 300  # … and also at any zoom when the view holds at most this many
MAP_MAX_POINTS = 1000

OPEN_STATUSES = ("received", "reviewing", "in_progress")


@dataclass
class NearbyIssue:
    issue: Issue
    metres: int


def _in_box(qs: QuerySet[Issue], box: tuple[float, float, float, float]) -> QuerySet[Issue]:
    south, west, north, east = box
    return qs.filter(
        public_latitude__gte=south,
        public_latitude__lte=north,
        public_longitude__gte=west,
        public_longitude__lte=east,
    )


def issues_near(
    lat: float,
    lon: float,
    *,
    metres: float = NEARBY_METRES,
    exclude_id: int | None = None,
    open_only: bool = False,
    limit: int = 10,
) -> list[NearbyIssue]:
    """Visible issues whose public point is within `metres`, nearest first: an indexed
    bounding box, then the exact distance on the rows inside it."""
    qs = _in_box(visible_issues(), geo.bbox_around(lat, lon, metres)).select_related(
        "district", "field"
    )
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    found: list[NearbyIssue] = []
    for issue in qs.order_by("-created_at", "-id")[:500]:
        assert issue.public_latitude is not None and issue.public_longitude is not None
        d = geo.distance_m(lat, lon, issue.public_latitude, issue.public_longitude)
        if d <= metres:
            found.append(NearbyIssue(issue=issue, metres=round(d)))
    found.sort(key=lambda n: (n.metres, -n.issue.pk))
    return found[:limit]


def nearby_for(issue: Issue) -> list[NearbyIssue]:
    """Other issues near this one's public point (none if it has no point or is hidden)."""
    if issue.is_hidden or issue.public_latitude is None or issue.public_longitude is None:
        return []
    return issues_near(issue.public_latitude, issue.public_longitude, exclude_id=issue.pk)


def similar_open_issues(
    *, title: str, district: District | None, lat: float | None, lon: float | None
) -> list[NearbyIssue]:
    """Open issues that look like the one being raised: within SIMILAR_METRES with a
    similar title, or (without a point) in the same district with a very similar title."""
    if lat is not None and lon is not None:
        near = issues_near(lat, lon, metres=SIMILAR_METRES, open_only=True, limit=200)
        return [n for n in near if geo.title_similarity(title, n.issue.title) >= SIMILAR_TITLE][:5]
    if district is None:
        return []
    rows = (
        visible_issues()
        .filter(district=district, status__in=OPEN_STATUSES)
        .select_related("district", "field")
        .order_by("-created_at", "-id")[:300]
    )
    return [
        NearbyIssue(issue=i, metres=-1)
        for i in rows
        if geo.title_similarity(title, i.title) >= SIMILAR_TITLE_NO_POINT
    ][:5]


class GridCell(Func):
    """The integer grid cell of a coordinate: floor((value + offset) / step). The offset
    (90 or 180) keeps the value positive, so on SQLite a CAST (which truncates, and is a
    built-in, unlike FLOOR without the math extension) is the floor; PostgreSQL's CAST
    rounds, so it uses FLOOR."""

    output_field = IntegerField()

    def __init__(self, expression: Any, *, offset: float, step: float) -> None:
        super().__init__(expression)
        # Floats computed here, never from a request: safe to write into the SQL.
        self.offset, self.step = float(offset), float(step)

    def _sql(self, compiler: Any, wrap: str) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return wrap.format(f"(({sql}) + {self.offset!r}) / {self.step!r}"), list(params)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self._sql(compiler, "CAST({} AS INTEGER)")

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        return self._sql(compiler, "FLOOR({})")


def _cells(qs: QuerySet[Issue], zoom: int) -> list[dict[str, Any]]:
    step = geo.grid_step(zoom)
    return list(
        qs.annotate(
            cy=GridCell(F("public_latitude"), offset=90.0, step=step),
            cx=GridCell(F("public_longitude"), offset=180.0, step=step),
        )
        .values("cy", "cx")
        .annotate(n=Count("id"), lat=Avg("public_latitude"), lon=Avg("public_longitude"))
        .order_by()
    )


def _city_cells(filters: IssueFilters, zoom: int) -> list[dict[str, Any]]:
    """The grid cells of every issue in the city at `zoom`. Kept as long as an anonymous
    page (KYODO_PAGE_CACHE_SECONDS) under the page cache's generation, which any committed
    change to an issue moves on: a new issue is on the next map. Computed each time when the
    page cache is off."""
    qs = _in_box(_filtered_points(filters), geo.city_map().bbox)
    seconds = pagecache.ttl()
    if not seconds:
        return _cells(qs, zoom)
    key = ":".join(
        str(part)
        for part in (
            "challenges:map",
            pagecache.generation(),
            zoom,
            filters.district,
            filters.field,
            filters.status,
            filters.tier,
        )
    )
    cells = cache.get(key)
    if cells is None:
        cells = _cells(qs, zoom)
        cache.set(key, cells, seconds)
    return cells


def _filtered_points(filters: IssueFilters) -> QuerySet[Issue]:
    qs = Issue.objects.filter(hidden_at__isnull=True, public_latitude__isnull=False)
    if filters.district:
        qs = qs.filter(district__code=filters.district)
    if filters.field:
        qs = qs.filter(field__code=filters.field)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.tier:
        qs = qs.filter(tier__code=filters.tier)
    return qs


def issue_map_data(
    filters: IssueFilters, *, bbox: tuple[float, float, float, float] | None, zoom: int
) -> dict[str, Any]:
    """The map's layer as GeoJSON: grid clusters (one SQL GROUP BY on the public point, the
    cell about 64 screen pixels at this zoom) with their counts; the issues themselves
    (public points only) when the view is close (zoom ≥ MAP_POINTS_ZOOM) or holds few
    issues, and no more than MAP_MAX_POINTS of them. Hidden issues and issues without a
    point are left out."""
    qs = _filtered_points(filters)
    if bbox is not None:
        qs = _in_box(qs, bbox)
    if zoom < MAP_POINTS_ZOOM:
        # A wide view: the city's whole grid at this zoom (cached), cut to the view.
        cells = _city_cells(filters, zoom)
        if bbox is not None:
            south, west, north, east = bbox
            cells = [c for c in cells if south <= c["lat"] <= north and west <= c["lon"] <= east]
    else:
        cells = _cells(qs, zoom)
    total = sum(c["n"] for c in cells)
    few = total <= MAP_POINTS_BELOW or (zoom >= MAP_POINTS_ZOOM and total <= MAP_MAX_POINTS)
    if not few:
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [round(c["lon"], 5), round(c["lat"], 5)],
                    },
                    "properties": {"cluster": True, "count": c["n"]},
                }
                for c in cells
            ],
            "total": total,
            "clustered": True,
        }
    labels = {value: str(label) for value, label in IssueStatus.choices}
    url = reverse("challenges:issue_detail", args=[0]).replace("/0/", "/{}/")
    rows = qs.order_by("-created_at", "-id").values_list(
        "id", "title", "status", "public_latitude", "public_longitude", "location_coarsened"
    )[:MAP_MAX_POINTS]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": pk,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "id": pk,
                    "title": title,
                    "status": status,
                    "status_label": labels.get(status, status),
                    "url": url.format(pk),
                    "coarsened": coarsened,
                },
            }
            for pk, title, status, lat, lon, coarsened in rows
        ],
        "total": total,
        "clustered": False,
    }


def _detail_map_config(issue: Issue, nearby: list[NearbyIssue]) -> dict[str, Any] | None:
    """The issue page's map: its public point and the nearby issues (same as the list)."""
    if issue.is_hidden or issue.public_latitude is None or issue.public_longitude is None:
        return None
    return geo.map_config(
        "detail",
        point=[issue.public_latitude, issue.public_longitude],
        title=issue.title,
        coarsened=issue.location_coarsened,
        coarseMetres=geo.COARSE_METRES,
        nearby=[
            [
                n.issue.public_latitude,
                n.issue.public_longitude,
                n.issue.title,
                n.issue.get_absolute_url(),
            ]
            for n in nearby
        ],
        messages={},
    )
