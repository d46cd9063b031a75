"""Local issues (地域の課題): read them, raise one, support one, comment. Reads use the
challenges selectors; writes call the challenges services, which check the same `rules`
permissions as the web pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from kyodo.api.auth import SIGNED_IN, caller
from kyodo.api.errors import error_responses
from kyodo.api.schemas import CodeName, PageQuery, code_name, page_schema, paginate
from kyodo.challenges import geo, selectors, services
from kyodo.challenges.models import Issue, IssueComment
from kyodo.guideline.models import District
from kyodo.guideline.models import Field as GuidelineField

router = Router(tags=["issues"])


class IssueLocation(Schema):
    latitude: float = Field(description="public point, WGS84 degrees")
    longitude: float = Field(description="public point, WGS84 degrees")
    coarsened: bool = Field(
        description="true when the author said the place is near a home: the point is the "
        "centre of a ~200 m grid cell, not the exact spot (which is never published)"
    )


class IssueOut(Schema):
    id: int
    hidden: bool = Field(description="hidden by a moderator: title and text are withheld")
    title: str
    description: str
    district: CodeName
    field: CodeName
    place_description: str
    location: IssueLocation | None = Field(description="the public point, if one was given")
    status: str
    tier: CodeName | None
    tier_explanation: str
    responsible_department: str | None = Field(description="name of the city department")
    official_answer: str
    answered_at: dt.datetime | None
    decline_reason: str
    author: str = Field(description="the public name of the person who raised it")
    support_count: int
    comment_count: int
    created_at: dt.datetime
    status_changed_at: dt.datetime | None


class CommentOut(Schema):
    id: int
    hidden: bool = Field(
        description="hidden by a moderator: author and text are withheld, as on the page"
    )
    hidden_notice: str = Field(
        "", description="what the page shows instead of a hidden comment (empty otherwise)"
    )
    author: str = Field(description="the author's public name (empty when hidden)")
    body: str
    created_at: dt.datetime


IssuePage = page_schema(IssueOut, "IssuePage")
CommentPage = page_schema(CommentOut, "CommentPage")


class IssueFilters(Schema):
    district: str | None = Field(None, description="district code")
    field: str | None = Field(None, description="field code")
    status: str | None = Field(
        None, description="received, reviewing, in_progress, resolved, declined"
    )
    tier: str | None = Field(None, description="tier code (自助・共助・公助)")


def issue_out(issue: Issue) -> dict[str, Any]:
    hidden = issue.hidden_at is not None
    return {
        "id": issue.pk,
        "hidden": hidden,
        "title": "" if hidden else issue.title,
        "description": "" if hidden else issue.description,
        "district": code_name(issue.district),
        "field": code_name(issue.field),
        "place_description": "" if hidden else issue.place_description,
        "location": None if hidden else public_location(issue),
        "status": issue.status,
        "tier": code_name(issue.tier) if issue.tier else None,
        "tier_explanation": issue.tier_explanation,
        "responsible_department": issue.responsible_department.name
        if issue.responsible_department
        else None,
        "official_answer": issue.official_answer,
        "answered_at": issue.answered_at,
        "decline_reason": issue.decline_reason,
        "author": issue.author.public_name,
        "support_count": issue.support_count,
        "comment_count": issue.comment_count,
        "created_at": issue.created_at,
        "status_changed_at": issue.status_changed_at,
    }


def public_location(issue: Issue) -> dict[str, Any] | None:
    """The public point only: never the precise point of a rounded one."""
    if issue.public_latitude is None or issue.public_longitude is None:
        return None
    return {
        "latitude": issue.public_latitude,
        "longitude": issue.public_longitude,
        "coarsened": issue.location_coarsened,
    }


def hidden_notice(obj: Any) -> str:
    """The page's placeholder for hidden content (challenges/moderation.html), word for word:
    the API shows a reader exactly what the page shows them."""
    return _("This post has been hidden (reason: %(reason)s)") % {"reason": obj.hidden_reason}


def comment_out(comment: IssueComment) -> dict[str, Any]:
    """A comment as the issue page shows it: a hidden one is only the placeholder (no
    author, no text)."""
    hidden = comment.hidden_at is not None
    return {
        "id": comment.pk,
        "hidden": hidden,
        "hidden_notice": hidden_notice(comment) if hidden else "",
        "author": "" if hidden else comment.author.public_name,
        "body": "" if hidden else comment.body,
        "created_at": comment.created_at,
    }


@router.get("", response={200: IssuePage, **error_responses(422, 429)})
def list_issues(request: HttpRequest, filters: Query[IssueFilters], page: Query[PageQuery]) -> Any:
    """Local issues, newest first."""
    queryset = selectors.issue_list(
        selectors.IssueFilters(
            district=filters.district or "",
            field=filters.field or "",
            status=filters.status or "",
            tier=filters.tier or "",
        )
    )
    return paginate(
        queryset,
        ordering=("-created_at", "-id"),
        cursor=page.cursor,
        limit=page.limit,
        serialize=issue_out,
    )


class PointGeometry(Schema):
    type: str = "Point"
    coordinates: list[float] = Field(description="[longitude, latitude] (GeoJSON order)")


class IssueFeatureProperties(Schema):
    id: int
    title: str
    status: str
    district: str = Field(description="district code")
    field: str = Field(description="field code")
    support_count: int
    created_at: dt.datetime
    url: str
    coarsened: bool


class IssueFeature(Schema):
    type: str = "Feature"
    id: int
    geometry: PointGeometry
    properties: IssueFeatureProperties


class IssueFeatureCollection(Schema):
    type: str = "FeatureCollection"
    features: list[IssueFeature]
    next_cursor: str | None = Field(None, description="pass as ?cursor= for the next page")


class GeoQuery(Schema):
    bbox: str | None = Field(
        None, description="west,south,east,north in degrees (only issues inside it)"
    )


def issue_feature(issue: Issue) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": issue.pk,
        "geometry": {
            "type": "Point",
            "coordinates": [issue.public_longitude, issue.public_latitude],
        },
        "properties": {
            "id": issue.pk,
            "title": issue.title,
            "status": issue.status,
            "district": issue.district.code,
            "field": issue.field.code,
            "support_count": issue.support_count,
            "created_at": issue.created_at,
            "url": f"{settings.SITE_URL}{issue.get_absolute_url()}",
            "coarsened": issue.location_coarsened,
        },
    }


@router.get("/geojson", response={200: IssueFeatureCollection, **error_responses(422, 429)})
def issues_geojson(
    request: HttpRequest,
    filters: Query[IssueFilters],
    geo_query: Query[GeoQuery],
    page: Query[PageQuery],
) -> Any:
    """The issues layer as GeoJSON (RFC 7946), newest first: visible issues with a point,
    public points only (a point near a home is rounded to ~200 m). Same filters as the list;
    `bbox` narrows to a box; pages of up to `limit` features with `next_cursor`."""
    queryset = selectors.issue_list(
        selectors.IssueFilters(
            district=filters.district or "",
            field=filters.field or "",
            status=filters.status or "",
            tier=filters.tier or "",
        )
    ).filter(hidden_at__isnull=True, public_latitude__isnull=False)
    if geo_query.bbox:
        box = geo.parse_bbox(geo_query.bbox)
        if box is None:
            raise HttpError(422, _("bbox must be west,south,east,north in degrees."))
        south, west, north, east = box
        queryset = queryset.filter(
            public_latitude__gte=south,
            public_latitude__lte=north,
            public_longitude__gte=west,
            public_longitude__lte=east,
        )
    result = paginate(
        queryset,
        ordering=("-created_at", "-id"),
        cursor=page.cursor,
        limit=page.limit,
        serialize=issue_feature,
    )
    return {
        "type": "FeatureCollection",
        "features": result["items"],
        "next_cursor": result["next_cursor"],
    }


@router.get("/{issue_id}", response={200: IssueOut, **error_responses(404, 429)})
def get_issue(request: HttpRequest, issue_id: int) -> Any:
    """One local issue."""
    return issue_out(selectors.get_issue_for(caller(request), issue_id))


@router.get("/{issue_id}/comments", response={200: CommentPage, **error_responses(404, 422, 429)})
def list_issue_comments(request: HttpRequest, issue_id: int, page: Query[PageQuery]) -> Any:
    """Comments on an issue, oldest first."""
    issue = selectors.get_issue_for(caller(request), issue_id)
    return paginate(
        issue.comments.select_related("author"),
        ordering=("created_at", "id"),
        cursor=page.cursor,
        limit=page.limit,
        serialize=comment_out,
    )


class IssueIn(Schema):
    title: str = Field(max_length=120)
    description: str
    district: str = Field(description="district code")
    field: str = Field(description="field code")
    place_description: str = Field("", max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90, description="WGS84 degrees")
    longitude: float | None = Field(None, ge=-180, le=180, description="WGS84 degrees")
    near_home: bool = Field(
        False, description="the place is near a home: publish the point rounded to ~200 m"
    )


@router.post(
    "",
    auth=SIGNED_IN,
    response={201: IssueOut, **error_responses(401, 403, 404, 422, 429)},
)
def raise_issue(request: HttpRequest, payload: IssueIn) -> Any:
    """Raise a local issue (same rule as the website: challenges.add_issue). Photos can be
    added on the website."""
    district = get_object_or_404(District, code=payload.district)
    field = get_object_or_404(GuidelineField, code=payload.field)
    issue = services.raise_issue(
        actor=request.auth,  # type: ignore[attr-defined]
        title=payload.title,
        description=payload.description,
        district=district,
        field=field,
        place_description=payload.place_description,
        latitude=payload.latitude,
        longitude=payload.longitude,
        near_home=payload.near_home,
    )
    return 201, issue_out(selectors.get_issue_for(caller(request), issue.pk))


class SupportOut(Schema):
    supported: bool
    changed: bool
    support_count: int


@router.post(
    "/{issue_id}/support",
    auth=SIGNED_IN,
    response={200: SupportOut, **error_responses(401, 403, 404, 429)},
)
def support_issue(request: HttpRequest, issue_id: int) -> Any:
    """Support (共感) an issue, once per person (challenges.support_issue)."""
    issue = selectors.get_issue_for(caller(request), issue_id)
    changed = services.support_issue(actor=request.auth, issue=issue)  # type: ignore[attr-defined]
    return {"supported": True, "changed": changed, "support_count": issue.support_count}


@router.delete(
    "/{issue_id}/support",
    auth=SIGNED_IN,
    response={200: SupportOut, **error_responses(401, 403, 404, 429)},
)
def withdraw_support(request: HttpRequest, issue_id: int) -> Any:
    """Withdraw your support."""
    issue = selectors.get_issue_for(caller(request), issue_id)
    changed = services.withdraw_support(actor=request.auth, issue=issue)  # type: ignore[attr-defined]
    return {"supported": False, "changed": changed, "support_count": issue.support_count}


class CommentIn(Schema):
    body: str = Field(max_length=4000)


@router.post(
    "/{issue_id}/comments",
    auth=SIGNED_IN,
    response={201: CommentOut, **error_responses(401, 403, 404, 422, 429)},
)
def comment_on_issue(request: HttpRequest, issue_id: int, payload: CommentIn) -> Any:
    """Comment on an issue (challenges.comment_issue)."""
    issue = selectors.get_issue_for(caller(request), issue_id)
    comment = services.comment_on_issue(actor=request.auth, issue=issue, body=payload.body)  # type: ignore[attr-defined]
    return 201, comment_out(comment)
