"""Background delivery of notification e-mail (django-tasks; the db_worker runs them)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from kyodo.accounts.models import User
from kyodo.notifications.delivery import email_frequency
from kyodo.notifications.models import DeliveryPreference, Frequency, Notification

# A digest is not sent again before this much of its period has passed (a cron job that
# runs twice, or a daily cron that also calls the weekly digest, sends nothing extra).
DIGEST_MIN_GAP: dict[str, dt.timedelta] = {
    Frequency.DAILY: dt.timedelta(hours=20),
    Frequency.WEEKLY: dt.timedelta(days=6, hours=20),
}


def _link(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url else str(settings.SITE_URL)


@task()
def deliver_notifications(notification_ids: list[int], always_email: bool = False) -> int:
    """Send immediate e-mail for these notifications, as each recipient chose.

    Immediate: sent now. Daily/weekly: left for the digest. None: never e-mailed.
    `always_email` (event confirmations …) sends now whatever the preference."""
    sent = 0
    rows = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("recipient__notification_preference")
    no_email: list[int] = []
    for n in rows:
        frequency = email_frequency(n.recipient)
        if not always_email and frequency == Frequency.NONE:
            no_email.append(n.pk)
            continue
        if not always_email and frequency != Frequency.IMMEDIATE:
            continue  # the digest picks it up
        if not n.recipient.email:
            continue
        with translation.override(n.recipient.language or settings.LANGUAGE_CODE):
            send_mail(
                n.subject,
                f"{n.body}\n\n{_link(n.url)}",
                None,
                [n.recipient.email],
                fail_silently=False,
            )
        Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
        sent += 1
    if no_email:
        Notification.objects.filter(pk__in=no_email).update(email_wanted=False)
    return sent


def send_digests(frequency: str, *, now: dt.datetime | None = None, force: bool = False) -> int:
    """One e-mail per person who chose `frequency` ("daily" or "weekly") with everything not
    yet e-mailed; returns the number of e-mails sent."""
    if frequency not in DIGEST_MIN_GAP:
        raise ValueError(f"unknown digest frequency {frequency!r}")
    now = now or timezone.now()
    prefs = DeliveryPreference.objects.filter(frequency=frequency).select_related("user")
    if not force:
        prefs = prefs.filter(
            Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - DIGEST_MIN_GAP[frequency])
        )
    pending_users = set(
        Notification.objects.filter(
            recipient__notification_preference__frequency=frequency,
            email_wanted=True,
            emailed_at__isnull=True,
            created_at__lte=now,
        )
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for pref in prefs.filter(user_id__in=pending_users).iterator(chunk_size=500):
        if _send_digest(pref.user, frequency, now):
            sent += 1
        DeliveryPreference.objects.filter(pk=pref.pk).update(last_digest_at=now)
    return sent


def _send_digest(user: User, frequency: str, now: dt.datetime) -> bool:
    items = list(
        Notification.objects.filter(
            recipient=user, email_wanted=True, emailed_at__isnull=True, created_at__lte=now
        ).order_by("created_at", "id")[:200]
    )
    if not items or not user.email or not user.is_active or user.deleted_at is not None:
        return False
    with translation.override(user.language or settings.LANGUAGE_CODE):
        if frequency == Frequency.DAILY:
            subject = _("Your daily digest: %(n)s new notifications") % {"n": len(items)}
        else:
            subject = _("Your weekly digest: %(n)s new notifications") % {"n": len(items)}
        lines = [
            _("Hello %(name)s,") % {"name": user.public_name},
            "",
            _("Here is what happened:"),
            "",
        ]
        for n in items:
            lines.append(f"■ {n.subject}")
            if n.body:
                lines.append(n.body)
            lines.append(_link(n.url))
            lines.append("")
        lines.append(
            _("Change how often you get e-mail: %(url)s")
            % {"url": _link(reverse("notifications:preferences"))}
        )
        body = "\n".join(lines)
    send_mail(subject, body, None, [user.email], fail_silently=False)
    Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
    return True


@task()
def send_digests_task(frequency: str) -> int:
    return send_digests(frequency)


@task()
def send_daily_digests() -> int:
    return send_digests(Frequency.DAILY)


@task()
def send_weekly_digests() -> int:
    """Run daily: each person gets at most one weekly digest a week (DIGEST_MIN_GAP)."""
    return send_digests(Frequency.WEEKLY)
