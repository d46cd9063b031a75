"""Requests about one's own personal data (個人情報保護法: 開示・訂正・利用停止等の請求).

The audit log itself is `kyodo.core.AuditEvent`; this app shows it to administrators and
applies the retention periods (see retention.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    DISCLOSURE = "disclosure", _("Disclosure of my data")
    CORRECTION = "correction", _("Correction of my data")
    STOP_USE = "stop_use", _("Stop using my data")
    DELETION = "deletion", _("Deletion of my data")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ANSWERED = "answered", _("Answered")


class PrivacyRequest(models.Model):
    """A person's request about the personal data the city holds on them.

    `submission_token` comes from the form: submitting the same form twice (a double
    click, a retry after a timeout) finds the first request instead of filing a second."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="privacy_requests",
    )
    kind = models.CharField(_("what you ask for"), max_length=20, choices=RequestKind.choices)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    submission_token = models.UUIDField(_("submission token"), editable=False)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "submission_token"], name="privacy_request_once_per_submission"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RequestStatus.values),
                name="privacy_request_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=RequestKind.values), name="privacy_request_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
