"""Base models and the audit log. No domain logic lives here."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One state change or one staff view of personal data: who, what, when, from → to.

    Written only through kyodo.core.audit.record_event, inside the same transaction as
    the change it describes. Never holds passwords or tokens (record_event strips them).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor label"), max_length=200, blank=True)
    verb = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=300, blank=True)
    from_state = models.CharField(pgettext_lazy("audit change", "from"), max_length=50, blank=True)
    to_state = models.CharField(_("to"), max_length=50, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "-created_at"])]

    def __str__(self) -> str:
        change = f" {self.from_state}→{self.to_state}" if self.from_state or self.to_state else ""
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.target_repr}{change}"


class DemoDataset(models.Model):
    """Which app's demo data has been generated, so `seed_demo` is idempotent."""

    app_label = models.CharField(max_length=50, unique=True)
    seed = models.IntegerField()
    scale = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)
    rows = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("demo dataset")
        verbose_name_plural = _("demo datasets")

    def __str__(self) -> str:
        return f"{self.app_label} (seed {self.seed}, scale {self.scale})"


class ScheduledTaskRun(models.Model):
    """When the scheduler last enqueued each periodic task (kyodo.core.hooks.PeriodicTask), so a
    restarted scheduler, or a second one, does not enqueue the same run twice."""

    key = models.CharField(pgettext_lazy("scheduled task", "task"), max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(_("last enqueued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scheduled task run")
        verbose_name_plural = _("scheduled task runs")

    def __str__(self) -> str:
        return f"{self.key} @ {self.last_enqueued_at}"
