"""Permissions about people's accounts (see docs/roles-and-permissions.md)."""

from __future__ import annotations

from typing import Any

import rules

from kyodo.accounts.personal_data import private_data_granted

# accounts sits below organizations, so it cannot import kyodo.organizations.predicates;
# these two are the same definitions.


@rules.predicate
def is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


@rules.predicate
def is_self(user: Any, subject: Any) -> bool:
    return subject is not None and getattr(subject, "pk", None) == getattr(user, "pk", -1)


@rules.predicate
def has_private_data_grant(user: Any, subject: Any) -> bool:
    return subject is not None and private_data_granted(user, subject)


rules.add_perm("accounts.view_user", is_signed_in & is_self)
rules.add_perm("accounts.change_user", is_signed_in & is_self)
rules.add_perm("accounts.delete_user", is_signed_in & is_self)
rules.add_perm("accounts.export_user", is_signed_in & is_self)
# The person; an administrator; or an organiser of something the person joined that
# needs the data (a grant registered by that app). Every view by someone else is audited.
rules.add_perm(
    "accounts.view_private_profile", is_signed_in & (is_self | is_admin | has_private_data_grant)
)
