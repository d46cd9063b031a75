"""マイページ: the local issues I raised and those I support (two queries)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kyodo.accounts.me import group, section
from kyodo.challenges.models import Issue

SHOWN = 10


def my_issues_section(request: Any) -> dict[str, Any] | None:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    raised = Issue.objects.filter(author=user).order_by("-created_at", "-id")[:SHOWN]
    supported = Issue.objects.filter(supports__user=user, hidden_at__isnull=True).order_by(
        "-supports__created_at", "-id"
    )[:SHOWN]

    def rows(issues: Any) -> list[tuple[str, str, str]]:
        return [(i.title, i.get_absolute_url(), i.get_status_display()) for i in issues]

    return section(
        "issues",
        _("My local issues"),
        [
            group(_("What I raised"), rows(raised), _("You have not raised a local issue yet.")),
            group(_("What I support"), rows(supported), _("You support no local issue yet.")),
        ],
        [(_("Raise a local issue"), reverse("challenges:issue_create"))],
    )
