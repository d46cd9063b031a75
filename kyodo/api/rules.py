"""Who may manage personal access tokens (the domain permissions live in each app's rules)."""

from __future__ import annotations

from typing import Any

import rules

from kyodo.organizations.predicates import is_admin, is_signed_in


@rules.predicate
def owns_token(user: Any, token: Any) -> bool:
    return token is not None and getattr(user, "pk", None) == token.user_id


rules.add_perm("api.create_token", is_signed_in)
rules.add_perm("api.revoke_token", is_signed_in & (owns_token | is_admin))
