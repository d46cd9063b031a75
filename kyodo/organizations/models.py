"""Organizations of every actor type — groups, businesses, and the city's departments —
and people's memberships in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
        OrganizationType,
        verbose_name=_("type"),
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    legal_personality = models.CharField(_("legal personality"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    member_count = models.PositiveIntegerField(_("number of members"), null=True, blank=True)
    founded_year = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    fields = models.ManyToManyField(Field, verbose_name=_("fields of activity"), blank=True)
    districts = models.ManyToManyField(
        District, verbose_name=pgettext_lazy("organization activity", "districts"), blank=True
    )
    website = models.URLField(_("website"), blank=True)
    public_email = models.EmailField(_("public e-mail"), blank=True)
    public_phone = models.CharField(_("public phone"), max_length=30, blank=True)
    public_address = models.CharField(_("public address"), max_length=200, blank=True)
    # For documents a clerk files (協定書): the registered details, not the public display name.
    legal_name = models.CharField(
        _("legal name"),
        max_length=150,
        blank=True,
        help_text=_("As registered (for example 特定非営利活動法人〇〇). Printed on agreements."),
    )
    legal_address = models.CharField(_("registered address"), max_length=200, blank=True)
    representative_title = models.CharField(_("representative's title"), max_length=60, blank=True)
    representative_name = models.CharField(_("representative's name"), max_length=60, blank=True)
    logo = models.ImageField(_("logo"), upload_to="org-logos/", blank=True)
    based_in_city = models.BooleanField(_("based in the city"), default=True)
    # Registration (団体登録): provisional online, verified by a coordinator (本登録),
    # expiring at the end of the fiscal year unless renewed.
    registration_status = models.CharField(
        pgettext_lazy("organization registration", "registration"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PROVISIONAL,
        db_index=True,
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
    activity_bases = models.TextField(
        _("activity bases"),
        blank=True,
        help_text=_("Where the group meets or works, e.g. 公民館, 集会所."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Normalised (NFKC, lower case, katakana → hiragana) name, kana and description for the
    # substring search; maintained by kyodo.organizations.services.
    search_text = models.TextField(_("search text"), blank=True, editable=False)

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
    ACTIVE = "active", pgettext_lazy("membership status", "Active")
    INVITED = "invited", _("Invited")
    REQUESTED = "requested", _("Asked to join")
    LEFT = "left", _("Left")


class Membership(TimeStampedModel):
    """A person in an organization. For a city department, its staff."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    title = models.CharField(
        _("office title"), max_length=40, blank=True, help_text=_("e.g. 副代表, 会計担当, 監査担当")
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="organizations_membership_unique"
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(role="representative", status="active"),
                name="organizations_one_active_representative",
            ),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values),
                name="organizations_membership_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=MembershipStatus.values),
                name="organizations_membership_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"


class RegistrationRenewal(models.Model):
    """One renewal (更新) of a group's registration: the fiscal year it carries the
    registration into. Unique per (group, fiscal year): a fiscal year's registration renews
    once, so a second click cannot move the expiry a second year."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="renewals"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year renewed for"))
    renewed_at = models.DateTimeField(_("renewed at"))
    renewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("registration renewal")
        verbose_name_plural = _("registration renewals")
        ordering = ["organization", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "fiscal_year"],
                name="organizations_renewal_once_per_fiscal_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.fiscal_year}"


class DocumentKind(models.TextChoices):
    RULES = "rules", _("Rules (規約・会則)")
    ROSTER = "roster", _("Member list (名簿)")
    OTHER = "other", _("Other document")


class OrganizationDocument(TimeStampedModel):
    """A private document of the group (規約, 名簿): seen only by its managers and city staff,
    served only through a permission-checked view."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to="org-docs/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("organization document")
        verbose_name_plural = _("organization documents")
        ordering = ["organization", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="organizations_document_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.original_name}"


class Invitation(TimeStampedModel):
    """An invitation by e-mail to join an organization; accepted through a signed link."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="representative"),
                name="organizations_invitation_not_representative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.email}"

    @property
    def is_open(self) -> bool:
        from django.utils import timezone

        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class OfferKind(models.TextChoices):
    OFFER = "offer", _("We can offer")
    NEED = "need", _("We are looking for")


class OfferCategory(models.TextChoices):
    SKILLS = "skills", _("Skills and know-how")
    VENUE = "venue", _("Venue")
    EQUIPMENT = "equipment", pgettext_lazy("offer category", "Equipment")
    VOLUNTEERS = "volunteers", _("Volunteers")
    FUNDING = "funding", _("Funding")
    OTHER = "other", _("Other")


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class OfferNeed(TimeStampedModel):
    """できること・してほしいこと: what a group or business can offer, or needs."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="offers_needs"
    )
    kind = models.CharField(_("offer or need"), max_length=10, choices=OfferKind.choices)
    category = models.CharField(_("category"), max_length=20, choices=OfferCategory.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("details"))
    fields = models.ManyToManyField(Field, verbose_name=_("fields"), blank=True)
    districts = models.ManyToManyField(
        District, verbose_name=pgettext_lazy("organization activity", "districts"), blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    class Meta:
        verbose_name = _("offer or need")
        verbose_name_plural = _("offers and needs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "kind", "-created_at", "-id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OfferKind.values), name="organizations_offer_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(category__in=OfferCategory.values),
                name="organizations_offer_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=OfferStatus.values), name="organizations_offer_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == OfferStatus.OPEN


class ContactStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ContactRequest(TimeStampedModel):
    """A message to an organization through the platform: nobody's e-mail address is shown.
    The conversation continues with ContactMessage rows."""

    to_organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="contact_requests"
    )
    from_organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sent_contact_requests",
    )
    offer_need = models.ForeignKey(
        OfferNeed, null=True, blank=True, on_delete=models.SET_NULL, related_name="contact_requests"
    )
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(_("subject"), max_length=120)
    body = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=10, choices=ContactStatus.choices, default=ContactStatus.OPEN
    )

    class Meta:
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ContactStatus.values),
                name="organizations_contact_status_valid",
            )
        ]

    def __str__(self) -> str:
        return self.subject


class ContactMessage(TimeStampedModel):
    request = models.ForeignKey(ContactRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("message"))

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request}: {self.body[:30]}"
