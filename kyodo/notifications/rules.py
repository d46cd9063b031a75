"""Permissions for notifications and follows: your own inbox only."""

from __future__ import annotations

from typing import Any

import rules


@rules.predicate
def is_signed_in(user: Any) -> bool:
    # organizations.predicates.is_signed_in lives above this app; same definition.
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def is_recipient(user: Any, notification: Any) -> bool:
    return notification is not None and notification.recipient_id == getattr(user, "pk", None)


rules.add_perm("notifications.view_inbox", is_signed_in)
rules.add_perm("notifications.read_notification", is_signed_in & is_recipient)
rules.add_perm("notifications.change_preference", is_signed_in)
rules.add_perm("notifications.follow", is_signed_in)
