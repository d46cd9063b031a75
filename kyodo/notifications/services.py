"""notify(), follow(), unfollow(): the only writers of notifications and follows.

E-mail is sent by a background task, enqueued with the transaction (it runs only after the
commit, never inside it; see kyodo.core.tasks).
How and when a person gets e-mail (immediate, daily, weekly, none) is decided in
kyodo.notifications.delivery; `always_email=True` is for messages that must always go out
(e.g. event confirmations)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.core.audit import record_event
from kyodo.core.tasks import enqueue_with_transaction
from kyodo.notifications import unread
from kyodo.notifications.models import DeliveryPreference, Follow, Frequency, Notification


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    subject: str,
    body: str = "",
    url: str = "",
    always_email: bool = False,
    exclude: User | None = None,
) -> list[Notification]:
    """Create one in-app notification per recipient and schedule e-mail delivery on commit.

    `kind` is "<app>.<event>", e.g. "projects.agreement_signed". Call it inside the
    service's transaction; nothing is sent if the transaction rolls back."""
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        if not user.is_active or user.deleted_at is not None:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(recipient=user, kind=kind, subject=subject[:200], body=body, url=url)
        )
    created = Notification.objects.bulk_create(rows)
    unread.forget(seen)
    if created:
        ids = [n.pk for n in created if n.pk is not None] or list(
            Notification.objects.filter(recipient_id__in=seen, kind=kind)
            .order_by("-id")
            .values_list("id", flat=True)[: len(created)]
        )
        from kyodo.notifications.tasks import deliver_notifications

        enqueue_with_transaction(deliver_notifications, ids, always_email)
    return created


def _target(obj: models.Model) -> tuple[ContentType, int]:
    return ContentType.objects.get_for_model(obj), int(obj.pk)


def follow(*, user: User, target: models.Model) -> bool:
    """Follow `target`; True if newly followed. Safe under concurrency (the unique constraint
    notifications_follow_unique decides between two racing requests)."""
    ct, pk = _target(target)
    try:
        with transaction.atomic():
            row, created = Follow.objects.get_or_create(user=user, target_type=ct, target_id=pk)
            if created:
                record_event(
                    actor=user,
                    verb="notifications.follow.create",
                    target=target,
                    data={"follow": row.pk},
                )
    except IntegrityError:
        return False
    return created


def unfollow(*, user: User, target: models.Model) -> bool:
    ct, pk = _target(target)
    with transaction.atomic():
        deleted, _ = Follow.objects.filter(user=user, target_type=ct, target_id=pk).delete()
        if deleted:
            record_event(actor=user, verb="notifications.follow.delete", target=target)
    return deleted > 0


def is_following(user: Any, target: models.Model) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    ct, pk = _target(target)
    return Follow.objects.filter(user=user, target_type=ct, target_id=pk).exists()


def followers_of(target: models.Model) -> models.QuerySet[User]:
    ct, pk = _target(target)
    return User.objects.filter(follows__target_type=ct, follows__target_id=pk, is_active=True)


def mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (idempotent)."""
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        unread.forget([actor.pk])
    return notification


def mark_all_read(*, actor: User) -> int:
    count = Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    unread.forget([actor.pk])
    return count


def set_delivery_preference(*, actor: User, frequency: str) -> DeliveryPreference:
    if frequency not in Frequency.values:
        raise ValidationError(_("Choose how often you want e-mail."), code="invalid_frequency")
    with transaction.atomic():
        pref, _created = DeliveryPreference.objects.select_for_update().get_or_create(user=actor)
        before = pref.frequency if not _created else ""
        pref.frequency = frequency
        pref.save(update_fields=["frequency", "updated_at"])
        record_event(
            actor=actor,
            verb="notifications.preference.change",
            target=pref,
            from_state=before,
            to_state=frequency,
        )
    return pref
