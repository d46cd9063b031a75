"""Every write about people's accounts: sign-up, confirmation, profile, e-mail change,
deletion, and audited views of private data."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.accounts.models import PrivateProfile, User
from kyodo.accounts.personal_data import (
    collect_personal_data,
    run_deletion_checks,
    run_deletion_handlers,
)
from kyodo.core.audit import record_event

CONFIRM_SALT = "kyodo.accounts.confirm-email"
EMAIL_CHANGE_SALT = "kyodo.accounts.change-email"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 3  # three days
EMAIL_CHANGE_MAX_AGE = 60 * 60 * 24
DELETED_EMAIL_DOMAIN = "deleted.invalid"


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send_on_commit(subject: str, body: str, to: str) -> None:
    def _send() -> None:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)

    transaction.on_commit(_send)


def _email_taken(email: str, exclude_pk: int | None = None) -> bool:
    qs = User.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


# --- Sign-up and confirmation -----------------------------------------------------------


def confirmation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=CONFIRM_SALT)


def send_confirmation(*, user: User) -> None:
    link = absolute_url(reverse("accounts:confirm-email", args=[confirmation_token(user)]))
    body = _(
        "Thank you for signing up to Kyodo.\n\n"
        "Open this link within three days to confirm your e-mail address:\n%(link)s\n\n"
        "If you did not sign up, you can ignore this message."
    ) % {"link": link}
    _send_on_commit(_("Confirm your e-mail address"), body, user.email)


def sign_up(
    *,
    email: str,
    password: str,
    display_name: str,
    residency: str = "",
    district: Any = None,
    language: str = "ja",
) -> User | None:
    """Create an account that can log in once its e-mail address is confirmed.

    When the address already has an account nothing is created and None is returned; the
    owner gets an e-mail saying someone tried to sign up with it. The caller answers exactly
    as for a new account ("check your e-mail"), so sign-up does not tell a stranger whether
    an address has an account (ASVS 5.0 V6.3: no account enumeration)."""
    email = User.objects.normalize_email(email).strip().lower()
    candidate = User(email=email, display_name=display_name)
    validate_password(password, candidate)
    existing = User.objects.filter(email__iexact=email, deleted_at__isnull=True).first()
    if existing is not None:
        with transaction.atomic():
            record_event(actor=None, verb="accounts.user.sign_up_with_taken_email", target=existing)
            _send_on_commit(
                _("Someone tried to sign up with your e-mail address"),
                _(
                    "Someone tried to create a new Kyodo account with this e-mail address, "
                    "which already has an account.\n\n"
                    "If it was you, log in instead: %(login)s\n"
                    "If you have forgotten your password, reset it: %(reset)s\n\n"
                    "If it was not you, you can ignore this message: nothing has changed."
                )
                % {
                    "login": absolute_url(reverse("accounts:login")),
                    "reset": absolute_url(reverse("accounts:password-reset")),
                },
                existing.email,
            )
        return None
    with transaction.atomic():
        user = User(
            email=email,
            display_name=display_name.strip(),
            residency=residency,
            district=district,
            language=language,
            is_active=False,
        )
        user.set_password(password)
        user.save()
        PrivateProfile.objects.create(user=user)
        record_event(actor=None, verb="accounts.user.sign_up", target=user, to_state="unconfirmed")
        send_confirmation(user=user)
    return user


def resend_confirmation(*, email: str) -> None:
    """Send the link again. Says nothing about whether the address exists."""
    user = User.objects.filter(
        email__iexact=email.strip(), email_confirmed_at__isnull=True, deleted_at__isnull=True
    ).first()
    if user is not None:
        with transaction.atomic():
            send_confirmation(user=user)


def confirm_email(*, token: str) -> User:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(
            _("This link has expired. Please ask for a new one."), code="expired"
        ) from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("This link is not valid."), code="invalid") from exc
    with transaction.atomic():
        user = (
            User.objects.select_for_update().filter(pk=data.get("u"), email=data.get("e")).first()
        )
        if user is None or user.deleted_at is not None:
            raise ValidationError(_("This link is not valid."), code="invalid")
        if user.email_confirmed_at is None:
            user.email_confirmed_at = timezone.now()
            user.is_active = True
            user.save(update_fields=["email_confirmed_at", "is_active"])
            record_event(
                actor=user,
                verb="accounts.user.confirm_email",
                target=user,
                from_state="unconfirmed",
                to_state="active",
            )
    return user


# --- Profile ------------------------------------------------------------------------------


def _require(actor: Any, perm: str, obj: Any) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def update_profile(
    *,
    actor: User,
    user: User,
    display_name: str,
    residency: str,
    district: Any,
    fields_of_interest: Any,
    language: str,
) -> User:
    _require(actor, "accounts.change_user", user)
    with transaction.atomic():
        user.display_name = display_name.strip()
        user.residency = residency
        user.district = district
        user.language = language
        user.save(update_fields=["display_name", "residency", "district", "language"])
        user.fields_of_interest.set(list(fields_of_interest))
        record_event(actor=actor, verb="accounts.user.update_profile", target=user)
    return user


PRIVATE_FIELDS = ("real_name", "real_name_kana", "phone", "postal_code", "address")


def update_private_profile(*, actor: User, user: User, **values: str) -> PrivateProfile:
    _require(actor, "accounts.change_user", user)
    unknown = set(values) - set(PRIVATE_FIELDS)
    if unknown:
        raise ValueError(f"unknown private fields: {sorted(unknown)}")
    with transaction.atomic():
        profile, _created = PrivateProfile.objects.select_for_update().get_or_create(user=user)
        for name, value in values.items():
            setattr(profile, name, (value or "").strip())
        profile.full_clean()
        profile.save()
        # The values themselves never go into the audit log.
        record_event(
            actor=actor,
            verb="accounts.private_profile.update",
            target=user,
            data={"fields": sorted(values)},
        )
    return profile


def view_private_profile(*, actor: User, subject: User, purpose: str) -> PrivateProfile:
    """Return the subject's private profile for `actor`, who must be allowed to see it.

    Anyone but the person needs a stated purpose, and every such view is audited
    (`accounts.private_data.view`). Apps whose organisers need contact details register a
    grant with `kyodo.accounts.personal_data.register_private_data_grant`."""
    if not actor.has_perm("accounts.view_private_profile", subject):
        raise PermissionDenied
    is_self = actor.pk == subject.pk
    purpose = (purpose or "").strip()
    if not is_self and not purpose:
        raise ValidationError(
            _("State why you need this person's contact details."), code="purpose_required"
        )
    profile, _created = PrivateProfile.objects.get_or_create(user=subject)
    if not is_self:
        record_event(
            actor=actor,
            verb="accounts.private_data.view",
            target=subject,
            data={"purpose": purpose[:300]},
        )
    return profile


# --- E-mail and password ------------------------------------------------------------------


def _check_password(user: User, password: str) -> None:
    if not user.check_password(password):
        raise ValidationError(_("The password is not correct."), code="wrong_password")


def request_email_change(*, actor: User, user: User, new_email: str, password: str) -> str:
    """Send a confirmation link to the new address; the change happens when it is opened.
    Returns the token (the view shows nothing of it; tests and the API use it)."""
    _require(actor, "accounts.change_user", user)
    _check_password(user, password)
    new_email = User.objects.normalize_email(new_email).strip().lower()
    if new_email == user.email:
        raise ValidationError(_("This is already your e-mail address."), code="same_email")
    if _email_taken(new_email, exclude_pk=user.pk):
        raise ValidationError(
            _("An account with this e-mail address already exists."), code="email_taken"
        )
    token = signing.dumps(
        {"u": user.pk, "old": user.email, "new": new_email}, salt=EMAIL_CHANGE_SALT
    )
    link = absolute_url(reverse("accounts:email-change-confirm", args=[token]))
    with transaction.atomic():
        record_event(actor=actor, verb="accounts.user.request_email_change", target=user)
        _send_on_commit(
            _("Confirm your new e-mail address"),
            _(
                "Open this link within 24 hours to use this address for Kyodo:\n%(link)s\n\n"
                "If you did not ask for this, you can ignore this message."
            )
            % {"link": link},
            new_email,
        )
        _send_on_commit(
            _("Your e-mail address is being changed"),
            _(
                "Someone asked to change the e-mail address of your Kyodo account to %(email)s. "
                "If this was not you, change your password now."
            )
            % {"email": new_email},
            user.email,
        )
    return token


def confirm_email_change(*, actor: User, token: str) -> User:
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(
            _("This link has expired. Please ask for a new one."), code="expired"
        ) from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("This link is not valid."), code="invalid") from exc
    if data.get("u") != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        if user.email != data.get("old"):
            raise ValidationError(_("This link is not valid."), code="invalid")
        if _email_taken(data["new"], exclude_pk=user.pk):
            raise ValidationError(
                _("An account with this e-mail address already exists."), code="email_taken"
            )
        user.email = data["new"]
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email", "email_confirmed_at"])
        record_event(actor=actor, verb="accounts.user.change_email", target=user)
    return user


def revoke_credentials_after_password_change(
    *, actor: User | None, user: User, reset: bool
) -> dict[str, int]:
    """After a password change (`reset=False`) or a reset through the e-mail link
    (`reset=True`): revoke what else proves to be the person — API tokens, through the apps'
    handlers (kyodo.accounts.hooks) — and record it. Other browser sessions end by themselves:
    Django keys each session to the password hash, and the changing session alone is renewed
    (`update_session_auth_hash`). Returns the count revoked per kind (the page says so).
    ASVS 5.0 V7.4: sessions and tokens end when the password changes."""
    from kyodo.accounts.hooks import run_password_change_handlers

    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        revoked = run_password_change_handlers(user, actor)
        record_event(
            actor=actor,
            verb="accounts.user.reset_password" if reset else "accounts.user.change_password",
            target=user,
            data={"revoked": revoked},
        )
    return revoked


# --- Deletion and export -------------------------------------------------------------------


def anonymise_account(*, user: User) -> User:
    """Remove the person's personal data; contributions stay, shown as 「退会したユーザー」.

    The one implementation of anonymisation, for account deletion and for retention (the
    callers check permission, lock the row and run inside their transaction). Old audit rows
    keep who did what, but no longer the e-mail address that was the actor's label."""
    from kyodo.core.models import AuditEvent

    run_deletion_handlers(user)
    PrivateProfile.objects.filter(user=user).update(
        real_name="", real_name_kana="", phone="", postal_code="", address=""
    )
    user.fields_of_interest.clear()
    user.email = f"deleted-{user.pk}-{uuid.uuid4().hex[:12]}@{DELETED_EMAIL_DOMAIN}"
    user.display_name = ""
    user.residency = ""
    user.district = None
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.deleted_at = timezone.now()
    user.set_unusable_password()
    user.save()
    AuditEvent.objects.filter(actor=user).update(actor_label=f"{user.public_name} #{user.pk}")
    return user


def delete_account(*, actor: User, user: User, password: str) -> User:
    """The person deletes their own account (asks for the password again)."""
    _require(actor, "accounts.delete_user", user)
    _check_password(user, password)
    run_deletion_checks(user)
    with transaction.atomic():
        user = anonymise_account(user=User.objects.select_for_update().get(pk=user.pk))
        record_event(
            actor=None,
            verb="accounts.user.delete",
            target=user,
            from_state="active",
            to_state="deleted",
        )
    return user


def export_personal_data(*, actor: User, user: User) -> dict[str, Any]:
    """Everything Kyodo holds about the person (開示), as JSON-ready data."""
    _require(actor, "accounts.export_user", user)
    data = {
        "exported_at": timezone.now().isoformat(),
        **collect_personal_data(user),
    }
    record_event(actor=actor, verb="accounts.user.export_personal_data", target=user)
    return data


def profile_export(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "residency": user.residency,
        "district": user.district.name if user.district_id and user.district else None,
        "fields_of_interest": [f.name for f in user.fields_of_interest.all()],
        "language": user.language,
        "date_joined": user.date_joined.isoformat(),
        "email_confirmed_at": user.email_confirmed_at.isoformat()
        if user.email_confirmed_at
        else None,
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }


def private_profile_export(user: User) -> dict[str, Any]:
    profile = PrivateProfile.objects.filter(user=user).first()
    if profile is None:
        return {}
    return {name: getattr(profile, name) for name in PRIVATE_FIELDS}


def private_data_views_export(user: User) -> list[dict[str, Any]]:
    """Who looked at the person's private data, when and why (the person may know)."""
    from django.contrib.contenttypes.models import ContentType

    from kyodo.core.models import AuditEvent

    rows = AuditEvent.objects.filter(
        verb="accounts.private_data.view",
        target_type=ContentType.objects.get_for_model(User),
        target_id=str(user.pk),
    ).order_by("id")
    return [
        {
            "at": e.created_at.isoformat(),
            "by": e.actor.public_name if e.actor_id and e.actor else "system",
            "purpose": (e.data or {}).get("purpose", ""),
        }
        for e in rows.select_related("actor")
    ]
