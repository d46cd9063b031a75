"""マイページ: the collaboration projects of my groups and departments, those waiting for the
partners' action first (one query)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kyodo.accounts.me import group, section
from kyodo.organizations.models import MembershipStatus
from kyodo.projects.models import Project
from kyodo.projects.workflow import ProjectStatus

SHOWN = 10
# Stages in which the partners have something to do (sign, report, evaluate).
PARTNERS_ACT = {
    ProjectStatus.AGREEMENT_DRAFTING,
    ProjectStatus.COMPLETION_REPORT,
    ProjectStatus.EVALUATION,
}


def my_projects_section(request: Any) -> dict[str, Any] | None:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    projects = list(
        Project.objects.filter(
            partners__organization__memberships__user=user,
            partners__organization__memberships__status=MembershipStatus.ACTIVE,
        )
        .exclude(status=ProjectStatus.CANCELLED)
        .distinct()
        .order_by("-updated_at", "-id")[:SHOWN]
    )
    if not projects:
        return None
    waiting = [p for p in projects if p.status in PARTNERS_ACT]
    return section(
        "projects",
        _("My collaboration projects"),
        [
            group(
                _("Waiting for your group's action"),
                [(p.title, p.get_absolute_url(), p.get_status_display()) for p in waiting],
            ),
            group(
                _("Projects my groups take part in"),
                [(p.title, p.get_absolute_url(), p.get_status_display()) for p in projects],
            ),
        ],
        [(_("All collaboration projects"), reverse("projects:list"))],
    )
