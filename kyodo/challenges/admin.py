from django.contrib import admin

from kyodo.challenges.models import (
    ContentReport,
    HiddenContent,
    Issue,
    IssueComment,
    Theme,
    ThemeMap,
)


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["title", "district", "field", "status", "tier", "support_count", "created_at"]
    list_filter = ["status", "district", "field", "tier"]
    search_fields = ["title"]
    raw_id_fields = ["author", "answered_by", "responsible_department"]
    date_hierarchy = "created_at"


@admin.register(IssueComment)
class IssueCommentAdmin(admin.ModelAdmin):
    list_display = ["issue", "author", "created_at", "hidden_at"]
    raw_id_fields = ["issue", "author"]


@admin.register(ContentReport)
class ContentReportAdmin(admin.ModelAdmin):
    list_display = ["content_type", "object_id", "status", "created_at"]
    list_filter = ["status", "content_type"]
    raw_id_fields = ["reporter", "decided_by"]


@admin.register(HiddenContent)
class HiddenContentAdmin(admin.ModelAdmin):
    list_display = ["content_type", "object_id", "reason", "hidden_at"]


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0
    fields = ("rank", "label", "size")
    readonly_fields = ("rank", "label", "size")


@admin.register(ThemeMap)
class ThemeMapAdmin(admin.ModelAdmin):
    list_display = ["__str__", "district", "issue_count", "built_at"]
    inlines = [ThemeInline]
