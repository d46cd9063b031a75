"""Statuses and allowed transitions of calls, applications and grants (workflows are data).

Every transition has exactly one service in kyodo.calls.services, which checks the table
with `require_transition`, stamps a timestamp and records an audit event."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    ELIGIBLE = "eligible", _("Passed the eligibility check")
    INELIGIBLE = "ineligible", _("Ineligible")
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Not adopted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class GrantStatus(models.TextChoices):
    DECIDED = "decided", _("Grant decided")
    SETTLEMENT_SUBMITTED = "settlement_submitted", _("Settlement report submitted")
    CONFIRMED = "confirmed", _("Amount confirmed")
    PAID = "paid", _("Paid")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the city")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")


CALL_TRANSITIONS: dict[str, set[str]] = {
    CallStatus.DRAFT: {CallStatus.PUBLISHED},
    CallStatus.PUBLISHED: {CallStatus.ARCHIVED},
    CallStatus.ARCHIVED: set(),
}

APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    ApplicationStatus.DRAFT: {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN},
    ApplicationStatus.SUBMITTED: {
        ApplicationStatus.ELIGIBLE,
        ApplicationStatus.RETURNED,
        ApplicationStatus.INELIGIBLE,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.RETURNED: {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN},
    ApplicationStatus.ELIGIBLE: {
        ApplicationStatus.ADOPTED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.INELIGIBLE: set(),
    ApplicationStatus.ADOPTED: {ApplicationStatus.WITHDRAWN},
    ApplicationStatus.REJECTED: set(),
    ApplicationStatus.WITHDRAWN: set(),
}

GRANT_TRANSITIONS: dict[str, set[str]] = {
    GrantStatus.DECIDED: {GrantStatus.SETTLEMENT_SUBMITTED},
    GrantStatus.SETTLEMENT_SUBMITTED: {GrantStatus.CONFIRMED, GrantStatus.DECIDED},
    GrantStatus.CONFIRMED: {GrantStatus.PAID},
    GrantStatus.PAID: set(),
}

EDITABLE_APPLICATION_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)


def can_transition(table: dict[str, set[str]], current: str, target: str) -> bool:
    return target in table.get(current, set())


def require_transition(table: dict[str, set[str]], current: str, target: str) -> None:
    if not can_transition(table, current, target):
        raise ValidationError(
            gettext("This action is not possible in the current state (%(current)s → %(target)s).")
            % {"current": current, "target": target},
            code="invalid_transition",
        )
