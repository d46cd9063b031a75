"""Admin: for support and inspection. Coordinators configure calls in the site's own forms."""

from django.contrib import admin

from kyodo.calls import models as m


class RoundInline(admin.TabularInline):
    model = m.Round
    extra = 0


class FundingRuleInline(admin.TabularInline):
    model = m.FundingRule
    extra = 0


class CriterionInline(admin.TabularInline):
    model = m.CallCriterion
    extra = 0


@admin.register(m.Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "fiscal_year", "status", "total_budget_yen"]
    list_filter = ["kind", "status", "fiscal_year"]
    search_fields = ["title"]
    inlines = [RoundInline, FundingRuleInline, CriterionInline]


@admin.register(m.Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "organization",
        "call",
        "round",
        "status",
        "entered_on_paper",
        "submitted_at",
    ]
    list_filter = ["status", "entered_on_paper", "call__fiscal_year"]
    search_fields = ["title", "organization__name"]
    raw_id_fields = [
        "organization",
        "co_applicants",
        "created_by",
        "submitted_by",
        "entered_by",
        "checked_by",
    ]
    readonly_fields = ["status", "submitted_at", "submitted_by"]


@admin.register(m.ReviewerAssignment)
class ReviewerAssignmentAdmin(admin.ModelAdmin):
    list_display = ["round", "reviewer", "assigned_at"]
    raw_id_fields = ["reviewer", "assigned_by"]


@admin.register(m.ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    list_display = ["application", "reviewer", "reason", "declared_at"]
    raw_id_fields = ["application", "reviewer"]


@admin.register(m.Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = [
        "notice_number",
        "application",
        "status",
        "decided_amount_yen",
        "confirmed_amount_yen",
        "paid_on",
    ]
    list_filter = ["status"]
    raw_id_fields = ["application"]
    readonly_fields = ["status", "decided_amount_yen", "confirmed_amount_yen", "paid_amount_yen"]
