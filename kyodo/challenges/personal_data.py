"""This app's part of the personal-data download: the person's issues, comments and supports."""

from __future__ import annotations

from typing import Any

from kyodo.challenges.models import Issue, IssueComment, IssueSupport


def export_issues(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": i.pk,
            "title": i.title,
            "description": i.description,
            "district": i.district.name if i.district else "",
            "status": i.status,
            "raised_at": i.created_at.isoformat(),
            "url": i.get_absolute_url(),
        }
        for i in Issue.objects.filter(author=user).select_related("district").order_by("id")
    ]


def export_comments(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "issue": c.issue.title,
            "issue_url": c.issue.get_absolute_url(),
            "comment": c.body,
            "posted_at": c.created_at.isoformat(),
        }
        for c in IssueComment.objects.filter(author=user).select_related("issue").order_by("id")
    ]


def export_supports(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "issue": s.issue.title,
            "issue_url": s.issue.get_absolute_url(),
            "supported_at": s.created_at.isoformat(),
        }
        for s in IssueSupport.objects.filter(user=user).select_related("issue").order_by("id")
    ]
