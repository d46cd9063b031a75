"""Background delivery of notification e-mail (django-tasks)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from kyodo.notifications.models import Notification


@task()
def deliver_notifications(notification_ids: list[int], always_email: bool = False) -> int:
    """Send immediate e-mail for these notifications. Digest preferences are applied by
    kyodo.notifications.delivery (people who chose a digest get them in the digest)."""
    sent = 0
    rows = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related("recipient")
    for n in rows:
        if not always_email and not wants_immediate(n.recipient):
            continue
        link = f"{settings.SITE_URL}{n.url}" if n.url else settings.SITE_URL
        send_mail(n.subject, f"{n.body}\n\n{link}", None, [n.recipient.email], fail_silently=False)
        Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def wants_immediate(user: object) -> bool:
    """Overridden by the delivery preferences (kyodo.notifications.delivery) when present."""
    try:
        from kyodo.notifications.delivery import email_frequency
    except ImportError:
        return True
    return email_frequency(user) == "immediate"
