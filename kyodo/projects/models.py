"""Collaboration projects (協働事業): partners, consultation, the agreement (協定書) with
its role-division table, implementation reports, completion report and mutual evaluation.

Writes go through kyodo.projects.services; the lifecycle is in kyodo.projects.workflow.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyodo.core.fields import MAX_YEN
from kyodo.core.models import TimeStampedModel
from kyodo.guideline.models import (
    CollaborationForm,
    District,
    EvaluationItem,
    Field,
    Principle,
    Tier,
)
from kyodo.organizations.models import Organization
from kyodo.projects.workflow import (
    PUBLIC_STATUSES,
    ChangeRequestStatus,
    EvaluationKind,
    Origin,
    Phase,
    ProjectStatus,
    ThemeStatus,
)

DEPARTMENT_ORG_TYPE = "department"


class Theme(TimeStampedModel):
    """A city-proposed theme (行政提案型): a department states a problem; groups answer."""

    department = models.ForeignKey(
        Organization,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="project_themes",
    )
    title = models.CharField(_("title"), max_length=120)
    problem = models.TextField(_("problem to solve"))
    target = models.TextField(_("who it is for"), blank=True)
    expected_outcome = models.TextField(_("expected outcome"))
    budget_ceiling_yen = models.PositiveBigIntegerField(_("budget ceiling (yen)"), default=0)
    deadline = models.DateField(_("deadline for proposals"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    status = models.CharField(
        _("status"), max_length=10, choices=ThemeStatus.choices, default=ThemeStatus.OPEN
    )
    fields = models.ManyToManyField(Field, verbose_name=_("fields"), blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-fiscal_year", "deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ThemeStatus.values), name="projects_theme_status_valid"
            )
        ]
        verbose_name = _("city-proposed theme")
        verbose_name_plural = _("city-proposed themes")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:theme-detail", args=[self.pk])


class ProjectQuerySet(models.QuerySet["Project"]):
    def public(self) -> ProjectQuerySet:
        return self.filter(status__in=PUBLIC_STATUSES)

    def with_non_city_partner(self) -> ProjectQuerySet:
        """Projects with at least one partner that is not the city: only these are
        collaborations (協働). The annual report counts signed projects through this."""
        return self.filter(
            Exists(
                ProjectPartner.objects.filter(
                    project=OuterRef("pk"),
                    organization__org_type__actor_type__is_government=False,
                )
            )
        )


class Project(TimeStampedModel):
    title = models.CharField(_("title"), max_length=150)
    purpose = models.TextField(
        _("purpose"), help_text=_("What the partners want to achieve together (目的共有).")
    )
    summary = models.TextField(_("what the project does"), blank=True)
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.CITIZEN
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProjectStatus.choices,
        default=ProjectStatus.DRAFT,
        db_index=True,
    )
    fiscal_year = models.PositiveSmallIntegerField(_("first fiscal year"), db_index=True)
    fiscal_year_end = models.PositiveSmallIntegerField(_("last fiscal year"))
    forms = models.ManyToManyField(
        CollaborationForm,
        verbose_name=_("forms of collaboration"),
        blank=True,
        related_name="projects",
    )
    fields = models.ManyToManyField(
        Field, verbose_name=_("fields"), blank=True, related_name="projects"
    )
    districts = models.ManyToManyField(
        District, verbose_name=_("districts"), blank=True, related_name="projects"
    )
    issues = models.ManyToManyField(
        "challenges.Issue",
        verbose_name=_("local issues addressed"),
        blank=True,
        related_name="projects",
    )
    organizations: models.ManyToManyField[Organization, ProjectPartner] = models.ManyToManyField(
        Organization, through="ProjectPartner", related_name="projects", verbose_name=_("partners")
    )
    city_share_yen = models.PositiveBigIntegerField(_("city's share (yen)"), default=0)
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("follows on from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("answers the city's theme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    source = models.CharField(pgettext_lazy("origin", "source"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_lessons = models.TextField(_("agreed lessons"), blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    consultation_started_at = models.DateTimeField(_("consultation started"), null=True, blank=True)
    agreement_drafting_at = models.DateTimeField(
        _("agreement drafting started"), null=True, blank=True
    )
    agreed_at = models.DateTimeField(_("agreement signed"), null=True, blank=True)
    started_at = models.DateTimeField(_("implementation started"), null=True, blank=True)
    completion_started_at = models.DateTimeField(
        _("completion report started"), null=True, blank=True
    )
    evaluation_started_at = models.DateTimeField(_("evaluation started"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values), name="projects_project_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(origin__in=Origin.values), name="projects_project_origin_valid"
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year_end__gte=models.F("fiscal_year")),
                name="projects_project_fiscal_years_ordered",
            ),
            models.CheckConstraint(
                condition=Q(city_share_yen__lte=MAX_YEN),
                name="projects_project_city_share_bounded",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-fiscal_year", "-id"], name="projects_status_fy"),
            models.Index(fields=["-fiscal_year", "-id"], name="projects_fy_id"),
        ]
        verbose_name = _("collaboration project")
        verbose_name_plural = _("collaboration projects")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES


class ProjectPartner(models.Model):
    """An organization taking part. A department as partner is a responsible department."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="project_partners",
    )
    is_lead = models.BooleanField(_("lead partner"), default=False)
    role_label = models.CharField(_("role in the project"), max_length=60, blank=True)
    share_yen = models.PositiveBigIntegerField(_("share of the cost (yen)"), default=0)
    in_kind = models.CharField(_("in-kind contribution"), max_length=200, blank=True)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["-is_lead", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organization"], name="projects_partner_unique"
            ),
            models.UniqueConstraint(
                fields=["project"], condition=Q(is_lead=True), name="projects_one_lead_partner"
            ),
        ]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return f"{self.organization} / {self.project}"

    @property
    def is_department(self) -> bool:
        return bool(self.organization.org_type.code == DEPARTMENT_ORG_TYPE)


class Target(models.Model):
    """成果目標: an outcome the partners aim for, and what was achieved."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="targets")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.CharField(_("outcome target"), max_length=200)
    target_value = models.CharField(pgettext_lazy("goal", "target"), max_length=100, blank=True)
    actual_value = models.CharField(_("result"), max_length=100, blank=True)
    achieved = models.BooleanField(_("achieved"), null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("outcome target")
        verbose_name_plural = _("outcome targets")

    def __str__(self) -> str:
        return self.description


class Indicator(models.Model):
    """活動指標: an activity indicator with a numeric target and actual value."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("activity indicator"), max_length=120)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    target_value = models.PositiveIntegerField(_("target value"))
    actual_value = models.PositiveIntegerField(_("actual value"), null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("activity indicator")
        verbose_name_plural = _("activity indicators")

    def __str__(self) -> str:
        return self.name

    @property
    def achievement_percent(self) -> int | None:
        if self.actual_value is None or not self.target_value:
            return None
        return round(self.actual_value * 100 / self.target_value)


class ConsultationMessage(models.Model):
    """A message in the private consultation thread (相談) of a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="project_messages"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("consultation message")
        verbose_name_plural = _("consultation messages")

    def __str__(self) -> str:
        return f"{self.project} #{self.pk}"


class ProgressReport(models.Model):
    """実施報告: what happened during implementation."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress_reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("report"))
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    reported_on = models.DateField(_("date"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return self.title


class ProgressPhoto(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="projects/photos/%Y/%m/")
    alt_text = models.CharField(_("what the photo shows"), max_length=200)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.alt_text


class ProjectDocument(models.Model):
    """A file attached to a consultation message, a progress report or the project.
    Served only through a permission-checked view; private ones only to partners."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    message = models.ForeignKey(
        ConsultationMessage,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    progress_report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to="projects/documents/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    title = models.CharField(_("title"), max_length=120, blank=True)
    is_private = models.BooleanField(_("only for the partners"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title or self.original_name


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=120)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class ChangeRequest(models.Model):
    """変更協議: a change to the agreed plan; every partner must approve it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="change_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(_("change"), max_length=200)
    reason = models.TextField(_("reason"))
    new_period_end = models.DateField(_("new end date"), null=True, blank=True)
    new_city_share_yen = models.PositiveBigIntegerField(
        _("new city share (yen)"), null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.PENDING,
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ChangeRequestStatus.values),
                name="projects_change_status_valid",
            )
        ]
        verbose_name = pgettext_lazy("agreement", "change request")
        verbose_name_plural = pgettext_lazy("agreement", "change requests")

    def __str__(self) -> str:
        return self.summary


class ChangeApproval(models.Model):
    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="approvals"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved = models.BooleanField(_("approved"))
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["change_request", "organization"], name="projects_change_approval_once"
            )
        ]
        verbose_name = _("change approval")
        verbose_name_plural = _("change approvals")

    def __str__(self) -> str:
        return f"{self.change_request} / {self.organization}"


class Agreement(models.Model):
    """協定書. Locked (select_for_update) by every edit and approval, so approvals of one
    version and edits that create a new version never interleave."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="agreement")
    current_version = models.ForeignKey(
        "AgreementVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_version = models.ForeignKey(
        "AgreementVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_version__isnull=True, signed_at__isnull=True)
                | Q(signed_version__isnull=False, signed_at__isnull=False),
                name="projects_agreement_signed_with_date",
            )
        ]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"{self.project} 協定書"


class AgreementVersion(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    purpose = models.TextField(_("purpose"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    cost_note = models.TextField(_("cost sharing"), blank=True)
    clause_information = models.TextField(_("information sharing and publication"))
    clause_responsibility = models.TextField(_("responsibility and insurance"))
    clause_change = models.TextField(_("change and termination"))
    clause_results = models.TextField(_("ownership of results"), blank=True)
    change_note = models.CharField(_("what changed"), max_length=200, blank=True)
    change_request = models.OneToOneField(
        ChangeRequest,
        verbose_name=_("change request it puts into effect"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_version",
        help_text=_("Set on a change agreement (変更協定)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="projects_agreement_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="projects_agreement_period_ordered",
            ),
        ]
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"

    @property
    def is_change_agreement(self) -> bool:
        return self.change_request_id is not None


class AgreementParty(models.Model):
    """A party to one version: 甲 (the city), 乙, 丙 … with its cost share."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="parties")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    designation = models.CharField(_("designation"), max_length=4)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    share_yen = models.PositiveBigIntegerField(_("cost share (yen)"), default=0)
    in_kind = models.CharField(_("in-kind contribution"), max_length=200, blank=True)
    # What the document prints, copied from the organization when the version is made, so
    # a signed version keeps the names it was signed under.
    is_city = models.BooleanField(_("the city"), default=False)
    legal_name = models.CharField(_("legal name"), max_length=150, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    representative_title = models.CharField(_("representative's title"), max_length=60, blank=True)
    representative_name = models.CharField(_("representative's name"), max_length=60, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organization"], name="projects_party_unique"
            ),
            models.CheckConstraint(
                condition=Q(share_yen__lte=MAX_YEN), name="projects_party_share_bounded"
            ),
            # The city is 甲; every other party has a letter of its own.
            models.CheckConstraint(
                condition=Q(is_city=True, designation="甲")
                | (Q(is_city=False) & ~Q(designation="甲")),
                name="projects_party_city_is_ko",
            ),
        ]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return f"{self.designation} {self.organization}"


class Role(models.Model):
    """A row of the role-division table (役割分担表)."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="roles")
    party = models.ForeignKey(
        Organization,
        verbose_name=_("responsible party"),
        on_delete=models.PROTECT,
        related_name="project_roles",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person in charge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project_roles",
    )
    task = models.CharField(_("task"), max_length=200)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    tier = models.ForeignKey(
        Tier, verbose_name=_("tier"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phase__in=Phase.values), name="projects_role_phase_valid"
            )
        ]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.task


class AgreementApproval(models.Model):
    """One party's approval of one version. Approvals of older versions no longer count."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="approvals"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)

    class Meta:
        ordering = ["approved_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organization"], name="projects_approval_once"
            )
        ]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")

    def __str__(self) -> str:
        return f"{self.version} ✓ {self.organization}"


class ChecklistAnswer(models.Model):
    """How the partners will ensure one of the guideline's principles (planning checklist)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="checklist_answers")
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="+")
    answer = models.TextField(_("how we will ensure it"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["principle__number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "principle"], name="projects_checklist_once")
        ]
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")

    def __str__(self) -> str:
        return f"{self.project} {self.principle}"


class CompletionReport(models.Model):
    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="completion_report"
    )
    summary = models.TextField(_("what was done"))
    results = models.TextField(_("results against the targets"), blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    actual_city_yen = models.PositiveBigIntegerField(_("actual city spending (yen)"), default=0)
    actual_partner_yen = models.PositiveBigIntegerField(
        _("actual partner spending (yen)"), default=0
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("completion report")
        verbose_name_plural = _("completion reports")

    def __str__(self) -> str:
        return f"{self.project} 完了報告"

    @property
    def actual_total_yen(self) -> int:
        return int(self.actual_city_yen) + int(self.actual_partner_yen)


class Evaluation(models.Model):
    """One partner's evaluation sheet (mid-term or final). Hidden from other partners until
    every partner has submitted the same kind."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evaluations")
    kind = models.CharField(_("kind"), max_length=10, choices=EvaluationKind.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="project_evaluations"
    )
    overall_satisfaction = models.PositiveSmallIntegerField(
        _("overall satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    lessons = models.TextField(_("lessons"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project_evaluations",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["project", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "organization"], name="projects_evaluation_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=EvaluationKind.values), name="projects_evaluation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(overall_satisfaction__isnull=True)
                | Q(overall_satisfaction__gte=1, overall_satisfaction__lte=5),
                name="projects_evaluation_satisfaction_range",
            ),
        ]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.project} {self.get_kind_display()} {self.organization}"


class EvaluationScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(EvaluationItem, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    reason = models.TextField(_("reason for a low score"), blank=True)

    class Meta:
        ordering = ["item__order"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "item"], name="projects_score_once"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="projects_score_range"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=3) | ~Q(reason=""), name="projects_low_score_has_reason"
            ),
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"{self.item}: {self.score}"


class EvaluationReminder(models.Model):
    """When a reminder went to a partner, so reminders are not sent every day."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=EvaluationKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("evaluation reminder")
        verbose_name_plural = _("evaluation reminders")

    def __str__(self) -> str:
        return f"{self.project} {self.organization} {self.sent_at:%Y-%m-%d}"
