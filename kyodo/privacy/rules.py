"""Permissions of the privacy app (see docs/roles-and-permissions.md)."""

from __future__ import annotations

import rules

from kyodo.organizations.predicates import is_admin, is_signed_in

# The audit log: administrators only (it names who did what to whom).
rules.add_perm("privacy.view_auditevent", is_admin)
rules.add_perm("privacy.add_privacyrequest", is_signed_in)
rules.add_perm("privacy.view_privacyrequest", is_admin)
rules.add_perm("privacy.anonymise_user", is_admin)
