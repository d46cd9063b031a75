"""Local issues (地域の課題): raised by residents, supported, discussed, triaged and answered."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo.challenges.workflow import IssueStatus
from kyodo.guideline.models import District, Field, Tier
from kyodo.organizations.models import Organization


class Issue(models.Model):
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="issues"
    )
    field = models.ForeignKey(
        Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="issues"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="issues",
    )
    photo = models.ImageField(_("photo"), upload_to="issues/%Y/%m/", blank=True)
    photo_alt = models.CharField(_("photo description"), max_length=200, blank=True)
    place_description = models.CharField(_("place"), max_length=200, blank=True)
    # The point the author placed (WGS84 degrees). Only the author and city staff see it.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # The point everyone else sees (maps, nearby, the API, open data): the same point, or,
    # when the author said it is near a home, the centre of its ~200 m grid cell
    # (kyodo/challenges/geo.py). Lists and maps query only these columns.
    public_latitude = models.FloatField(_("public latitude"), null=True, blank=True)
    public_longitude = models.FloatField(_("public longitude"), null=True, blank=True)
    location_coarsened = models.BooleanField(_("point shown rounded"), default=False)
    created_at = models.DateTimeField(_("raised at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    status = models.CharField(
        _("status"), max_length=20, choices=IssueStatus.choices, default=IssueStatus.RECEIVED
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for not taking it up"), blank=True)
    tier = models.ForeignKey(
        Tier,
        verbose_name=_("who should act"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issues",
    )
    tier_explanation = models.TextField(_("why"), blank=True)
    responsible_department = models.ForeignKey(
        Organization,
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_issues",
    )
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    official_answer = models.TextField(_("official answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    support_count = models.PositiveIntegerField(_("supporters"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=IssueStatus.values),
                name="challenges_issue_status_valid",
            ),
            # A point is whole or absent: both coordinates or neither, the public point
            # exactly when the precise one, every value in range, and a rounded point only
            # when there is a point.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        latitude__isnull=True,
                        longitude__isnull=True,
                        public_latitude__isnull=True,
                        public_longitude__isnull=True,
                        location_coarsened=False,
                    )
                    | models.Q(
                        # isnull=False: a comparison with NULL is unknown, and a CHECK
                        # passes on unknown.
                        latitude__isnull=False,
                        longitude__isnull=False,
                        public_latitude__isnull=False,
                        public_longitude__isnull=False,
                        latitude__gte=-90,
                        latitude__lte=90,
                        longitude__gte=-180,
                        longitude__lte=180,
                        public_latitude__gte=-90,
                        public_latitude__lte=90,
                        public_longitude__gte=-180,
                        public_longitude__lte=180,
                    )
                ),
                name="challenges_issue_point_whole_in_range",
            ),
            # 見送り always says why, in public.
            models.CheckConstraint(
                condition=~models.Q(status=IssueStatus.DECLINED) | ~models.Q(decline_reason=""),
                name="challenges_issue_declined_has_reason",
            ),
            # 解決 is closed with the city's official answer.
            models.CheckConstraint(
                condition=~models.Q(status=IssueStatus.RESOLVED)
                | models.Q(answered_at__isnull=False),
                name="challenges_issue_resolved_is_answered",
            ),
            # An answer and its date go together.
            models.CheckConstraint(
                condition=models.Q(official_answer="", answered_at__isnull=True)
                | (~models.Q(official_answer="") & models.Q(answered_at__isnull=False)),
                name="challenges_issue_answer_dated",
            ),
            # Who should act (自助・共助・公助) always comes with why.
            models.CheckConstraint(
                condition=models.Q(tier__isnull=True) | ~models.Q(tier_explanation=""),
                name="challenges_issue_tier_explained",
            ),
            # A status other than 受付 was reached by a transition, which is dated.
            models.CheckConstraint(
                condition=models.Q(status=IssueStatus.RECEIVED)
                | models.Q(status_changed_at__isnull=False),
                name="challenges_issue_status_change_dated",
            ),
        ]
        indexes = [
            # Bounding-box reads (map data, nearby) on both databases: only visible issues
            # (a partial index), and it covers the map's cluster query (id, lat, lon).
            models.Index(
                fields=["public_latitude", "public_longitude"],
                name="challenges_issue_point",
                condition=models.Q(hidden_at__isnull=True, public_latitude__isnull=False),
            ),
            models.Index(fields=["-created_at", "-id"], name="challenges_issue_recent"),
            models.Index(
                fields=["district", "-created_at", "-id"], name="challenges_issue_district"
            ),
            models.Index(fields=["status", "-created_at", "-id"], name="challenges_issue_status"),
        ]
        verbose_name = _("local issue")
        verbose_name_plural = _("local issues")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("challenges:issue_detail", args=[self.pk])

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class IssueSupport(models.Model):
    """共感: one per person and issue (a unique constraint, so double clicks and races
    cannot count twice); Issue.support_count is kept with F() in the same transaction."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="issue_supports"
    )
    created_at = models.DateTimeField(_("supported at"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "user"], name="challenges_support_once_per_person"
            )
        ]
        verbose_name = _("support")
        verbose_name_plural = _("supports")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.issue_id}"


class IssueComment(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="issue_comments",
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("posted at"), default=timezone.now, db_index=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["issue", "created_at", "id"], name="challenges_comment_issue")
        ]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.body[:40]

    def get_absolute_url(self) -> str:
        return f"{self.issue.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a decision")
    HIDDEN = "hidden", _("Content hidden")
    DISMISSED = "dismissed", _("No action needed")


class ContentReport(models.Model):
    """Anyone's report about any content (generic: content type + id), for coordinators."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="content_reports",
    )
    reason = models.TextField(_("what is wrong"))
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values),
                name="challenges_report_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at", "-id"], name="challenges_report_queue"),
            models.Index(fields=["content_type", "object_id"], name="challenges_report_target"),
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}"


class HiddenContent(models.Model):
    """The record that a piece of content was hidden by a coordinator, and why.
    Models that show a placeholder also carry hidden_at/hidden_reason (set together)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    reason = models.CharField(_("reason"), max_length=300)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(_("hidden at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="challenges_hidden_once"
            )
        ]
        verbose_name = _("hidden content")
        verbose_name_plural = _("hidden content")

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}"


class ThemeMap(models.Model):
    """A precomputed grouping of issues into themes ("broad listening"), city-wide
    (district null) or for one district. Rebuilt by `build_theme_map`; the newest per
    scope is shown."""

    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.CASCADE, related_name="theme_maps"
    )
    built_at = models.DateTimeField(_("built at"), db_index=True)
    issue_count = models.PositiveIntegerField(_("issues"))
    method = models.CharField(_("method"), max_length=200)

    class Meta:
        ordering = ["-built_at", "-id"]
        verbose_name = _("theme map")
        verbose_name_plural = _("theme maps")

    def __str__(self) -> str:
        return f"{self.district or 'city'} {self.built_at:%Y-%m-%d %H:%M}"


class Theme(models.Model):
    theme_map = models.ForeignKey(ThemeMap, on_delete=models.CASCADE, related_name="themes")
    rank = models.PositiveSmallIntegerField(_("rank"))
    label = models.CharField(_("label"), max_length=200)
    keywords = models.JSONField(_("keywords"), default=list)
    size = models.PositiveIntegerField(_("issues"))
    # Issue ids closest to the theme's centre, best first.
    representative_ids = models.JSONField(default=list)
    # [["2026-05", 12], …]: issues per month, oldest first.
    trend = models.JSONField(_("trend"), default=list)
    top_field = models.ForeignKey(
        Field, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["theme_map", "rank"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.label


class IssueOfferLink(models.Model):
    """An offer or need of a group (できること・してほしいこと) that addresses an issue."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="offer_links")
    offer = models.ForeignKey(
        "organizations.OfferNeed",
        verbose_name=_("offer or need"),
        on_delete=models.CASCADE,
        related_name="issue_links",
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("linked at"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "offer"], name="challenges_offer_link_once")
        ]
        verbose_name = _("offer linked to an issue")
        verbose_name_plural = _("offers linked to issues")

    def __str__(self) -> str:
        return f"{self.issue_id} ← {self.offer_id}"
