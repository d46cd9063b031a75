"""record_event: the one way to write the audit log (called by every service)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from kyodo.core.models import AuditEvent

_SECRET_KEY_RE = re.compile(r"pass(word)?|token|secret|api[_-]?key|otp", re.IGNORECASE)


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: ("[redacted]" if _SECRET_KEY_RE.search(str(k)) else _scrub(v))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def record_event(
    *,
    actor: Any,
    verb: str,
    target: models.Model | None = None,
    from_state: str = "",
    to_state: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row. `verb` is "<app>.<model>.<action>", e.g. "projects.project.submit".

    `actor` is a user, or None for the system (commands, scheduled tasks).
    """
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_label=(str(getattr(actor, "email", "") or actor) if is_user else "system")[:200],
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        from_state=str(from_state or "")[:50],
        to_state=str(to_state or "")[:50],
        data=_scrub(data or {}),
    )


def events_for(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).select_related("actor")
