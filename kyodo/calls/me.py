"""マイページ: my groups' applications and the review rounds assigned to me (two queries)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kyodo.accounts.me import group, section
from kyodo.calls.models import ReviewerAssignment
from kyodo.calls.selectors import my_applications_queryset

SHOWN = 10


def my_calls_section(request: Any) -> dict[str, Any] | None:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    applications = list(my_applications_queryset(user).order_by("-id")[:SHOWN])
    assignments = list(
        ReviewerAssignment.objects.filter(reviewer_id=user.pk)
        .select_related("round__call")
        .order_by("-round__call__fiscal_year", "-id")[:SHOWN]
    )
    if not applications and not assignments:
        return None
    return section(
        "calls",
        _("My applications and reviews"),
        [
            group(
                _("Reviews assigned to you"),
                [
                    (f"{a.round.call.title} {a.round.name}", reverse("calls:my-reviews"), "")
                    for a in assignments
                ],
            ),
            group(
                _("What my groups applied for"),
                [
                    (
                        a.title or a.call.title,
                        reverse("calls:application-detail", args=[a.pk]),
                        a.get_status_display(),
                    )
                    for a in applications
                ],
            ),
        ],
        [(_("All my groups' applications"), reverse("calls:my-applications"))],
    )
