"""Organizations of every actor type — groups, businesses, and the city's departments —
and people's memberships in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kyodo.core.models import TimeStampedModel
from kyodo.guideline.models import District, Field, OrganizationType


class RegistrationStatus(models.TextChoices):
    PROVISIONAL = "provisional", _("Provisionally registered")
    VERIFIED = "verified", _("Verified by the city")
    EXPIRED = "expired", _("Registration expired")
    SUSPENDED = "suspended", _("Suspended")


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def departments(self) -> OrganizationQuerySet:
        return self.filter(org_type__actor_type__is_government=True)

    def groups(self) -> OrganizationQuerySet:
        return self.filter(org_type__actor_type__is_government=False)

    def public(self) -> OrganizationQuerySet:
        return self.exclude(registration_status=RegistrationStatus.SUSPENDED)


class Organization(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    kana = models.CharField(
        _("name in kana"), max_length=200, help_text=_("Used for sorting, in hiragana.")
    )
    org_type = models.ForeignKey(
        OrganizationType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="organizations"
    )
    legal_personality = models.CharField(_("legal personality"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    member_count = models.PositiveIntegerField(_("number of members"), null=True, blank=True)
    founded_year = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    fields = models.ManyToManyField(Field, verbose_name=_("fields of activity"), blank=True)
    districts = models.ManyToManyField(District, verbose_name=_("districts"), blank=True)
    website = models.URLField(_("website"), blank=True)
    public_email = models.EmailField(_("public e-mail"), blank=True)
    public_phone = models.CharField(_("public phone"), max_length=30, blank=True)
    public_address = models.CharField(_("public address"), max_length=200, blank=True)
    logo = models.ImageField(_("logo"), upload_to="org-logos/", blank=True)
    based_in_city = models.BooleanField(_("based in the city"), default=True)
    # Registration (団体登録): provisional online, verified by a coordinator (本登録),
    # expiring at the end of the fiscal year unless renewed.
    registration_status = models.CharField(
        _("registration"), max_length=20, choices=RegistrationStatus.choices,
        default=RegistrationStatus.PROVISIONAL, db_index=True,
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registration_expires_on = models.DateField(_("registration expires on"), null=True, blank=True)
    declared_not_political = models.BooleanField(_("not a political organization"), default=False)
    declared_not_religious = models.BooleanField(_("not a religious organization"), default=False)
    declared_no_antisocial_ties = models.BooleanField(
        _("no ties to organized crime (暴力団)"), default=False
    )
    declarations_at = models.DateTimeField(_("declarations made at"), null=True, blank=True)
    # The department that runs collaboration city-wide (地域づくり推進課): its staff are
    # the coordinators.
    is_coordinating_department = models.BooleanField(_("coordinates collaboration"), default=False)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["kana", "id"]
        indexes = [
            models.Index(fields=["kana", "id"]),
            models.Index(fields=["registration_status", "kana", "id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(registration_status__in=RegistrationStatus.values),
                name="organizations_registration_status_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_department(self) -> bool:
        return bool(self.org_type.actor_type.is_government)

    @property
    def is_verified(self) -> bool:
        return self.registration_status == RegistrationStatus.VERIFIED


class MembershipRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("Representative")
    OFFICER = "officer", _("Officer")
    MEMBER = "member", _("Member")
    CLERK = "clerk", _("Administrator")


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INVITED = "invited", _("Invited")
    REQUESTED = "requested", _("Asked to join")
    LEFT = "left", _("Left")


class Membership(TimeStampedModel):
    """A person in an organization. For a city department, its staff."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    status = models.CharField(
        _("status"), max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    title = models.CharField(
        _("office title"), max_length=40, blank=True, help_text=_("e.g. 副代表, 会計担当, 監査担当")
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="organizations_membership_unique"),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(role="representative", status="active"),
                name="organizations_one_active_representative",
            ),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="organizations_membership_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MembershipStatus.values),
                name="organizations_membership_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"
