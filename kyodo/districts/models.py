"""District spaces (地域会議): each district's council, its member organizations and
subcommittees (部会), council meetings with their public records (議事録), and the issues the
subcommittees own. Districts themselves and their dated figures are guideline data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyodo.core.models import TimeStampedModel
from kyodo.guideline.models import District, Field
from kyodo.organizations.models import Organization


class Council(TimeStampedModel):
    district = models.OneToOneField(District, on_delete=models.PROTECT, related_name="council")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("what the council does"), blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chaired_councils",
    )
    founded_year = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)

    class Meta:
        verbose_name = _("district council")
        verbose_name_plural = _("district councils")

    def __str__(self) -> str:
        return self.name


class CouncilMember(models.Model):
    """A member organization (自治会, 学校, PTA, 老人クラブ, 民生委員, NPO, 企業 …) and its role."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="council_memberships"
    )
    role = models.CharField(_("role in the council"), max_length=60, blank=True)
    joined_on = models.DateField(_("member since"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "organization"], name="districts_member_once"
            )
        ]
        verbose_name = _("council member")
        verbose_name_plural = _("council members")

    def __str__(self) -> str:
        return f"{self.council}: {self.organization}"


class Subcommittee(models.Model):
    """部会: a working group on one theme (防犯, 防災, 福祉, 環境, 教育, 子育て …)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="subcommittees")
    name = models.CharField(_("name"), max_length=60)
    theme = models.CharField(_("theme"), max_length=200)
    field = models.ForeignKey(
        Field,
        verbose_name=_("field"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead = models.ForeignKey(
        Organization,
        verbose_name=_("lead organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issues = models.ManyToManyField(
        "challenges.Issue",
        verbose_name=_("local issues it owns"),
        blank=True,
        related_name="subcommittees",
    )

    class Meta:
        ordering = ["council", "id"]
        verbose_name = _("subcommittee")
        verbose_name_plural = _("subcommittees")

    def __str__(self) -> str:
        return f"{self.council} {self.name}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DRAFT_RECORD = "draft_record", _("Record being drafted")
    PUBLISHED = "published", _("Record published")


MEETING_TRANSITIONS: dict[str, set[str]] = {
    MeetingStatus.SCHEDULED: {MeetingStatus.DRAFT_RECORD},
    MeetingStatus.DRAFT_RECORD: {MeetingStatus.PUBLISHED},
    MeetingStatus.PUBLISHED: set(),
}


class Meeting(TimeStampedModel):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(pgettext_lazy("meeting", "title"), max_length=150)
    held_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=150, blank=True)
    agenda = models.TextField(_("agenda"))
    record = models.TextField(_("record of decisions (議事録)"), blank=True)
    decisions = models.TextField(_("decisions in short"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["council", "-held_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="districts_meeting_status_valid"
            )
        ]
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")

    def __str__(self) -> str:
        return self.title


def _attachment_path(instance: MeetingAttachment, filename: str) -> str:
    return f"district-meetings/{instance.meeting_id}/{filename}"


class MeetingAttachment(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path)
    original_name = models.CharField(_("file name"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class DigestLog(models.Model):
    """When the district digest last went out, so each item is sent once."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("district digest")
        verbose_name_plural = _("district digests")

    def __str__(self) -> str:
        return f"{self.district} {self.sent_at:%Y-%m-%d}"
