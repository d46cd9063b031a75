"""Every write about organizations: registration and verification, renewal and expiry,
profile, logo and documents, memberships (invitations, join requests, roles, hand-over),
offers & needs and contact requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kyodo.accounts.models import User
from kyodo.core.audit import record_event
from kyodo.core.formatting import date_ja, fiscal_year_bounds, fiscal_year_of
from kyodo.core.hooks import content_changed
from kyodo.core.uploads import clean_document, clean_image
from kyodo.notifications.services import notify
from kyodo.organizations.models import (
    ContactMessage,
    ContactRequest,
    ContactStatus,
    Invitation,
    Membership,
    MembershipRole,
    MembershipStatus,
    OfferNeed,
    OfferStatus,
    Organization,
    OrganizationDocument,
    RegistrationRenewal,
    RegistrationStatus,
)
from kyodo.organizations.predicates import forget_memberships
from kyodo.organizations.text import normalise

INVITATION_SALT = "kyodo.organizations.invitation"
INVITATION_DAYS = 14
MANAGER_ROLES = (MembershipRole.REPRESENTATIVE, MembershipRole.OFFICER, MembershipRole.CLERK)

# Fields a manager may edit on the profile (public contact is what the group chooses to show).
PROFILE_FIELDS = (
    "name",
    "kana",
    "legal_personality",
    "description",
    "member_count",
    "founded_year",
    "activity_bases",
    "website",
    "public_email",
    "public_phone",
    "public_address",
    "legal_name",
    "legal_address",
    "representative_title",
    "representative_name",
    "based_in_city",
)


def _require(actor: Any, perm: str, obj: Any = None) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def fiscal_year_end(day: dt.date) -> dt.date:
    return fiscal_year_bounds(fiscal_year_of(day))[1]


def search_text_for(org: Organization) -> str:
    return normalise(
        f"{org.name} {org.kana} {org.legal_personality} {org.description} {org.activity_bases}"
    )


def _save_searchable(org: Organization, update_fields: list[str] | None = None) -> None:
    org.search_text = search_text_for(org)
    if update_fields is not None:
        update_fields = [*update_fields, "search_text", "updated_at"]
    org.save(update_fields=update_fields)
    content_changed(org)


def managers_of(org: Organization) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            organization=org, status=MembershipStatus.ACTIVE, role__in=MANAGER_ROLES
        ).select_related("user")
    ]


def _url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def _check_declarations(declarations: dict[str, bool]) -> None:
    required = ("declared_not_political", "declared_not_religious", "declared_no_antisocial_ties")
    if not all(declarations.get(k) for k in required):
        raise ValidationError(
            _("Please confirm all three declarations to register the group."), code="declarations"
        )


# --- Registration -------------------------------------------------------------------------


def register_organization(
    *,
    actor: User,
    fields: Iterable[Any] = (),
    districts: Iterable[Any] = (),
    declarations: dict[str, bool],
    **values: Any,
) -> Organization:
    """Provisional registration (仮登録). The person registering becomes the representative."""
    _require(actor, "organizations.add_organization")
    org_type = values.get("org_type")
    if org_type is None or org_type.actor_type.is_government:
        raise ValidationError(_("Choose the type of your organization."), code="org_type")
    _check_declarations(declarations)
    now = timezone.now()
    with transaction.atomic():
        org = Organization(
            org_type=org_type,
            registration_status=RegistrationStatus.PROVISIONAL,
            registration_expires_on=fiscal_year_end(timezone.localdate()),
            declarations_at=now,
            registered_by=actor,
            **{k: v for k, v in values.items() if k in PROFILE_FIELDS},
            **{k: bool(v) for k, v in declarations.items()},
        )
        org.full_clean(exclude=["search_text", "logo"])
        _save_searchable(org)
        org.fields.set(list(fields))
        org.districts.set(list(districts))
        Membership.objects.create(user=actor, organization=org, role=MembershipRole.REPRESENTATIVE)
        forget_memberships(actor)
        record_event(
            actor=actor,
            verb="organizations.organization.register",
            target=org,
            to_state=RegistrationStatus.PROVISIONAL,
            data={k: bool(v) for k, v in declarations.items()},
        )
        coordinators = User.objects.filter(
            memberships__organization__is_coordinating_department=True,
            memberships__status=MembershipStatus.ACTIVE,
        ).distinct()
        notify(
            recipients=coordinators,
            kind="organizations.registered",
            subject=_("New group registration: %(name)s") % {"name": org.name},
            url=_url("organizations:detail", org.pk),
        )
    return org


def update_organization(
    *,
    actor: User,
    org: Organization,
    fields: Iterable[Any] | None = None,
    districts: Iterable[Any] | None = None,
    **values: Any,
) -> Organization:
    _require(actor, "organizations.change_organization", org)
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=org.pk)
        for k, v in values.items():
            setattr(org, k, v)
        org.full_clean(exclude=["search_text", "logo"])
        _save_searchable(org, list(values))
        if fields is not None:
            org.fields.set(list(fields))
        if districts is not None:
            org.districts.set(list(districts))
        record_event(
            actor=actor,
            verb="organizations.organization.update",
            target=org,
            data={"fields": sorted(values)},
        )
    return org


def set_logo(*, actor: User, org: Organization, upload: UploadedFile | None) -> Organization:
    """Replace (or with None remove) the logo; the image is validated and re-encoded."""
    _require(actor, "organizations.change_organization", org)
    clean = clean_image(upload) if upload is not None else None
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=org.pk)
        old = org.logo.name if org.logo else ""
        if clean is None:
            org.logo = None  # type: ignore[assignment]
        else:
            org.logo.save(clean.content.name or "logo.png", clean.content, save=False)
        org.save(update_fields=["logo", "updated_at"])
        record_event(actor=actor, verb="organizations.organization.set_logo", target=org)
        if old:
            storage = org.logo.storage
            transaction.on_commit(lambda: storage.delete(old))
    return org


def verify_organization(*, actor: User, org: Organization) -> Organization:
    """本登録: a coordinator confirms the group; the badge shows until the fiscal year ends."""
    with transaction.atomic():
        org = (
            Organization.objects.select_for_update()
            .select_related("org_type__actor_type")
            .get(pk=org.pk)
        )
        _require(actor, "organizations.verify_organization", org)
        # Superusers pass every rule, so the state is checked here too.
        if org.is_department or org.registration_status not in (
            RegistrationStatus.PROVISIONAL,
            RegistrationStatus.EXPIRED,
        ):
            raise ValidationError(_("This registration cannot be confirmed now."), code="state")
        before = org.registration_status
        org.registration_status = RegistrationStatus.VERIFIED
        org.verified_at = timezone.now()
        org.verified_by = actor
        expires = org.registration_expires_on
        if expires is None or expires < timezone.localdate():
            org.registration_expires_on = fiscal_year_end(timezone.localdate())
        org.save(
            update_fields=[
                "registration_status",
                "verified_at",
                "verified_by",
                "registration_expires_on",
                "updated_at",
            ]
        )
        content_changed(org)
        record_event(
            actor=actor,
            verb="organizations.organization.verify",
            target=org,
            from_state=before,
            to_state=org.registration_status,
        )
        notify(
            recipients=managers_of(org),
            kind="organizations.verified",
            subject=_("%(name)s is now registered with the city") % {"name": org.name},
            url=_url("organizations:detail", org.pk),
        )
    return org


def suspend_organization(*, actor: User, org: Organization, reason: str) -> Organization:
    with transaction.atomic():
        org = (
            Organization.objects.select_for_update()
            .select_related("org_type__actor_type")
            .get(pk=org.pk)
        )
        _require(actor, "organizations.suspend_organization", org)
        if org.is_department:
            raise ValidationError(_("A city department cannot be suspended."), code="department")
        if not reason.strip():
            raise ValidationError(
                _("Give the reason for suspending the registration."), code="reason"
            )
        before = org.registration_status
        org.registration_status = RegistrationStatus.SUSPENDED
        org.save(update_fields=["registration_status", "updated_at"])
        content_changed(org)
        record_event(
            actor=actor,
            verb="organizations.organization.suspend",
            target=org,
            from_state=before,
            to_state=org.registration_status,
            data={"reason": reason[:500]},
        )
        notify(
            recipients=managers_of(org),
            kind="organizations.suspended",
            subject=_("The registration of %(name)s has been suspended") % {"name": org.name},
            body=reason,
            url=_url("organizations:detail", org.pk),
        )
    return org


def renewal_problem(org: Organization, *, today: dt.date | None = None) -> str | None:
    """Why this group cannot renew now, or None. The organization page shows the button only
    when this is None, and `renew_registration` refuses with exactly this message: a
    registration is renewed at most into the fiscal year after the current one, once."""
    today = today or timezone.localdate()
    if org.is_department:
        return _("City departments are not registered.")
    if org.registration_status == RegistrationStatus.SUSPENDED:
        return _("A suspended registration cannot be renewed. Please contact the city.")
    next_year_end = fiscal_year_bounds(fiscal_year_of(today) + 1)[1]
    if org.registration_expires_on and org.registration_expires_on >= next_year_end:
        return _(
            "The registration is already renewed: it is valid until %(date)s. "
            "It can be renewed once a fiscal year."
        ) % {"date": date_ja(org.registration_expires_on)}
    return None


def renewal_target(org: Organization, *, today: dt.date) -> dt.date:
    """The expiry a renewal today gives: the end of the fiscal year after the registration's
    current one (or after today's, for an expired registration)."""
    start = today
    if org.registration_expires_on and org.registration_expires_on >= today:
        start = org.registration_expires_on + dt.timedelta(days=1)
    return fiscal_year_end(start)


def renew_registration(
    *, actor: User, org: Organization, declarations: dict[str, bool]
) -> Organization:
    """更新: the group declares again. A verified group stays verified for the next fiscal
    year; an expired one becomes provisional until a coordinator verifies it again."""
    _check_declarations(declarations)
    with transaction.atomic():
        org = (
            Organization.objects.select_for_update()
            .select_related("org_type__actor_type")
            .get(pk=org.pk)
        )
        _require(actor, "organizations.renew_organization", org)
        today = timezone.localdate()
        problem = renewal_problem(org, today=today)
        if problem:
            raise ValidationError(problem, code="not_renewable")
        before = org.registration_status
        org.registration_expires_on = renewal_target(org, today=today)
        # The constraint organizations_renewal_once_per_fiscal_year is the backstop.
        RegistrationRenewal.objects.create(
            organization=org,
            fiscal_year=fiscal_year_of(org.registration_expires_on),
            renewed_at=timezone.now(),
            renewed_by=actor,
        )
        if before == RegistrationStatus.EXPIRED:
            org.registration_status = RegistrationStatus.PROVISIONAL
        for k, v in declarations.items():
            setattr(org, k, bool(v))
        org.declarations_at = timezone.now()
        org.save()
        content_changed(org)
        record_event(
            actor=actor,
            verb="organizations.organization.renew",
            target=org,
            from_state=before,
            to_state=org.registration_status,
            data={"expires_on": org.registration_expires_on.isoformat()},
        )
    return org


def expire_registrations(*, today: dt.date | None = None) -> int:
    """Mark every registration past its expiry date as expired (run daily; the system acts)."""
    today = today or timezone.localdate()
    count = 0
    ids = list(
        Organization.objects.filter(
            registration_expires_on__lt=today,
            registration_status__in=[RegistrationStatus.VERIFIED, RegistrationStatus.PROVISIONAL],
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            org = Organization.objects.select_for_update().get(pk=pk)
            if org.registration_expires_on is None or org.registration_expires_on >= today:
                continue
            if org.registration_status not in (
                RegistrationStatus.VERIFIED,
                RegistrationStatus.PROVISIONAL,
            ):
                continue
            before = org.registration_status
            org.registration_status = RegistrationStatus.EXPIRED
            org.save(update_fields=["registration_status", "updated_at"])
            content_changed(org)
            record_event(
                actor=None,
                verb="organizations.organization.expire",
                target=org,
                from_state=before,
                to_state=org.registration_status,
            )
            notify(
                recipients=managers_of(org),
                kind="organizations.expired",
                subject=_("The registration of %(name)s has expired. Please renew it.")
                % {"name": org.name},
                url=_url("organizations:renew", org.pk),
            )
            count += 1
    return count


# --- Documents -----------------------------------------------------------------------------


def add_document(
    *, actor: User, org: Organization, kind: str, upload: UploadedFile
) -> OrganizationDocument:
    _require(actor, "organizations.add_organizationdocument", org)
    clean = clean_document(upload)
    with transaction.atomic():
        doc = OrganizationDocument(
            organization=org,
            kind=kind,
            original_name=clean.original_name,
            content_type=clean.content_type,
            uploaded_by=actor,
        )
        doc.file.save(clean.content.name or "document", clean.content, save=False)
        doc.full_clean()
        doc.save()
        record_event(
            actor=actor,
            verb="organizations.document.add",
            target=org,
            data={"kind": kind, "document": doc.pk},
        )
    return doc


def delete_document(*, actor: User, document: OrganizationDocument) -> None:
    _require(actor, "organizations.add_organizationdocument", document.organization)
    with transaction.atomic():
        name = document.file.name
        storage = document.file.storage
        record_event(
            actor=actor,
            verb="organizations.document.delete",
            target=document.organization,
            data={"kind": document.kind, "document": document.pk},
        )
        document.delete()
        transaction.on_commit(lambda: storage.delete(name))


# --- Memberships -----------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "e": invitation.email}, salt=INVITATION_SALT)


def invite_member(
    *, actor: User, org: Organization, email: str, role: str = MembershipRole.MEMBER
) -> Invitation:
    _require(actor, "organizations.change_membership", org)
    if role == MembershipRole.REPRESENTATIVE:
        raise ValidationError(
            _("The representative role is handed over, not given by invitation."), code="role"
        )
    email = email.strip().lower()
    if Membership.objects.filter(
        organization=org, user__email__iexact=email, status=MembershipStatus.ACTIVE
    ).exists():
        raise ValidationError(_("This person is already a member."), code="already_member")
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organization=org,
            email=email,
            role=role,
            invited_by=actor,
            expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
        )
        link = settings.SITE_URL.rstrip("/") + _url(
            "organizations:invitation-accept", invitation_token(invitation)
        )
        body = _(
            "%(who)s invited you to join %(org)s on Kyodo, the collaboration site of the city.\n\n"
            "Open this link within 14 days to accept (log in or sign up first with this address):\n%(link)s"
        ) % {"who": actor.public_name, "org": org.name, "link": link}
        subject = _("Invitation to join %(org)s") % {"org": org.name}
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        )
        record_event(
            actor=actor, verb="organizations.invitation.create", target=org, data={"role": role}
        )
    return invitation


def _load_invitation(token: str) -> Invitation:
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_DAYS * 86400)
    except signing.BadSignature as exc:
        raise ValidationError(
            _("This invitation link is not valid or has expired."), code="invalid"
        ) from exc
    invitation = (
        Invitation.objects.select_related("organization")
        .filter(pk=data.get("i"), email=data.get("e"))
        .first()
    )
    if invitation is None:
        raise ValidationError(
            _("This invitation link is not valid or has expired."), code="invalid"
        )
    return invitation


def get_invitation(token: str) -> Invitation:
    return _load_invitation(token)


def accept_invitation(*, actor: User, token: str) -> Membership:
    invitation = _load_invitation(token)
    if actor.email.lower() != invitation.email.lower():
        raise ValidationError(
            _(
                "This invitation was sent to another e-mail address. Log in with that address to accept it."
            ),
            code="wrong_user",
        )
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise ValidationError(
                _("This invitation link is not valid or has expired."), code="closed"
            )
        membership = (
            Membership.objects.select_for_update()
            .filter(user=actor, organization=invitation.organization)
            .first()
        )
        if membership is None:
            membership = Membership(user=actor, organization=invitation.organization)
        before = membership.status if membership.pk else ""
        membership.role = invitation.role
        membership.status = MembershipStatus.ACTIVE
        membership.save()
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = actor
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        forget_memberships(actor)
        record_event(
            actor=actor,
            verb="organizations.membership.accept_invitation",
            target=invitation.organization,
            from_state=before,
            to_state=MembershipStatus.ACTIVE,
            data={"role": invitation.role},
        )
    return membership


def revoke_invitation(*, actor: User, invitation: Invitation) -> Invitation:
    _require(actor, "organizations.change_membership", invitation.organization)
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
        record_event(
            actor=actor, verb="organizations.invitation.revoke", target=invitation.organization
        )
    return invitation


def request_to_join(*, actor: User, org: Organization, message: str = "") -> Membership:
    _require(actor, "organizations.join_organization", org)
    if org.is_department:
        raise ValidationError(_("City departments cannot be joined by request."), code="department")
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(user=actor, organization=org).first()
        )
        if membership is not None and membership.status in (
            MembershipStatus.ACTIVE,
            MembershipStatus.REQUESTED,
        ):
            raise ValidationError(_("You have already asked to join this group."), code="duplicate")
        if membership is None:
            membership = Membership(user=actor, organization=org)
        membership.role = MembershipRole.MEMBER
        membership.status = MembershipStatus.REQUESTED
        try:
            with transaction.atomic():
                membership.save()
        except IntegrityError as exc:
            raise ValidationError(
                _("You have already asked to join this group."), code="duplicate"
            ) from exc
        record_event(
            actor=actor,
            verb="organizations.membership.request",
            target=org,
            to_state=MembershipStatus.REQUESTED,
        )
        notify(
            recipients=managers_of(org),
            kind="organizations.join_requested",
            subject=_("%(who)s asked to join %(org)s")
            % {"who": actor.public_name, "org": org.name},
            body=message[:1000],
            url=_url("organizations:members", org.pk),
        )
    return membership


def decide_join_request(*, actor: User, membership: Membership, approve: bool) -> Membership:
    _require(actor, "organizations.change_membership", membership.organization)
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("organization", "user")
            .get(pk=membership.pk)
        )
        if membership.status != MembershipStatus.REQUESTED:
            raise ValidationError(
                pgettext("join request", "This request has already been answered."), code="answered"
            )
        membership.status = MembershipStatus.ACTIVE if approve else MembershipStatus.LEFT
        membership.save(update_fields=["status", "updated_at"])
        forget_memberships(membership.user)
        record_event(
            actor=actor,
            verb="organizations.membership." + ("approve" if approve else "decline"),
            target=membership.organization,
            from_state=MembershipStatus.REQUESTED,
            to_state=membership.status,
            data={"membership": membership.pk},
        )
        org = membership.organization
        notify(
            recipients=[membership.user],
            kind="organizations.join_answered",
            subject=(
                _("You are now a member of %(org)s")
                if approve
                else _("Your request to join %(org)s was not accepted")
            )
            % {"org": org.name},
            url=_url("organizations:detail", org.pk),
        )
    return membership


def change_member_role(
    *, actor: User, membership: Membership, role: str, title: str = ""
) -> Membership:
    _require(actor, "organizations.change_membership", membership.organization)
    if role == MembershipRole.REPRESENTATIVE or membership.role == MembershipRole.REPRESENTATIVE:
        raise ValidationError(
            _("Use the hand-over to change the representative."), code="representative"
        )
    if role not in MembershipRole.values:
        raise ValidationError(_("Choose a role."), code="role")
    with transaction.atomic():
        before = membership.role
        membership.role = role
        membership.title = title.strip()[:40]
        membership.save(update_fields=["role", "title", "updated_at"])
        forget_memberships(membership.user)
        record_event(
            actor=actor,
            verb="organizations.membership.change_role",
            target=membership.organization,
            from_state=before,
            to_state=role,
            data={"membership": membership.pk},
        )
    return membership


def remove_member(*, actor: User, membership: Membership) -> Membership:
    """A manager removes a member, or a member leaves (actor == membership.user)."""
    org = membership.organization
    if actor.pk == membership.user_id:
        _require(actor, "organizations.leave_organization", org)
    else:
        _require(actor, "organizations.change_membership", org)
    if (
        membership.role == MembershipRole.REPRESENTATIVE
        and membership.status == MembershipStatus.ACTIVE
    ):
        raise ValidationError(
            _("The representative cannot leave. Hand the role over first."), code="representative"
        )
    with transaction.atomic():
        before = membership.status
        membership.status = MembershipStatus.LEFT
        membership.save(update_fields=["status", "updated_at"])
        forget_memberships(membership.user)
        record_event(
            actor=actor,
            verb="organizations.membership.leave",
            target=org,
            from_state=before,
            to_state=MembershipStatus.LEFT,
            data={"membership": membership.pk},
        )
    return membership


def hand_over_representative(*, actor: User, org: Organization, to_user: User) -> Membership:
    """One transaction: the current representative becomes an officer, the new one (an
    active member) becomes representative. The database allows one active representative."""
    _require(actor, "organizations.handover_organization", org)
    with transaction.atomic():
        rows = {
            m.user_id: m
            for m in Membership.objects.select_for_update().filter(
                organization=org, status=MembershipStatus.ACTIVE
            )
        }
        new = rows.get(to_user.pk)
        if new is None:
            raise ValidationError(_("Choose an active member of the group."), code="not_member")
        current = next((m for m in rows.values() if m.role == MembershipRole.REPRESENTATIVE), None)
        if current is not None and current.pk == new.pk:
            raise ValidationError(_("This person is already the representative."), code="same")
        if current is not None:
            current.role = MembershipRole.OFFICER
            current.title = current.title or "前代表"
            current.save(update_fields=["role", "title", "updated_at"])
            forget_memberships(current.user)
        new.role = MembershipRole.REPRESENTATIVE
        new.title = ""
        new.save(update_fields=["role", "title", "updated_at"])
        forget_memberships(to_user)
        forget_memberships(actor)
        record_event(
            actor=actor,
            verb="organizations.membership.hand_over",
            target=org,
            from_state=str(current.user_id if current else ""),
            to_state=str(to_user.pk),
        )
        notify(
            recipients=[to_user],
            kind="organizations.handed_over",
            subject=_("You are now the representative of %(org)s") % {"org": org.name},
            url=_url("organizations:detail", org.pk),
        )
    return new


# --- Offers & needs --------------------------------------------------------------------------


def _offer_search_text(offer: OfferNeed) -> str:
    return normalise(f"{offer.title} {offer.body}")


def create_offer_need(
    *,
    actor: User,
    org: Organization,
    kind: str,
    category: str,
    title: str,
    body: str,
    fields: Iterable[Any] = (),
    districts: Iterable[Any] = (),
) -> OfferNeed:
    _require(actor, "organizations.add_offerneed", org)
    with transaction.atomic():
        offer = OfferNeed(
            organization=org,
            kind=kind,
            category=category,
            title=title.strip(),
            body=body.strip(),
            created_by=actor,
        )
        offer.search_text = _offer_search_text(offer)
        offer.full_clean(exclude=["search_text"])
        offer.save()
        offer.fields.set(list(fields))
        offer.districts.set(list(districts))
        content_changed(offer)
        record_event(
            actor=actor, verb="organizations.offerneed.create", target=offer, to_state=offer.status
        )
    return offer


def update_offer_need(
    *,
    actor: User,
    offer: OfferNeed,
    kind: str,
    category: str,
    title: str,
    body: str,
    fields: Iterable[Any] = (),
    districts: Iterable[Any] = (),
) -> OfferNeed:
    _require(actor, "organizations.change_offerneed", offer)
    with transaction.atomic():
        offer.kind, offer.category, offer.title, offer.body = (
            kind,
            category,
            title.strip(),
            body.strip(),
        )
        offer.search_text = _offer_search_text(offer)
        offer.full_clean(exclude=["search_text"])
        offer.save()
        offer.fields.set(list(fields))
        offer.districts.set(list(districts))
        content_changed(offer)
        record_event(actor=actor, verb="organizations.offerneed.update", target=offer)
    return offer


def set_offer_status(*, actor: User, offer: OfferNeed, status: str) -> OfferNeed:
    _require(actor, "organizations.change_offerneed", offer)
    with transaction.atomic():
        offer = OfferNeed.objects.select_for_update().get(pk=offer.pk)
        before = offer.status
        if before == status:
            return offer
        offer.status = status
        offer.closed_at = timezone.now() if status == OfferStatus.CLOSED else None
        offer.save(update_fields=["status", "closed_at", "updated_at"])
        content_changed(offer)
        record_event(
            actor=actor,
            verb="organizations.offerneed."
            + ("close" if status == OfferStatus.CLOSED else "reopen"),
            target=offer,
            from_state=before,
            to_state=status,
        )
    return offer


# --- Contact requests ------------------------------------------------------------------------


def send_contact_request(
    *,
    actor: User,
    to_org: Organization,
    subject: str,
    body: str,
    offer_need: OfferNeed | None = None,
    from_org: Organization | None = None,
) -> ContactRequest:
    _require(actor, "organizations.add_contactrequest", to_org)
    if from_org is not None and not actor.has_perm("organizations.change_membership", from_org):
        raise PermissionDenied
    if offer_need is not None and offer_need.organization_id != to_org.pk:
        raise ValidationError(_("This post belongs to another organization."), code="offer")
    if from_org is not None and from_org.pk == to_org.pk:
        raise ValidationError(_("Choose another organization to contact."), code="same_org")
    if not subject.strip() or not body.strip():
        raise ValidationError(_("Write a subject and a message."), code="empty")
    with transaction.atomic():
        contact = ContactRequest.objects.create(
            to_organization=to_org,
            from_organization=from_org,
            offer_need=offer_need,
            sender=actor,
            subject=subject.strip()[:120],
            body=body.strip(),
        )
        record_event(actor=actor, verb="organizations.contactrequest.create", target=contact)
        notify(
            recipients=managers_of(to_org),
            kind="organizations.contact_request",
            subject=_("A message for %(org)s: %(subject)s")
            % {"org": to_org.name, "subject": contact.subject},
            url=_url("organizations:contact-detail", contact.pk),
        )
    return contact


def reply_to_contact_request(*, actor: User, contact: ContactRequest, body: str) -> ContactMessage:
    _require(actor, "organizations.reply_contactrequest", contact)
    if not body.strip():
        raise ValidationError(_("Write a message."), code="empty")
    with transaction.atomic():
        contact = (
            ContactRequest.objects.select_for_update(of=("self",))
            .select_related("to_organization", "from_organization")
            .get(pk=contact.pk)
        )
        if contact.status == ContactStatus.CLOSED:
            raise ValidationError(_("This conversation is closed."), code="closed")
        message = ContactMessage.objects.create(request=contact, author=actor, body=body.strip())
        contact.save(update_fields=["updated_at"])
        record_event(actor=actor, verb="organizations.contactrequest.reply", target=contact)
        # Everyone else in the conversation hears about it; no e-mail address is exchanged.
        recipients = {contact.sender_id: contact.sender} if contact.sender_id != actor.pk else {}
        for user in managers_of(contact.to_organization):
            recipients.setdefault(user.pk, user)
        if contact.from_organization is not None:
            for user in managers_of(contact.from_organization):
                recipients.setdefault(user.pk, user)
        notify(
            recipients=recipients.values(),
            kind="organizations.contact_reply",
            exclude=actor,
            subject=_("New reply: %(subject)s") % {"subject": contact.subject},
            url=_url("organizations:contact-detail", contact.pk),
        )
    return message


def close_contact_request(*, actor: User, contact: ContactRequest) -> ContactRequest:
    _require(actor, "organizations.reply_contactrequest", contact)
    with transaction.atomic():
        before = contact.status
        contact.status = ContactStatus.CLOSED
        contact.save(update_fields=["status", "updated_at"])
        record_event(
            actor=actor,
            verb="organizations.contactrequest.close",
            target=contact,
            from_state=before,
            to_state=ContactStatus.CLOSED,
        )
    return contact


# --- Account deletion and personal data (registered in apps.py) --------------------------------


def check_account_deletion(user: User) -> None:
    """A representative of a group with other members hands the role over first."""
    rep_orgs = Membership.objects.filter(
        user=user, role=MembershipRole.REPRESENTATIVE, status=MembershipStatus.ACTIVE
    )
    for m in rep_orgs.select_related("organization"):
        others = Membership.objects.filter(
            organization=m.organization, status=MembershipStatus.ACTIVE
        ).exclude(user=user)
        if others.exists():
            raise ValidationError(
                _(
                    "You are the representative of %(org)s. Hand the role over before deleting your account."
                )
                % {"org": m.organization.name},
                code="representative",
            )


def end_memberships_on_deletion(user: User) -> None:
    Membership.objects.filter(user=user).exclude(status=MembershipStatus.LEFT).update(
        status=MembershipStatus.LEFT, updated_at=timezone.now()
    )
    Invitation.objects.filter(email__iexact=user.email, accepted_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    forget_memberships(user)


def memberships_export(user: User) -> list[dict[str, Any]]:
    return [
        {
            "organization": m.organization.name,
            "role": m.role,
            "title": m.title,
            "status": m.status,
            "since": m.created_at.isoformat(),
        }
        for m in Membership.objects.filter(user=user).select_related("organization").order_by("id")
    ]


def contact_requests_export(user: User) -> list[dict[str, Any]]:
    sent = [
        {
            "to": c.to_organization.name,
            "subject": c.subject,
            "body": c.body,
            "at": c.created_at.isoformat(),
        }
        for c in ContactRequest.objects.filter(sender=user)
        .select_related("to_organization")
        .order_by("id")
    ]
    replies = [
        {"conversation": m.request.subject, "body": m.body, "at": m.created_at.isoformat()}
        for m in ContactMessage.objects.filter(author=user).select_related("request").order_by("id")
    ]
    return [*sent, *replies]
