"""Inside the city (協働の推進体制): department liaisons, cross-department requests, staff
learning records, and the annual collaboration survey (協働事業実施状況調査).

Everything here is internal to city staff; only aggregated survey figures are published (in the
annual report)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyodo.core.models import TimeStampedModel
from kyodo.guideline.models import CollaborationForm, District, Field, OrganizationType, Principle
from kyodo.organizations.models import Organization
from kyodo.promotion.workflow import RequestStatus, SurveyStatus


class Liaison(TimeStampedModel):
    """協働推進員: a staff member who is their department's contact for collaboration."""

    department = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="liaisons")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="liaison_roles"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["department", "user"], name="promotion_liaison_unique")
        ]
        ordering = ["department__kana", "id"]
        verbose_name = _("liaison")
        verbose_name_plural = _("liaisons")

    def __str__(self) -> str:
        return f"{self.department}: {self.user}"


class CoordinationRequest(TimeStampedModel):
    """庁内連携: one department asks another to join a consultation or a project."""

    from_department = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    to_department = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="coordination_requests"
    )
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordination_requests",
    )
    subject = models.CharField(_("subject"), max_length=150)
    message = models.TextField(_("what you are asking"))
    due_on = models.DateField(_("answer needed by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="promotion_request_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(from_department=models.F("to_department")),
                name="promotion_request_other_department",
            ),
        ]
        verbose_name = _("coordination request")
        verbose_name_plural = _("coordination requests")

    def __str__(self) -> str:
        return self.subject


class LearningCompletion(models.Model):
    """A staff member finished one module of the guideline course. Private to the person;
    only counts per department are shown to others."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_completions"
    )
    module = models.CharField(_("module"), max_length=30)
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="promotion_completion_once")
        ]
        verbose_name = _("learning completion")
        verbose_name_plural = _("learning completions")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.module}"


class SelfCheck(models.Model):
    """How well a staff member thinks their work follows a principle (1–5). Private."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="self_checks"
    )
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.TextField(_("note to yourself"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "principle"], name="promotion_selfcheck_once"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="promotion_selfcheck_range"
            ),
        ]
        verbose_name = _("self-check")
        verbose_name_plural = _("self-checks")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.principle_id}={self.score}"


class SurveyPeriod(TimeStampedModel):
    """The annual collaboration survey for one fiscal year, opened and closed by coordinators."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.OPEN
    )
    closes_on = models.DateField(_("answers due by"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(pgettext_lazy("survey", "closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-fiscal_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SurveyStatus.values), name="promotion_survey_status_valid"
            )
        ]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return f"協働事業実施状況調査 {self.fiscal_year}"


class SurveyResponse(models.Model):
    """A department's answer to the survey: submitted (possibly with no activity)."""

    period = models.ForeignKey(SurveyPeriod, on_delete=models.CASCADE, related_name="responses")
    department = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="survey_responses"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now=True)
    no_activity = models.BooleanField(_("no collaboration this year"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "department"], name="promotion_response_once")
        ]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.period} {self.department}"


class SurveyRecord(TimeStampedModel):
    """One collaboration that did not go through a call (後援, 共催, 実行委員会 …), recorded
    by its department so the annual report covers all of the city's collaboration."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), db_index=True)
    department = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="survey_records"
    )
    title = models.CharField(_("project name"), max_length=200)
    form = models.ForeignKey(
        CollaborationForm,
        verbose_name=_("form of collaboration"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    partner_name = models.CharField(_("partner"), max_length=200)
    partner_type = models.ForeignKey(
        OrganizationType,
        verbose_name=_("kind of partner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    field = models.ForeignKey(
        Field,
        verbose_name=_("field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_new = models.BooleanField(_("new this year"), default=True)
    city_share_yen = models.PositiveBigIntegerField(_("city's share (yen)"), default=0)
    partner_share_yen = models.PositiveBigIntegerField(_("partner's share (yen)"), default=0)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported = models.BooleanField(_("imported from a spreadsheet"), default=False)

    class Meta:
        ordering = ["-fiscal_year", "department__kana", "id"]
        indexes = [models.Index(fields=["fiscal_year", "department"])]
        constraints = [
            # The natural key of a record: a re-import of the same row changes nothing.
            models.UniqueConstraint(
                fields=["department", "fiscal_year", "title", "partner_name", "form"],
                name="promotion_record_natural_key_unique",
            )
        ]
        verbose_name = _("survey record")
        verbose_name_plural = _("survey records")

    def __str__(self) -> str:
        return self.title
