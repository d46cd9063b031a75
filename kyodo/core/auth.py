"""An authentication backend for Kyodo's permission model (issue 26), not wired by default.

Kyodo's permissions are `rules` predicates (each app's rules.py). Django's `ModelBackend` stays in
AUTHENTICATION_BACKENDS for signing in and for the admin's model permissions, but `has_perm` asks
every backend until one says yes, so for every person the rules refuse (a group representative,
a resident: most `has_perm` calls of a page, e.g. the menu in base.html), `ModelBackend` reads
the person's user permissions and group permissions: **two statements on every signed-in page**
(docs/performance.md "Where the statements go").

`StaffModelBackend` gives model permissions only to people who may use the admin (`is_staff`),
which is who the admin grants them to; anyone else is answered from `rules` alone, with no
statement. Signing in is unchanged. To use it, replace
"django.contrib.auth.backends.ModelBackend" by "kyodo.core.auth.StaffModelBackend" in
AUTHENTICATION_BACKENDS (a behaviour change for a non-staff person given model permissions in
the admin: those no longer count, as nothing in Kyodo reads them).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class StaffModelBackend(ModelBackend):
    def _get_permissions(self, user_obj: Any, obj: Any, from_name: str) -> set[str]:
        if not getattr(user_obj, "is_staff", False) and not getattr(
            user_obj, "is_superuser", False
        ):
            return set()
        return super()._get_permissions(user_obj, obj, from_name)  # type: ignore[misc]
