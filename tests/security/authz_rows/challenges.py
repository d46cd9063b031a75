"""Authorization rows for kyodo.challenges (local issues, theme map, moderation).

The issue is raised by the plain member of `w.org`; `w.department` is responsible for it,
so `other_staff` (another department) may not triage it. Rules: kyodo/challenges/rules.py.
"""

from __future__ import annotations

import json
from typing import Any

from tests.security.authz_table import (
    FORBIDDEN,
    NOT_FOUND,
    SIGNED_IN,
    Row,
    World,
    _offer,
    everyone,
    only,
    public,
    signed_in,
)


def _issue(w: World) -> Any:
    """An issue by the member, with `w.department` responsible, a photo and a comment."""
    if "issue" not in w.objects:
        from django.core.files.base import ContentFile

        from kyodo.challenges.tests.factories import IssueCommentFactory, IssueFactory
        from tests.security.uploads import jpeg_with_gps

        issue = IssueFactory(author=w.users["member"], responsible_department=w.department)
        issue.photo.save("authz-issue.jpg", ContentFile(jpeg_with_gps()), save=True)
        IssueCommentFactory(issue=issue, author=w.users["resident"])
        w.objects["issue"] = issue
    return w.objects["issue"]


def _hidden_issue(w: World) -> Any:
    """An issue a coordinator hid (its page shows a placeholder)."""
    if "hidden_issue" not in w.objects:
        from django.core.files.base import ContentFile

        from kyodo.challenges import moderation
        from kyodo.challenges.tests.factories import IssueFactory
        from tests.security.uploads import jpeg_with_gps

        issue = IssueFactory(author=w.users["member"], responsible_department=w.department)
        issue.photo.save("authz-hidden.jpg", ContentFile(jpeg_with_gps()), save=True)
        moderation.hide_content(
            actor=w.users["coordinator"], target=issue, reason="個人が特定される内容のため"
        )
        issue.refresh_from_db()
        w.objects["hidden_issue"] = issue
    return w.objects["hidden_issue"]


def _report(w: World) -> Any:
    if "content_report" not in w.objects:
        from kyodo.challenges import moderation

        w.objects["content_report"] = moderation.report_content(
            actor=w.users["resident"], target=_issue(w), reason="不適切な表現があります"
        )
    return w.objects["content_report"]


ISSUE = lambda w: {"pk": _issue(w).pk}  # noqa: E731
TRIAGE = only("coordinator", "admin")
MODERATOR = only("coordinator", "admin")

ROWS: dict[str, Row] = {
    "challenges:issue_list": Row(public()),
    "challenges:theme_map": Row(public()),
    "challenges:issue_map_data": Row(public()),
    # Kawagoe's guideline file gives no district boundaries: 404 for everyone.
    "challenges:district_boundaries": Row(everyone(NOT_FOUND)),
    "challenges:issue_feed": Row(public()),
    "challenges:issue_feed_district": Row(public(), kwargs=lambda w: {"district": "honcho"}),
    "challenges:issue_create": Row(signed_in()),
    "challenges:issue_detail": Row(public(), kwargs=ISSUE),
    # A hidden issue's photo is not served, whoever asks (its page shows a placeholder).
    "challenges:issue_photo": Row(
        everyone(NOT_FOUND),
        kwargs=lambda w: {"pk": _hidden_issue(w).pk},
        note="the photo of a visible issue is public (test_authz_states_b)",
    ),
    # The author does not support their own issue.
    "challenges:issue_support": Row(signed_in(member=FORBIDDEN), method="POST", kwargs=ISSUE),
    "challenges:issue_comment": Row(
        signed_in(), method="POST", kwargs=ISSUE, data=lambda w: {"body": "同感です"}
    ),
    # A group's offer: its managers, or staff who may triage the issue.
    "challenges:issue_link_offer": Row(
        only("representative", "coordinator", "admin"),
        method="POST",
        kwargs=ISSUE,
        data=lambda w: {"offer": _offer(w).pk},
    ),
    # Triage: coordinators and the responsible department, not another department.
    "challenges:issue_manage": Row(TRIAGE, kwargs=ISSUE),
    "challenges:report_content": Row(
        signed_in(),
        method="POST",
        data=lambda w: {"target": "challenges.issue", "id": _issue(w).pk, "reason": "広告です"},
    ),
    "challenges:moderation_queue": Row(MODERATOR),
    "challenges:moderation_decide": Row(
        MODERATOR,
        method="POST",
        data=lambda w: {"action": "dismiss", "report": _report(w).pk},
    ),
}


def _json(body: dict[str, Any]) -> Any:
    """The test client sends `body(w)` as is: a JSON text."""
    return lambda w: json.dumps(body)


API_ROWS: dict[str, Row] = {
    "GET /api/v1/issues/geojson": Row(public()),
    "GET /api/v1/issues/{issue_id}": Row(public(), kwargs=lambda w: {"issue_id": _issue(w).pk}),
    "GET /api/v1/issues/{issue_id}/comments": Row(
        public(), kwargs=lambda w: {"issue_id": _issue(w).pk}
    ),
    "POST /api/v1/issues": Row(
        signed_in(),
        method="POST",
        body=_json(
            {
                "title": "歩道の段差",
                "description": "車いすで通れません",
                "district": "honcho",
                "field": "crime-prevention",
            }
        ),
        content_type="application/json",
    ),
    # A hidden issue can be neither supported nor commented on.
    "POST /api/v1/issues/{issue_id}/support": Row(
        signed_in(**dict.fromkeys(SIGNED_IN, FORBIDDEN)),
        method="POST",
        kwargs=lambda w: {"issue_id": _hidden_issue(w).pk},
        content_type="application/json",
    ),
    "DELETE /api/v1/issues/{issue_id}/support": Row(
        signed_in(),
        method="DELETE",
        kwargs=lambda w: {"issue_id": _issue(w).pk},
        note="withdrawing is idempotent: nothing to withdraw is still a success",
    ),
    "POST /api/v1/issues/{issue_id}/comments": Row(
        signed_in(**dict.fromkeys(SIGNED_IN, FORBIDDEN)),
        method="POST",
        kwargs=lambda w: {"issue_id": _hidden_issue(w).pk},
        body=_json({"body": "同感です"}),
        content_type="application/json",
    ),
}
