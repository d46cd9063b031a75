"""Local issues (地域の課題): read them, raise one, support one, comment. Reads use the
challenges selectors; writes call the challenges services, which check the same `rules`
permissions as the web pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from kyodo.api.auth import SIGNED_IN, caller
from kyodo.api.errors import error_responses
from kyodo.api.schemas import CodeName, PageQuery, code_name, page_schema, paginate
from kyodo.challenges import selectors, services
from kyodo.challenges.models import Issue, IssueComment
from kyodo.guideline.models import District
from kyodo.guideline.models import Field as GuidelineField

router = Router(tags=["issues"])


class IssueOut(Schema):
    id: int
    hidden: bool = Field(description="hidden by a moderator: title and text are withheld")
    title: str
    description: str
    district: CodeName
    field: CodeName
    place_description: str
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
