"""This app's part of the personal-data download: follows, notifications, e-mail settings."""

from __future__ import annotations

from typing import Any

from kyodo.notifications.models import DeliveryPreference, Follow, Notification
from kyodo.notifications.registry import followable


def export_follows(user: Any) -> list[dict[str, Any]]:
    rows = []
    for f in Follow.objects.filter(user=user).select_related("target_type").order_by("created_at"):
        key = f"{f.target_type.app_label}.{f.target_type.model}"
        spec = followable(key)
        obj = spec.model._default_manager.filter(pk=f.target_id).first() if spec else None
        rows.append(
            {
                "kind": key,
                "id": f.target_id,
                "title": str(obj) if obj is not None else "",
                "url": spec.url_of(obj) if spec and obj is not None else "",
                "since": f.created_at.isoformat(),
            }
        )
    return rows


def export_notifications(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "kind": n.kind,
            "subject": n.subject,
            "body": n.body,
            "url": n.url,
            "created_at": n.created_at.isoformat(),
            "read_at": n.read_at.isoformat() if n.read_at else None,
            "emailed_at": n.emailed_at.isoformat() if n.emailed_at else None,
        }
        for n in Notification.objects.filter(recipient=user).order_by("created_at", "id")
    ]


def export_preference(user: Any) -> dict[str, Any]:
    pref = DeliveryPreference.objects.filter(user=user).first()
    return {"frequency": pref.frequency if pref else "immediate"}
