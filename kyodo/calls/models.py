"""Calls (公募), applications with their budgets, screening (審査) and grants (補助金).

Money is integer yen everywhere. Rates are integer basis points (10000 = 100%).
Raw reviewer scores are kept; only per-criterion averages and totals are published
(as a snapshot taken when a round's results are published)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Mod
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyodo.calls.workflow import (
    ApplicationStatus,
    CallStatus,
    ChangeRequestStatus,
    GrantStatus,
)
from kyodo.core.models import TimeStampedModel
from kyodo.guideline.models import OrganizationType
from kyodo.organizations.models import Organization


def percent_label(basis_points: int) -> str:
    """9000 → 90%, 6667 → 66.67% (no floats)."""
    whole, rest = divmod(int(basis_points), 100)
    if not rest:
        return f"{whole}%"
    return f"{whole}.{f'{rest:02d}'.rstrip('0')}%"


class CallKind(models.TextChoices):
    SUBSIDY = "subsidy", _("Proposal-type collaboration subsidy")
    COMMISSION = "commission", _("Collaboration commission")
    CITY_THEME = "city_theme", _("City-proposed theme")


class Track(models.TextChoices):
    CITIZEN = "citizen", _("Citizen-proposed")
    CITY = "city", _("City-proposed theme")


class ConflictPolicy(models.TextChoices):
    EXCLUDE = "exclude", _("Leave the conflicted reviewer out")
    MEAN_OF_OTHERS = "mean_of_others", _("Replace with the mean of the other reviewers")


class IncomeSource(models.TextChoices):
    SUBSIDY = "subsidy", _("This subsidy")
    OWN_FUNDS = "own_funds", _("Own funds")
    FEES = "fees", _("Participation fees")
    DONATIONS = "donations", _("Donations")
    OTHER_GRANTS = "other_grants", _("Other grants")


class Phase(models.TextChoices):
    PLANNING = "planning", _("Planning")
    IMPLEMENTATION = "implementation", _("Implementation")
    EVALUATION = "evaluation", _("Evaluation")


class EligibilityOutcome(models.TextChoices):
    PASS = "pass", _("Passes")
    RETURN = "return", _("Return for correction")
    INELIGIBLE = "ineligible", _("Ineligible")


class Conclusion(models.TextChoices):
    ADOPT = "adopt", _("Adopt")
    ADOPT_WITH_CONDITIONS = "adopt_with_conditions", _("Adopt with conditions")
    REJECT = "reject", _("Do not adopt")


class CityDecisionChoice(models.TextChoices):
    ADOPT = "adopt", _("Adopt")
    REJECT = "reject", _("Do not adopt")


class CallQuerySet(models.QuerySet["Call"]):
    def public(self) -> CallQuerySet:
        return self.filter(status__in=[CallStatus.PUBLISHED, CallStatus.ARCHIVED])


class Call(TimeStampedModel):
    kind = models.CharField(_("kind of call"), max_length=20, choices=CallKind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    department = models.ForeignKey(
        Organization,
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    total_budget_yen = models.PositiveBigIntegerField(_("total budget (yen)"), default=0)
    # Eligibility (要件)
    eligible_org_types = models.ManyToManyField(
        OrganizationType,
        verbose_name=_("organization types that may apply"),
        blank=True,
        help_text=_("Leave empty to accept every type of group."),
    )
    minimum_members = models.PositiveSmallIntegerField(_("minimum number of members"), default=5)
    requires_base_in_city = models.BooleanField(_("must be based in the city"), default=True)
    requires_verified = models.BooleanField(_("must be a verified registered group"), default=True)
    eligible_categories = models.JSONField(_("eligible expense categories"), default=list)
    excluded_categories = models.JSONField(_("excluded expense categories"), default=list)
    # Rubric (審査基準)
    normalise_to = models.PositiveSmallIntegerField(_("scores are normalised to"), default=100)
    adoption_threshold = models.PositiveSmallIntegerField(_("adoption threshold"), default=60)
    conflict_policy = models.CharField(
        _("conflict of interest policy"),
        max_length=20,
        choices=ConflictPolicy.choices,
        default=ConflictPolicy.EXCLUDE,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-fiscal_year", "-id"]
        indexes = [models.Index(fields=["status", "fiscal_year", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CallStatus.values), name="calls_call_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CallKind.values), name="calls_call_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(conflict_policy__in=ConflictPolicy.values),
                name="calls_call_conflict_policy_valid",
            ),
            models.CheckConstraint(
                condition=Q(normalise_to__gt=0), name="calls_call_normalise_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status in (CallStatus.PUBLISHED, CallStatus.ARCHIVED)

    @property
    def default_track(self) -> str:
        return Track.CITY if self.kind == CallKind.CITY_THEME else Track.CITIZEN


class Round(models.Model):
    """A review round (早期審査, 通常審査 …) with its own window and dates."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    opens_at = models.DateTimeField(_("applications open"))
    closes_at = models.DateTimeField(_("applications close"))
    presentation_date = models.DateField(_("presentation date"), null=True, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["call", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="calls_round_window_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} {self.name}"

    def is_open(self, now: object | None = None) -> bool:
        moment = now or timezone.now()
        return self.opens_at <= moment < self.closes_at  # type: ignore[operator]


class FundingRule(models.Model):
    """(track, continuation year) → rate, cap and rounding unit (e.g. 90% → 70% → 50%)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="funding_rules")
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    continuation_year = models.PositiveSmallIntegerField(_("year of continuation"), default=1)
    rate_basis_points = models.PositiveIntegerField(
        _("rate (basis points)"), help_text=_("10000 = 100%, 9000 = 90%.")
    )
    cap_yen = models.PositiveBigIntegerField(_("cap (yen)"))
    rounding_unit_yen = models.PositiveIntegerField(_("rounded down to (yen)"), default=1000)

    class Meta:
        verbose_name = _("funding rule")
        verbose_name_plural = _("funding rules")
        ordering = ["call", "track", "continuation_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "track", "continuation_year"], name="calls_funding_rule_unique"
            ),
            models.CheckConstraint(
                condition=Q(rate_basis_points__lte=10000), name="calls_funding_rate_max"
            ),
            models.CheckConstraint(
                condition=Q(rounding_unit_yen__gte=1), name="calls_funding_unit_positive"
            ),
            models.CheckConstraint(
                condition=Q(continuation_year__gte=1), name="calls_funding_year_positive"
            ),
            models.CheckConstraint(
                condition=Q(track__in=Track.values), name="calls_funding_track_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_track_display()} {self.continuation_year}"

    @property
    def rate_percent_label(self) -> str:
        return percent_label(self.rate_basis_points)


class RequiredDocument(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="required_documents")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("document"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["call", "order", "id"]

    def __str__(self) -> str:
        return self.name


class CallCriterion(models.Model):
    """A screening criterion of one call, copied from the guideline's defaults."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"))
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    description = models.TextField(_("description"), blank=True)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=5)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

    class Meta:
        verbose_name = _("screening criterion")
        verbose_name_plural = _("screening criteria")
        ordering = ["call", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="calls_criterion_code_unique"),
            models.CheckConstraint(condition=Q(max_score__gte=1), name="calls_criterion_max_pos"),
        ]

    def __str__(self) -> str:
        return self.name


class ApplicationQuerySet(models.QuerySet["Application"]):
    def submitted(self) -> ApplicationQuerySet:
        return self.exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])


class Application(TimeStampedModel):
    """An application (交付申請 / 提案) by a registered group, alone or jointly."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("applicant organization"),
        on_delete=models.PROTECT,
        related_name="call_applications",
    )
    co_applicants = models.ManyToManyField(
        Organization,
        verbose_name=_("joint applicants"),
        blank=True,
        related_name="joint_call_applications",
    )
    theme = models.ForeignKey(
        "projects.Theme",
        verbose_name=_("answers the city's theme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call_applications",
    )
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    continuation_year = models.PositiveSmallIntegerField(_("year of continuation"), default=1)
    title = models.CharField(_("project title"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    content = models.TextField(_("what you will do"), blank=True)
    target_people = models.TextField(_("who it is for"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    schedule = models.TextField(_("schedule"), blank=True)
    targets = models.TextField(_("targets and indicators"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_on_paper = models.BooleanField(_("entered from a paper application"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paper_received_on = models.DateField(
        _("paper application received on"),
        null=True,
        blank=True,
        help_text=_(
            "For paper applications: the date the city received it (the window applies to this date)."
        ),
    )
    eligibility_outcome = models.CharField(
        _("eligibility check"), max_length=20, choices=EligibilityOutcome.choices, blank=True
    )
    eligibility_reasons = models.TextField(_("reasons"), blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    project_id_created = models.PositiveBigIntegerField(
        _("collaboration project"), null=True, blank=True
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["round", "status"]),
            models.Index(fields=["organization", "-id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values),
                name="calls_application_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(track__in=Track.values), name="calls_application_track_valid"
            ),
            models.CheckConstraint(
                condition=Q(continuation_year__gte=1), name="calls_application_year_positive"
            ),
            models.CheckConstraint(
                condition=Q(entered_on_paper=False) | Q(entered_by__isnull=False),
                name="calls_application_paper_has_enterer",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)


class RoleDivision(models.Model):
    """A row of the proposed role division (役割分担): who does what, in which phase."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="roles")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    party = models.CharField(_("who"), max_length=100)
    role = models.CharField(_("what they do"), max_length=300)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["application", "order", "id"]

    def __str__(self) -> str:
        return f"{self.party}: {self.role}"


class IncomeLine(models.Model):
    """収支予算書 income: by source. The subsidy lines are the requested amount."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="income_lines"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    source = models.CharField(
        pgettext_lazy("budget income", "source"), max_length=20, choices=IncomeSource.choices
    )
    description = models.CharField(_("details"), max_length=200, blank=True)
    amount_yen = models.PositiveBigIntegerField(_("amount (yen)"))

    class Meta:
        verbose_name = _("income line")
        verbose_name_plural = _("income lines")
        ordering = ["application", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=IncomeSource.values), name="calls_income_source_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.amount_yen}"


class ExpenseLine(models.Model):
    """収支予算書 expense: category, unit price × quantity, eligible or not."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="expense_lines"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    category = models.CharField(pgettext_lazy("budget line", "category"), max_length=40)
    description = models.CharField(_("details"), max_length=200, blank=True)
    unit_price_yen = models.PositiveBigIntegerField(_("unit price (yen)"))
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    is_eligible = models.BooleanField(_("eligible for the subsidy"), default=True)

    class Meta:
        verbose_name = _("expense line")
        verbose_name_plural = _("expense lines")
        ordering = ["application", "order", "id"]

    def __str__(self) -> str:
        return f"{self.category} {self.amount_yen}"

    @property
    def amount_yen(self) -> int:
        return int(self.unit_price_yen) * int(self.quantity)


def _application_upload_to(instance: ApplicationDocument, filename: str) -> str:
    return f"calls/applications/{instance.application_id}/{filename}"


class ApplicationDocument(models.Model):
    """A required document uploaded with an application (served by a permission-checked view)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(
        RequiredDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=_application_upload_to)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return self.original_name


class ReviewerAssignment(models.Model):
    """A member of the review committee (審査委員) assigned to one round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reviewer assignment")
        verbose_name_plural = _("reviewer assignments")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "reviewer"], name="calls_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} @ {self.round}"


class ConflictDeclaration(models.Model):
    """A reviewer's own declaration of a conflict of interest with one application."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    reason = models.CharField(_("reason"), max_length=300)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="calls_conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} × {self.application}"


class ScoreSheet(models.Model):
    """One reviewer's scores for one application. Raw scores are kept, never published."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="score_sheets"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="score_sheets"
    )
    comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(_("scored at"))

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="calls_sheet_once")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application}"


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(CallCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="calls_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class PresentationSlot(models.Model):
    """The public presentation (公開プレゼンテーション) slot of an application."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="presentation"
    )
    starts_at = models.DateTimeField(_("starts at"))
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=15)
    place = models.CharField(_("place"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("presentation slot")
        verbose_name_plural = _("presentation slots")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.application} {self.starts_at:%Y-%m-%d %H:%M}"


class Decision(models.Model):
    """The committee's conclusion and the city's own decision, recorded separately.

    `published_*` is the snapshot shown to the public (per-criterion averages and total);
    it is written when the round's results are published, never per-reviewer figures."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="decision"
    )
    committee_conclusion = models.CharField(
        _("committee's conclusion"), max_length=30, choices=Conclusion.choices, blank=True
    )
    committee_comment = models.TextField(_("committee's comments (講評)"), blank=True)
    committee_conditions = models.TextField(_("conditions"), blank=True)
    committee_recorded_at = models.DateTimeField(null=True, blank=True)
    committee_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    city_decision = models.CharField(
        _("city's decision"), max_length=20, choices=CityDecisionChoice.choices, blank=True
    )
    city_reason = models.TextField(_("city's reasons"), blank=True)
    city_amount_yen = models.PositiveBigIntegerField(_("amount allocated (yen)"), default=0)
    city_decided_at = models.DateTimeField(null=True, blank=True)
    city_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_total = models.DecimalField(
        _("published total score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    published_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    published_criteria = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(committee_conclusion__in=[*Conclusion.values, ""]),
                name="calls_decision_conclusion_valid",
            ),
            models.CheckConstraint(
                condition=Q(city_decision__in=[*CityDecisionChoice.values, ""]),
                name="calls_decision_city_valid",
            ),
            # Only an adoption carries an amount (one subsidy, one amount).
            models.CheckConstraint(
                condition=Q(city_decision=CityDecisionChoice.ADOPT) | Q(city_amount_yen=0),
                name="calls_decision_amount_only_when_adopted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.committee_conclusion}/{self.city_decision}"


class Grant(TimeStampedModel):
    """交付決定 → 実績報告 → 額の確定 → 支払. The funding rule is copied at decision time."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="grant")
    status = models.CharField(
        _("status"), max_length=30, choices=GrantStatus.choices, default=GrantStatus.DECIDED
    )
    notice_number = models.CharField(_("notice number"), max_length=40)
    decided_amount_yen = models.PositiveBigIntegerField(_("decided amount (yen)"))
    conditions = models.TextField(_("conditions"), blank=True)
    rate_basis_points = models.PositiveIntegerField(_("rate (basis points)"))
    cap_yen = models.PositiveBigIntegerField(_("cap (yen)"))
    rounding_unit_yen = models.PositiveIntegerField(_("rounded down to (yen)"))
    decided_at = models.DateTimeField(_("decided at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    settlement_results = models.TextField(_("results of the project"), blank=True)
    settlement_participants = models.PositiveIntegerField(
        _("number of participants"), null=True, blank=True
    )
    settlement_submitted_at = models.DateTimeField(null=True, blank=True)
    settlement_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_amount_yen = models.PositiveBigIntegerField(
        _("confirmed amount (yen)"), null=True, blank=True
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_amount_yen = models.PositiveBigIntegerField(_("amount paid (yen)"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=GrantStatus.values), name="calls_grant_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(decided_amount_yen__lte=models.F("cap_yen")),
                name="calls_grant_within_cap",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_amount_yen__isnull=True)
                | Q(confirmed_amount_yen__lte=models.F("decided_amount_yen")),
                name="calls_grant_confirmed_within_decided",
            ),
            # The call's rounding unit holds at every stage (交付決定 and 額の確定).
            models.CheckConstraint(
                condition=Exact(Mod("decided_amount_yen", "rounding_unit_yen"), 0),
                name="calls_grant_decided_in_units",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_amount_yen__isnull=True)
                | Q(Exact(Mod("confirmed_amount_yen", "rounding_unit_yen"), 0)),
                name="calls_grant_confirmed_in_units",
            ),
            models.CheckConstraint(
                condition=Q(rounding_unit_yen__gte=1), name="calls_grant_unit_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice_number} {self.application}"

    @property
    def rate_percent_label(self) -> str:
        return percent_label(self.rate_basis_points)


class ChangeRequest(models.Model):
    """変更承認申請: a changed plan or budget, approved (or not) by the city."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="change_requests")
    description = models.TextField(_("what changes"))
    reason = models.TextField(_("why"))
    new_amount_yen = models.PositiveBigIntegerField(
        _("new grant amount (yen)"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the amount does not change."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("city's note"), blank=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["grant", "-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ChangeRequestStatus.values),
                name="calls_change_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grant}: {self.get_status_display()}"


def _receipt_upload_to(instance: SettlementLine, filename: str) -> str:
    return f"calls/grants/{instance.grant_id}/{filename}"


class SettlementLine(models.Model):
    """収支決算書: an actual expense with its receipt."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="settlement_lines")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    category = models.CharField(pgettext_lazy("budget line", "category"), max_length=40)
    description = models.CharField(_("details"), max_length=200, blank=True)
    amount_yen = models.PositiveBigIntegerField(_("amount spent (yen)"))
    is_eligible = models.BooleanField(_("eligible for the subsidy"), default=True)
    receipt = models.FileField(_("receipt"), upload_to=_receipt_upload_to, blank=True)
    receipt_name = models.CharField(_("receipt file name"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("actual expense")
        verbose_name_plural = _("actual expenses")
        ordering = ["grant", "order", "id"]

    def __str__(self) -> str:
        return f"{self.category} {self.amount_yen}"
