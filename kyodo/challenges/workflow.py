"""Status of a local issue: 受付 → 検討中 → 対応中 → 解決, or 見送り (with a reason)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IssueStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    REVIEWING = "reviewing", _("Under review")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    DECLINED = "declined", _("Not taken up")


# from-status → the statuses it may move to. One service per transition (services.py).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    IssueStatus.RECEIVED: (IssueStatus.REVIEWING, IssueStatus.DECLINED),
    IssueStatus.REVIEWING: (IssueStatus.IN_PROGRESS, IssueStatus.RESOLVED, IssueStatus.DECLINED),
    IssueStatus.IN_PROGRESS: (IssueStatus.RESOLVED, IssueStatus.DECLINED),
    IssueStatus.RESOLVED: (),
    IssueStatus.DECLINED: (),
}

OPEN_STATUSES: tuple[str, ...] = (
    IssueStatus.RECEIVED,
    IssueStatus.REVIEWING,
    IssueStatus.IN_PROGRESS,
)
CLOSED_STATUSES: tuple[str, ...] = (IssueStatus.RESOLVED, IssueStatus.DECLINED)


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, ())


def allowed_targets(from_status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(from_status, ())


def targets_for(from_status: str, *, answered: bool) -> tuple[str, ...]:
    """What the manage page offers and what the status services accept: the table, less
    解決 until the official answer is published (an issue is closed with the city's answer;
    見送り carries its own public reason)."""
    return tuple(t for t in allowed_targets(from_status) if t != IssueStatus.RESOLVED or answered)
