"""In-app notifications, e-mail delivery state, and follows (of any object)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=60)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Set when the e-mail was sent (immediately or in a digest). Null and `email_wanted`
    # means the digest task still has to include it.
    email_wanted = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at"]),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.subject


class Follow(models.Model):
    """A person follows an object (an issue, a project, a district, an organization …)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "target_type", "target_id"], name="notifications_follow_unique"
            )
        ]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.target_type_id}:{self.target_id}"


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately, one e-mail per notification")
    DAILY = "daily", _("Once a day, in a digest")
    WEEKLY = "weekly", _("Once a week, in a digest")
    NONE = "none", _("No e-mail (only here on the site)")


class DeliveryPreference(models.Model):
    """How a person wants notification e-mail. No row means immediate. Messages sent with
    `always_email=True` (e.g. event confirmations) ignore it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    frequency = models.CharField(
        pgettext_lazy("notification frequency", "e-mail"),
        max_length=20,
        choices=Frequency.choices,
        default=Frequency.IMMEDIATE,
    )
    last_digest_at = models.DateTimeField(_("last digest sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(frequency__in=["immediate", "daily", "weekly", "none"]),
                name="notifications_frequency_valid",
            )
        ]
        indexes = [models.Index(fields=["frequency"])]
        verbose_name = _("delivery preference")
        verbose_name_plural = _("delivery preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.frequency}"
