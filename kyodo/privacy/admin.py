"""The audit log in the Django admin: read-only, administrators only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kyodo.core.models import AuditEvent
from kyodo.privacy.models import PrivacyRequest


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "actor_label",
        "verb",
        "target_type",
        "target_repr",
        "from_state",
        "to_state",
    )
    list_filter = ("verb", "target_type")
    search_fields = ("actor_label", "verb", "target_repr")
    date_hierarchy = "created_at"
    list_select_related = ("target_type",)
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    show_full_result_count = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "status", "answered_at")
    list_filter = ("kind", "status")
    readonly_fields = ("user", "kind", "details", "submission_token", "created_at")
    list_select_related = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
