"""Writes of the privacy app: personal-data requests and the expiry of personal data."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.core.audit import record_event
from kyodo.core.models import AuditEvent
from kyodo.privacy.models import PrivacyRequest, RequestKind
from kyodo.privacy.retention import cutoff_for, register_retention_policy, registered_policies

logger = logging.getLogger(__name__)
PRIVATE_VIEW_VERB = "accounts.private_data.view"


def submit_privacy_request(
    *, actor: User, kind: str, details: str, submission_token: uuid.UUID
) -> tuple[PrivacyRequest, bool]:
    """File a request; the same submission token returns the first request (created=False)."""
    if not actor.has_perm("privacy.add_privacyrequest"):
        raise PermissionDenied
    if kind not in RequestKind.values:
        raise ValidationError(_("Choose what you are asking for."), code="invalid_kind")
    existing = PrivacyRequest.objects.filter(user=actor, submission_token=submission_token).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            request = PrivacyRequest.objects.create(
                user=actor, kind=kind, details=details, submission_token=submission_token
            )
            record_event(
                actor=actor,
                verb="privacy.request.submit",
                target=request,
                to_state=request.status,
                data={"kind": kind},
            )
    except IntegrityError:
        # A concurrent double submit won the race: that one is the request.
        return PrivacyRequest.objects.get(user=actor, submission_token=submission_token), False
    return request, True


def anonymise_user(*, actor: User | None, user: User, reason: str) -> User:
    """Remove a person's personal data; their contributions stay, shown as 「退会したユーザー」.

    Other apps tidy up through kyodo.accounts.personal_data's deletion handlers (and may
    refuse through its checks, e.g. a group's only representative)."""
    from kyodo.accounts.personal_data import run_deletion_checks
    from kyodo.accounts.services import anonymise_account

    if actor is not None and not actor.has_perm("privacy.anonymise_user", user):
        raise PermissionDenied
    run_deletion_checks(user)
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if user.deleted_at is not None:
            return user
        anonymise_account(user=user)
        record_event(
            actor=actor,
            verb="privacy.user.anonymise",
            target=user,
            from_state="active",
            to_state="deleted",
            data={"reason": reason},
        )
    return user


def anonymise_inactive_accounts(cutoff: dt.datetime) -> int:
    """Accounts with no log-in since `cutoff` (or never, and created before it)."""
    candidates = (
        get_user_model()
        .objects.filter(deleted_at__isnull=True, is_superuser=False, is_staff=False)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .order_by("pk")
    )
    done = 0
    for user in candidates.iterator(chunk_size=500):
        try:
            anonymise_user(actor=None, user=user, reason="retention")
        except ValidationError as exc:
            # e.g. the last representative of a group: kept, and reported in the log.
            logger.warning("Account %s kept past its retention period: %s", user.pk, exc.messages)
            continue
        done += 1
    return done


def anonymise_private_view_events(cutoff: dt.datetime) -> int:
    """Audit rows of staff views of private data: after the period, whose data was seen is
    removed (the row stays, so the count of views per staff member is still known)."""
    return (
        AuditEvent.objects.filter(verb=PRIVATE_VIEW_VERB, created_at__lt=cutoff)
        .exclude(target_id="", target_repr="", data={})
        .update(target_id="", target_repr="", data={})
    )


register_retention_policy("inactive_account", anonymise_inactive_accounts)
register_retention_policy("audit_private_view", anonymise_private_view_events)


def privacy_requests_export(user: User) -> list[dict[str, object]]:
    """The person's own requests, for the personal-data export (開示)."""
    return [
        {
            "kind": r.kind,
            "details": r.details,
            "status": r.status,
            "received_at": r.created_at.isoformat(),
            "answered_at": r.answered_at.isoformat() if r.answered_at else None,
        }
        for r in PrivacyRequest.objects.filter(user=user).order_by("created_at", "id")
    ]


def anonymise_expired(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Run every registered retention policy; returns rows changed per data class."""
    now = now or timezone.now()
    results: dict[str, int] = {}
    for data_class, policy in registered_policies().items():
        results[data_class] = policy(cutoff_for(data_class, now))
    if any(results.values()):
        record_event(actor=None, verb="privacy.retention.apply", data={"changed": results})
    return results
