"""What this app contributes to the personal-data export, account deletion, and the rule
on who may see a registrant's private contact details."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from kyodo.events.models import Feedback, Registration
from kyodo.events.rules import organising_organizations
from kyodo.events.workflow import RegistrationStatus


def export_registrations(user: Any) -> list[dict[str, Any]]:
    feedback = {f.event_id: f for f in Feedback.objects.filter(user=user)}
    rows = []
    for r in Registration.objects.filter(user=user).select_related("event").order_by("queued_at"):
        fb = feedback.get(r.event_id)
        rows.append(
            {
                "event": r.event.title,
                "starts_at": r.event.starts_at.isoformat(),
                "status": r.status,
                "registered_at": r.queued_at.isoformat(),
                "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None,
                "share_real_name": r.share_real_name,
                "share_phone": r.share_phone,
                "answers": {
                    a.question.label: a.value for a in r.answers.select_related("question")
                },
                "satisfaction": fb.rating if fb else None,
                "comment": fb.comment if fb else "",
            }
        )
    return rows


def release_on_deletion(user: Any) -> None:
    from kyodo.events.services import release_registrations_of

    release_registrations_of(user)


def organiser_may_see_contact(actor: Any, subject: Any) -> bool:
    """The actor organises an event the subject is registered for and agreed to share
    some contact detail with."""
    org_ids = [o.pk for o in organising_organizations(actor)]
    if not org_ids:
        return False
    return (
        Registration.objects.filter(
            user=subject,
            event__organization_id__in=org_ids,
            status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
        )
        .filter(Q(share_real_name=True) | Q(share_phone=True))
        .exists()
    )
