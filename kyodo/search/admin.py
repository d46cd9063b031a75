from django.contrib import admin

from kyodo.search.models import SearchDocument


@admin.register(SearchDocument)
class SearchDocumentAdmin(admin.ModelAdmin):
    """Read-only: the index is written by the providers and `manage.py reindex`."""

    list_display = ("doc_type", "object_id", "title", "status", "visibility", "date")
    list_filter = ("doc_type",)
    search_fields = ("title",)
    show_full_result_count = False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
