from django.contrib import admin

from kyodo.projects.models import (
    Agreement,
    AgreementVersion,
    ChangeRequest,
    Evaluation,
    Project,
    ProjectPartner,
    Theme,
)


class PartnerInline(admin.TabularInline):
    model = ProjectPartner
    extra = 0
    raw_id_fields = ("organization",)


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "origin", "fiscal_year", "fiscal_year_end")
    list_filter = ("status", "origin", "fiscal_year")
    search_fields = ("title", "purpose")
    inlines = [PartnerInline]
    raw_id_fields = ("predecessor", "theme", "created_by")
    filter_horizontal = ("forms", "fields", "districts")
    # Status changes go through the services (audit trail, notifications).
    readonly_fields = ("status",)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("title", "department", "fiscal_year", "deadline", "status")
    list_filter = ("status", "fiscal_year")


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ("project", "current_version", "signed_version", "signed_at")
    raw_id_fields = ("project", "current_version", "signed_version")


@admin.register(AgreementVersion)
class AgreementVersionAdmin(admin.ModelAdmin):
    list_display = ("agreement", "number", "created_at")
    raw_id_fields = ("agreement", "created_by")


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    list_display = ("summary", "project", "status", "created_at")
    list_filter = ("status",)


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ("project", "kind", "organization", "submitted_at")
    list_filter = ("kind",)
