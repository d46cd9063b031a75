"""District councils (地域会議), their subcommittees (部会) and published meeting records: the
same public record as the district pages and the open-data package. Member organizations are
listed; no person is (the chair is not published)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from kyodo.api.errors import error_responses
from kyodo.api.schemas import CodeName, PageQuery, code_name, page_schema, paginate
from kyodo.districts.models import Council, CouncilMember, Meeting, MeetingStatus, Subcommittee

router = Router(tags=["councils"])


class MemberOut(Schema):
    organization: int = Field(description="id in /organizations")
    name: str
    role: str


class SubcommitteeOut(Schema):
    id: int
    name: str
    theme: str
    field: CodeName | None
    lead: int | None = Field(description="id in /organizations")
    issues: list[int] = Field(description="ids in /issues (hidden issues left out)")


class CouncilOut(Schema):
    id: int
    district: CodeName
    name: str
    description: str
    founded_year: int | None
    members: list[MemberOut]
    subcommittees: list[SubcommitteeOut]


class MeetingOut(Schema):
    id: int
    council: int
    title: str
    held_at: dt.datetime
    place: str
    agenda: str
    decisions: str
    record: str
    published_at: dt.datetime | None


CouncilPage = page_schema(CouncilOut, "CouncilPage")
MeetingPage = page_schema(MeetingOut, "MeetingPage")


class CouncilFilters(Schema):
    district: str | None = Field(None, description="district code")


def _councils() -> Any:
    return Council.objects.select_related("district").prefetch_related(
        Prefetch("members", queryset=CouncilMember.objects.select_related("organization")),
        Prefetch(
            "subcommittees",
            queryset=Subcommittee.objects.select_related("field").prefetch_related("issues"),
        ),
    )


def council_out(council: Council) -> dict[str, Any]:
    return {
        "id": council.pk,
        "district": code_name(council.district),
        "name": council.name,
        "description": council.description,
        "founded_year": council.founded_year,
        "members": [
            {"organization": m.organization_id, "name": m.organization.name, "role": m.role}
            for m in council.members.all()
        ],
        "subcommittees": [
            {
                "id": s.pk,
                "name": s.name,
                "theme": s.theme,
                "field": code_name(s.field) if s.field_id else None,
                "lead": s.lead_id,
                "issues": sorted(i.pk for i in s.issues.all() if i.hidden_at is None),
            }
            for s in council.subcommittees.all()
        ],
    }


def meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "council": meeting.council_id,
        "title": meeting.title,
        "held_at": meeting.held_at,
        "place": meeting.place,
        "agenda": meeting.agenda,
        "decisions": meeting.decisions,
        "record": meeting.record,
        "published_at": meeting.published_at,
    }


@router.get("", response={200: CouncilPage, **error_responses(422, 429)})
def list_councils(
    request: HttpRequest, filters: Query[CouncilFilters], page: Query[PageQuery]
) -> Any:
    """Every district council with its member organizations and subcommittees."""
    queryset = _councils()
    if filters.district:
        queryset = queryset.filter(district__code=filters.district)
    return paginate(
        queryset, ordering=("id",), cursor=page.cursor, limit=page.limit, serialize=council_out
    )


@router.get("/{council_id}", response={200: CouncilOut, **error_responses(404, 422, 429)})
def get_council(request: HttpRequest, council_id: int) -> Any:
    """One council."""
    council = _councils().filter(pk=council_id).first()
    if council is None:
        raise Http404
    return council_out(council)


@router.get("/{council_id}/meetings", response={200: MeetingPage, **error_responses(404, 422, 429)})
def list_meetings(request: HttpRequest, council_id: int, page: Query[PageQuery]) -> Any:
    """The council's published meeting records (議事録), newest first. Scheduled and draft
    meetings are not part of the public record."""
    if not Council.objects.filter(pk=council_id).exists():
        raise Http404
    queryset = Meeting.objects.filter(council_id=council_id, status=MeetingStatus.PUBLISHED)
    return paginate(
        queryset,
        ordering=("-held_at", "-id"),
        cursor=page.cursor,
        limit=page.limit,
        serialize=meeting_out,
    )
