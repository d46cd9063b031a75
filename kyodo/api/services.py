"""Writes of the API app: personal access tokens. Everything else the API writes goes
through the owning app's services."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.api.models import TOKEN_PREFIX, PersonalAccessToken, hash_token
from kyodo.core.audit import record_event

MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most this often, so reads do not become writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    token: PersonalAccessToken
    # The only time the token exists in clear text: show it once, never store it.
    raw: str


def create_token(*, actor: User, name: str) -> NewToken:
    """Create a personal access token for `actor` (a person creates tokens for themself)."""
    if not actor.has_perm("api.create_token"):
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter a name so you can recognise the token later.")})
    if len(name) > 100:
        raise ValidationError({"name": _("The name can be up to 100 characters.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        # Lock the person's row so two requests cannot both pass the limit.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        if PersonalAccessToken.objects.active().filter(user=actor).count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                _("You can have up to %(n)s tokens. Revoke one you no longer use first.")
                % {"n": MAX_ACTIVE_TOKENS},
                code="too_many_tokens",
            )
        token = PersonalAccessToken.objects.create(
            user=actor, name=name, prefix=raw[: len(TOKEN_PREFIX) + 6], token_hash=hash_token(raw)
        )
        # The audit row names the token; the token itself never reaches the log.
        record_event(actor=actor, verb="api.token.create", target=token, data={"name": name})
    return NewToken(token=token, raw=raw)


def revoke_token(*, actor: User, token: PersonalAccessToken) -> PersonalAccessToken:
    if not actor.has_perm("api.revoke_token", token):
        raise PermissionDenied
    with transaction.atomic():
        locked = PersonalAccessToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            record_event(
                actor=actor,
                verb="api.token.revoke",
                target=locked,
                from_state="active",
                to_state="revoked",
            )
    return locked


def revoke_all_tokens(user: User, actor: User | None) -> int:
    """Revoke every active token of `user` (a password change or reset ends them all: whoever
    knew the old password may have made one). Registered with accounts' password-change hook;
    runs inside its transaction."""
    tokens = list(PersonalAccessToken.objects.select_for_update().active().filter(user=user))
    now = timezone.now()
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        record_event(
            actor=actor,
            verb="api.token.revoke",
            target=token,
            from_state="active",
            to_state="revoked",
            data={"reason": "password_change"},
        )
    return len(tokens)


def authenticate_token(raw: str) -> PersonalAccessToken | None:
    """The active token matching `raw`, with its user, or None. Stamps last_used_at (at most
    once a minute)."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        PersonalAccessToken.objects.active()
        .select_related("user")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    if token is None or not token.user.is_active or token.user.deleted_at is not None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
