"""Reads for the district pages: everything happening in one place, with bounded queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.apps import apps
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.core.formatting import fiscal_year_bounds
from kyodo.districts.models import Council, CouncilMember, Meeting, MeetingStatus, Subcommittee
from kyodo.guideline.models import District

LIST_LIMIT = 8
OPEN_ISSUE_STATUSES = ("received", "reviewing", "in_progress")


def council_for(district: District) -> Council | None:
    return (
        Council.objects.filter(district=district)
        .select_related("chair")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=CouncilMember.objects.select_related("organization__org_type").order_by(
                    "id"
                ),
            ),
            Prefetch(
                "subcommittees",
                queryset=Subcommittee.objects.select_related("field", "lead").annotate(
                    n_issues=Count("issues")
                ),
            ),
        )
        .first()
    )


def issue_themes(district: District) -> dict[str, Any]:
    """The district's local issues grouped by theme: the newest precomputed theme map for the
    district when there is one, else grouped by field; with the 自助・共助・公助 triage counts."""
    Issue = apps.get_model("challenges", "Issue")
    ThemeMap = apps.get_model("challenges", "ThemeMap")
    issues = Issue.objects.filter(district=district, hidden_at__isnull=True)
    tiers = Counter(
        dict(
            issues.values_list("tier__name").annotate(n=Count("id")).values_list("tier__name", "n")
        )
    )
    theme_map = ThemeMap.objects.filter(district=district).order_by("-built_at", "-id").first()
    groups: list[dict[str, Any]] = []
    if theme_map is not None:
        themes = list(theme_map.themes.order_by("rank")[:LIST_LIMIT])
        wanted = {i for t in themes for i in t.representative_ids[:3]}
        by_id = {i.pk: i for i in issues.filter(pk__in=wanted).select_related("tier")}
        for t in themes:
            groups.append(
                {
                    "label": t.label,
                    "size": t.size,
                    "issues": [by_id[i] for i in t.representative_ids[:3] if i in by_id],
                }
            )
    else:
        counts = (
            issues.values_list("field__name").annotate(n=Count("id")).order_by("-n")[:LIST_LIMIT]
        )
        for name, n in counts:
            sample = list(
                issues.filter(field__name=name)
                .select_related("tier")
                .order_by("-created_at", "-id")[:3]
            )
            groups.append({"label": name, "size": n, "issues": sample})
    return {
        "groups": groups,
        "tiers": sorted(tiers.items(), key=lambda kv: (kv[0] is None, kv[0] or "")),
        "open": issues.filter(status__in=OPEN_ISSUE_STATUSES).count(),
        "total": issues.count(),
    }


def district_page(district: District) -> dict[str, Any]:
    now = timezone.now()
    Project = apps.get_model("projects", "Project")
    Event = apps.get_model("events", "Event")
    Facility = apps.get_model("events", "Facility")
    OfferNeed = apps.get_model("organizations", "OfferNeed")
    Issue = apps.get_model("challenges", "Issue")
    council = council_for(district)
    meetings = Meeting.objects.filter(council__district=district)
    projects = Project.objects.public().filter(districts=district).order_by("-fiscal_year", "-id")
    events = Event.objects.filter(
        district=district, status="published", starts_at__gte=now
    ).order_by("starts_at", "id")
    return {
        "district": district,
        "snapshots": list(district.snapshots.order_by("-as_of")),
        "council": council,
        "themes": issue_themes(district),
        "projects": list(projects[:LIST_LIMIT]),
        "project_count": projects.count(),
        "events": list(events.select_related("organization")[:LIST_LIMIT]),
        "facilities": list(
            Facility.objects.filter(district=district).order_by("name")[:LIST_LIMIT]
        ),
        "offers": list(
            OfferNeed.objects.filter(districts=district, status="open")
            .select_related("organization")
            .order_by("-created_at", "-id")[:LIST_LIMIT]
        ),
        "now": {
            "open_registration": list(events.filter(opens_at__lte=now, closes_at__gt=now)[:5]),
            "upcoming_meetings": list(meetings.filter(held_at__gte=now).order_by("held_at")[:3]),
            "evaluations_due": list(projects.filter(status="evaluation")[:5]),
            "records": list(
                meetings.filter(status=MeetingStatus.PUBLISHED).order_by("-published_at", "-id")[:3]
            ),
            "answered": list(
                Issue.objects.filter(district=district, status="resolved").order_by(
                    "-status_changed_at", "-id"
                )[:3]
            ),
        },
    }


def district_list() -> list[dict[str, Any]]:
    districts = list(District.objects.order_by("order"))
    latest: dict[int, Any] = {}
    for snap in apps.get_model("guideline", "DistrictSnapshot").objects.order_by(
        "district_id", "-as_of"
    ):
        latest.setdefault(snap.district_id, snap)
    Issue = apps.get_model("challenges", "Issue")
    open_issues = dict(
        Issue.objects.filter(status__in=OPEN_ISSUE_STATUSES)
        .values_list("district_id")
        .annotate(n=Count("id"))
        .values_list("district_id", "n")
    )
    councils = dict(Council.objects.values_list("district_id", "name"))
    return [
        {
            "district": d,
            "snapshot": latest.get(d.pk),
            "open_issues": open_issues.get(d.pk, 0),
            "council": councils.get(d.pk),
        }
        for d in districts
    ]


def activity_since(district: District, since: dt.datetime) -> dict[str, list[Any]]:
    Issue = apps.get_model("challenges", "Issue")
    Event = apps.get_model("events", "Event")
    Project = apps.get_model("projects", "Project")
    return {
        str(_("New local issues")): list(
            Issue.objects.filter(district=district, created_at__gte=since)[:20]
        ),
        str(_("New events")): list(
            Event.objects.filter(district=district, status="published", created_at__gte=since)[:20]
        ),
        str(_("New or updated projects")): list(
            Project.objects.public().filter(districts=district, updated_at__gte=since)[:20]
        ),
        str(_("Published council records")): list(
            Meeting.objects.filter(
                council__district=district, status=MeetingStatus.PUBLISHED, published_at__gte=since
            )[:20]
        ),
    }


def annual_activity(district: District, fiscal_year: int) -> dict[str, Any]:
    """What the council's members did in the district during the fiscal year, from the data."""
    start, end = fiscal_year_bounds(fiscal_year)
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    council = council_for(district)
    member_ids = [m.organization_id for m in council.members.all()] if council else []
    Project = apps.get_model("projects", "Project")
    Event = apps.get_model("events", "Event")
    Issue = apps.get_model("challenges", "Issue")
    meetings = list(
        Meeting.objects.filter(
            council__district=district, held_at__gte=lo, held_at__lt=hi
        ).order_by("held_at")
    )
    projects = list(
        Project.objects.public()
        .filter(
            districts=district,
            partners__organization_id__in=member_ids,
            fiscal_year__lte=fiscal_year,
            fiscal_year_end__gte=fiscal_year,
        )
        .distinct()
        .order_by("title")
    )
    events = Event.objects.filter(
        district=district, organization_id__in=member_ids, starts_at__gte=lo, starts_at__lt=hi
    ).exclude(status="draft")
    per_org: dict[str, int] = defaultdict(int)
    for name, n in (
        events.values_list("organization__name")
        .annotate(n=Count("id"))
        .values_list("organization__name", "n")
    ):
        per_org[name] = n
    issues = Issue.objects.filter(district=district)
    return {
        "district": district,
        "council": council,
        "fiscal_year": fiscal_year,
        "meetings": meetings,
        "published_records": sum(1 for m in meetings if m.status == MeetingStatus.PUBLISHED),
        "projects": projects,
        "events_total": sum(per_org.values()),
        "events_by_member": sorted(per_org.items(), key=lambda kv: (-kv[1], kv[0])),
        "issues_raised": issues.filter(created_at__gte=lo, created_at__lt=hi).count(),
        "issues_resolved": issues.filter(
            status="resolved", status_changed_at__gte=lo, status_changed_at__lt=hi
        ).count(),
        "subcommittees": list(council.subcommittees.all()) if council else [],
        "owned_open": Issue.objects.filter(
            subcommittees__council=council, status__in=OPEN_ISSUE_STATUSES
        )
        .distinct()
        .count()
        if council
        else 0,
    }
