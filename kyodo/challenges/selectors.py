"""Reads for local issues: lists with filters, the issue page, links, themes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from kyodo.challenges.models import (
    Issue,
    IssueComment,
    IssueOfferLink,
    IssueSupport,
    Theme,
    ThemeMap,
)
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
    return {
        "offer_links": linked_offers(issue),
        "linkable_offers": offers_user_can_link(user, issue),
        "issue": issue,
        "comments": comments_for(issue),
        "supported": has_supported(user, issue),
        "following": is_following(user, issue),
        "history": status_history(issue),
        "linked": linked_objects(issue),
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
